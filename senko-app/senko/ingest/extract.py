"""Text extraction from résumé PDFs with pdfminer.six, with failures classified instead of raised.

Japanese specifics: vertical writing (縦書き) is laid out as vertical lines (``detect_vertical``) so
its characters come out as words, and the text is NFKC-normalised (full-width ＡＢＣ１２３ → ABC123,
half-width ｶﾀｶﾅ → カタカナ). Whatever text a damaged PDF still yields is used.

Only what a reader sees is read (``senko.ingest.visibility``: invisible, background-coloured, tiny
and off-page text is left out and counted in ``hidden_chars``), and a document may decompress to at
most ``max_decoded_bytes`` (``senko.ingest.decoding``; more is ``too_large``). The worker runs this
in a child process with memory and time limits (``senko.ingest.sandbox``).
"""
import io
import logging
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass, field

from pdfminer.layout import LAParams, LTContainer, LTImage, LTTextBox
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfexceptions import PDFException
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.psexceptions import PSException

from .decoding import DecodedTooLarge, decode_budget
from .visibility import VisibleTextAggregator

for _name in ("pdfminer",):
    logging.getLogger(_name).setLevel(logging.ERROR)

# What a broken file can make pdfminer raise; anything else is a bug and propagates.
PDF_ERRORS = (PDFException, PSException, ValueError, KeyError, TypeError, AttributeError, IndexError,
              RecursionError, zlib.error, struct.error, AssertionError, OverflowError, UnicodeDecodeError, EOFError)
CID = re.compile(r"\(cid:\d+\)")
MAX_TEXT_CHARS = 200_000
MIN_TEXT_PT = 4.0
MAX_DECODED_BYTES = 64 * 1024 * 1024


class ExtractionFailed(Exception):
    """The document cannot be used; ``reason`` is one of the documented failure reasons."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass
class Extraction:
    """Text of a document and what happened on the way."""

    text: str
    pages: int
    damaged_pages: int = 0
    warnings: list[str] = field(default_factory=list)
    # Characters left out because a reader does not see them, by reason (invisible, background, tiny, off_page).
    hidden: dict[str, int] = field(default_factory=dict)

    @property
    def hidden_chars(self) -> int:
        """How many characters were left out as unseen."""
        return sum(self.hidden.values())


def _layout_text(layout) -> tuple[list[str], int]:
    """Text of every text box (horizontal and vertical) and the number of images on a page."""
    texts, images = [], 0
    stack = [layout]
    while stack:
        item = stack.pop()
        if isinstance(item, LTTextBox):
            texts.append(item.get_text())
        elif isinstance(item, LTImage):
            images += 1
        elif isinstance(item, LTContainer):
            stack.extend(reversed(list(item)))
    return texts, images


def normalize(text: str) -> str:
    """NFKC, unified line ends, no trailing blanks."""
    text = unicodedata.normalize("NFKC", text)
    return "\n".join(line.rstrip() for line in text.replace("\r", "\n").split("\n"))


def extract_text(data: bytes, max_pages: int, min_text_pt: float = MIN_TEXT_PT,
                 max_decoded_bytes: int = MAX_DECODED_BYTES) -> Extraction:
    """Extract the text a reader sees in the PDF ``data`` or raise ExtractionFailed with a reason and a hint.

    Text smaller than ``min_text_pt`` points is not seen; streams that decompress to more than
    ``max_decoded_bytes`` in all make the document ``too_large``.
    """
    try:
        with decode_budget(max_decoded_bytes):
            return _extract(data, max_pages, min_text_pt)
    except DecodedTooLarge:
        raise ExtractionFailed("too_large", f"The PDF decompresses to more than {max_decoded_bytes // 2**20} MB; "
                                            "a résumé is far smaller (a compression bomb?)") from None


def _extract(data: bytes, max_pages: int, min_text_pt: float) -> Extraction:
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except PDFPasswordIncorrect:
        raise ExtractionFailed("encrypted", "The PDF is password-protected; ask for an unprotected copy") from None
    except PDFEncryptionError as exc:
        raise ExtractionFailed("encrypted", f"The PDF uses an encryption Senko cannot open ({exc})") from None
    except PDF_ERRORS as exc:
        raise ExtractionFailed("unparseable", f"The PDF structure is broken beyond repair ({type(exc).__name__})") from None

    try:
        pages = []
        for page in PDFPage.create_pages(document):
            pages.append(page)
            if len(pages) > max_pages:
                raise ExtractionFailed("too_many_pages", f"More than {max_pages} pages; a résumé is rarely longer")
    except PDF_ERRORS as exc:
        if not pages:
            raise ExtractionFailed("unparseable", f"The page tree cannot be read ({type(exc).__name__})") from None
    if not pages:
        raise ExtractionFailed("no_text", "The PDF has no pages")

    manager = PDFResourceManager(caching=True)
    device = VisibleTextAggregator(manager, laparams=LAParams(detect_vertical=True), min_size=min_text_pt)
    interpreter = PDFPageInterpreter(manager, device)
    result = Extraction(text="", pages=len(pages))
    texts, images = [], 0
    for number, page in enumerate(pages, start=1):
        try:
            interpreter.process_page(page)
            page_texts, page_images = _layout_text(device.get_result())
        except PDF_ERRORS as exc:
            result.damaged_pages += 1
            result.warnings.append(f"page {number}: {type(exc).__name__}")
            continue
        texts.extend(page_texts)
        images += page_images
    result.hidden = dict(device.hidden)

    text = normalize("\n".join(texts))
    if len(text) > MAX_TEXT_CHARS:
        result.warnings.append(f"text cut at {MAX_TEXT_CHARS} characters")
        text = text[:MAX_TEXT_CHARS]
    visible = re.sub(r"\s+", "", text)
    if not visible:
        if result.damaged_pages == len(pages):
            raise ExtractionFailed("unparseable", "No page could be read: " + "; ".join(result.warnings[:3]))
        if result.hidden_chars:
            raise ExtractionFailed("no_text", f"The PDF's only text cannot be seen ({result.hidden_chars} characters "
                                              "invisible, in the background colour, tiny or off the page)")
        if images:
            raise ExtractionFailed("no_text",
                                   "No text layer: this looks like a scanned image. Run OCR or upload the original PDF")
        raise ExtractionFailed("no_text", "The PDF contains no text")
    cid_chars = sum(len(m) for m in CID.findall(visible))
    if cid_chars / len(visible) > 0.3:
        raise ExtractionFailed("unreadable_font",
                               "The fonts have no Unicode mapping ((cid:NNN) codes); re-export the PDF with embedded fonts")
    result.text = CID.sub(" ", text)
    return result
