"""PDFs a real inbox brings, for tests and manual tries: encrypted, truncated, corrupted, circular,
scanned, empty, huge, fake, bombs. Each must end ``failed`` with its reason (or be processed if it
can be recovered) while the worker stays up. And résumés stuffed with text a reader never sees.
"""
import io
import zlib
from pathlib import Path

from .resumes import FONT, Profile, make_canvas, make_profile, render_pdf, resume_pdf

# Ways to hide a line from a reader: text render mode 3, white on the white page, 1 pt, beside the page.
HIDING = ("invisible", "white", "tiny", "off_page")


def encrypted_pdf() -> bytes:
    """A résumé that needs a user password to open."""
    from reportlab.lib import pdfencrypt

    return render_pdf(make_profile(1).lines(), encrypt=pdfencrypt.StandardEncryption("user-secret", "owner-secret"))


def truncated_pdf() -> bytes:
    """A résumé cut off in the middle (a failed download)."""
    data = resume_pdf(make_profile(2))
    return data[: len(data) // 2]


def corrupted_stream_pdf() -> bytes:
    """A résumé whose compressed page stream has garbage in the middle."""
    data = bytearray(render_pdf(make_profile(3).lines()))
    start = data.find(b"stream\n", data.find(b"/Filter")) + len(b"stream\n")
    for offset in range(start + 20, start + 60):
        data[offset] ^= 0x5A
    return bytes(data)


def _hand_pdf(objects: list[bytes]) -> bytes:
    """Assemble a PDF from object bodies (1-based numbering, object 1 is the catalog) with a valid xref."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(content), extra) + content + b"\nendstream"


def circular_xobject_pdf() -> bytes:
    """A page drawing a form XObject that draws itself, forever."""
    return _hand_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /X1 5 0 R >> >> >>",
        _stream(b"/X1 Do"),
        _stream(b"/X1 Do", b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /XObject << /X1 5 0 R >> >>"),
    ])


def zero_pages_pdf() -> bytes:
    """A syntactically valid PDF with no pages at all."""
    return _hand_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def image_only_pdf() -> bytes:
    """A scanned résumé: one picture per page, no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    image = Image.new("L", (620, 877), 255)
    draw = ImageDraw.Draw(image)
    for row in range(20):
        draw.rectangle([60, 60 + row * 38, 60 + (row * 37) % 500 + 40, 80 + row * 38], fill=0)
    buffer = io.BytesIO()
    pdf, (width, height) = make_canvas(buffer)
    pdf.drawImage(ImageReader(image), 0, 0, width, height)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def many_pages_pdf(pages: int = 500) -> bytes:
    """A 500-page document (over the page cap)."""
    return render_pdf(["職務経歴書", "ページ"], pages=pages)


def unmapped_font_pdf() -> bytes:
    """Text drawn with a font that has no ToUnicode map: extractors only see (cid:NNN) codes."""
    content = b"BT /F1 24 Tf 50 700 Td <0102030405060708090a0b0c0d0e0f10> Tj ET\n" * 10
    return _hand_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Unknown /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Unknown"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
    ])


def stuffed_resume_pdf(profile: Profile, words: list[str], hiding: tuple[str, ...] = HIDING) -> bytes:
    """``profile``'s résumé plus ``words`` in the bottom margin, once for each way of ``hiding`` them (score stuffing)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def overlay(pdf, width, height):
        y = 52
        for how in hiding:
            size = 1 if how == "tiny" else 7
            lines = [""]
            for word in words:  # wrapped to the page's width
                if lines[-1] and stringWidth(f"{lines[-1]} {word}", FONT, size) > width - 100:
                    lines.append("")
                lines[-1] = f"{lines[-1]} {word}".strip()
            text = pdf.beginText(width + 20 if how == "off_page" else 50, y)
            text.setFont(FONT, size, leading=7)
            if how == "invisible":
                text.setTextRenderMode(3)
            if how == "white":
                text.setFillColorRGB(1, 1, 1)
            text.textLines(lines)
            pdf.saveState()  # the render mode outlives the text object: q/Q keeps it to this line
            pdf.drawText(text)
            pdf.restoreState()
            y -= 7 * len(lines)

    return resume_pdf(profile, overlay=overlay)


def _deflated_repeat(piece: bytes, count: int) -> bytes:
    """zlib data inflating to ``piece * count``, built without ever holding that.

    After a full flush a compressor starts afresh, so every further copy of ``piece`` compresses to
    the same block: the stream is the first block, the repeated one, the end and the right checksum.
    """
    compressor = zlib.compressobj(9)
    first = compressor.compress(piece) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(piece) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush()[:-4]  # the final block, without the checksum of two pieces
    checksum = 1
    for _ in range(count):
        checksum = zlib.adler32(piece, checksum)
    return first + block * (count - 1) + end + checksum.to_bytes(4, "big")


def _content_pdf(content: bytes, tag: int = 0) -> bytes:
    """A one-page PDF whose page content is the FlateDecode stream ``content``; ``tag`` makes a distinct file."""
    return _hand_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        _stream(content, b"/Filter /FlateDecode"),
    ]) + b"%% %d\n" % tag


def flate_bomb_pdf(inflated_mb: int = 2048, tag: int = 0) -> bytes:
    """A decompression bomb: a page whose content stream inflates to ``inflated_mb`` MB of ``0`` (2 GB from 2 MB)."""
    return _content_pdf(_deflated_repeat(b"0 " * (1 << 19), inflated_mb), tag)


def nesting_bomb_pdf(inflated_mb: int = 16, tag: int = 0) -> bytes:
    """A memory bomb that stays small inflated: ``[`` opened millions of times, each a list the parser keeps."""
    return _content_pdf(_deflated_repeat(b"[ " * (1 << 19), inflated_mb), tag)


def slow_pdf(inflated_mb: int = 8, tag: int = 0) -> bytes:
    """A page of millions of operands: small inflated, yet pdfminer needs about half a minute for it."""
    return _content_pdf(_deflated_repeat(b"0 " * (1 << 19), inflated_mb), tag)


def text_renamed_pdf() -> bytes:
    """A plain text file someone renamed to .pdf."""
    return "山田太郎 履歴書\nこれはPDFではありません。\n".encode()


HOSTILE = {
    "encrypted": encrypted_pdf,
    "truncated": truncated_pdf,
    "corrupted_stream": corrupted_stream_pdf,
    "circular_xobject": circular_xobject_pdf,
    "image_only": image_only_pdf,
    "zero_pages": zero_pages_pdf,
    "many_pages": many_pages_pdf,
    "unmapped_font": unmapped_font_pdf,
    "text_renamed": text_renamed_pdf,
    "flate_bomb": flate_bomb_pdf,
}


def write_all(folder: Path, count: int = 20, seed: int = 2026) -> list[Path]:
    """Write ``count`` résumés and every hostile file into ``folder`` (for manual tries)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for index in range(count):
        path = folder / f"resume_{index:04d}.pdf"
        path.write_bytes(resume_pdf(make_profile(index, seed)))
        written.append(path)
    for name, make in HOSTILE.items():
        path = folder / f"hostile_{name}.pdf"
        path.write_bytes(make())
        written.append(path)
    return written
