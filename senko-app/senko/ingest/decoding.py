"""A cap on how many bytes pdfminer may decompress for one document (decompression bombs).

pdfminer inflates each stream in one ``zlib.decompress`` call, so 200 KB of compressed zeros become
gigabytes in memory before anything looks at them. Inside ``decode_budget(limit)`` the zlib and LZW
decoders pdfminer uses stop at what is left of the budget, and every decoded stream, whatever its
filters, is counted against it; going over raises ``DecodedTooLarge``. The process's memory limit
(``senko.ingest.sandbox``) catches what is left (run-length, a parser fed a huge stream).
"""
import io
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from pdfminer import lzw, pdftypes


class DecodedTooLarge(Exception):
    """The document decompresses to more than its budget."""

    def __init__(self, limit: int):
        super().__init__(f"the PDF's streams decompress to more than {limit} bytes")
        self.limit = limit


class _Budget:
    def __init__(self, limit: int):
        self.limit, self.used = limit, 0

    @property
    def left(self) -> int:
        return max(self.limit - self.used, 0)

    def check(self, size: int) -> None:
        if size > self.left:
            raise DecodedTooLarge(self.limit)

    def take(self, size: int) -> None:
        self.check(size)
        self.used += size


class _Inflater:
    """A ``zlib.decompressobj`` whose output, together, never exceeds what is left of the budget."""

    def __init__(self, budget: _Budget, *args):
        self._inflater, self._budget, self._out = zlib.decompressobj(*args), budget, 0

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        cap = self._budget.left - self._out + 1
        out = self._inflater.decompress(data, min(max_length, cap) if max_length else cap)
        self._out += len(out)
        self._budget.check(self._out)
        return out

    def __getattr__(self, name: str):
        return getattr(self._inflater, name)


class _BoundedZlib:
    """The part of the zlib module pdfminer.pdftypes uses, bounded by a budget."""

    error = zlib.error

    def __init__(self, budget: _Budget):
        self._budget = budget

    def decompressobj(self, *args) -> _Inflater:
        return _Inflater(self._budget, *args)

    def decompress(self, data: bytes) -> bytes:
        inflater = zlib.decompressobj()
        out = inflater.decompress(data, self._budget.left + 1)
        self._budget.check(len(out))
        if not inflater.eof:  # what zlib.decompress says, so pdfminer's repair of broken streams still runs
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return out


def _bounded_lzw(budget: _Budget):
    def lzwdecode(data: bytes) -> bytes:
        out, size = [], 0
        for chunk in lzw.LZWDecoder(io.BytesIO(data)).run():
            size += len(chunk)
            budget.check(size)
            out.append(chunk)
        return b"".join(out)

    return lzwdecode


@contextmanager
def decode_budget(limit: int) -> Iterator[None]:
    """Within the block, pdfminer decompresses at most ``limit`` bytes in all (not thread-safe: one document at a time)."""
    budget = _Budget(limit)
    decode = pdftypes.PDFStream.decode

    def counted_decode(stream) -> None:
        decode(stream)
        budget.take(len(stream.data or b""))

    saved = pdftypes.zlib, pdftypes.lzwdecode
    pdftypes.zlib, pdftypes.lzwdecode = _BoundedZlib(budget), _bounded_lzw(budget)
    pdftypes.PDFStream.decode = counted_decode
    try:
        yield
    finally:
        pdftypes.zlib, pdftypes.lzwdecode = saved
        pdftypes.PDFStream.decode = decode
