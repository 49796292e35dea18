"""Only what a reader sees: a pdfminer page aggregator that leaves out text nobody can see on the page.

Senko scores the nouns of a résumé, so text a person never sees could raise an applicant's score.
A character is left out, and counted under its reason, when it is

- ``off_page``: centred outside the page's visible box (the crop box within the media box);
- ``tiny``: smaller than ``min_size`` points (4 by default: a 1 pt line is a grey hairline on paper);
- ``invisible``: drawn in text render mode 3 (neither filled nor stroked) or 7 (clip only);
- ``background``: painted in the colour of what lies under it, within ``SAME_COLOUR``: the topmost
  filled area drawn before it, else the white page (white on white, black on a black box).

Invisible text has one honest use, the OCR layer of a scanned page: when one picture covers at least
half of a page and the page shows next to no visible text (a page number a scanner stamped: at most
a tenth of the invisible), its invisible text is what the picture says, and it is kept. Not covered:
text hidden by a clipping path or painted over later, and an OCR layer that says more than its picture.
"""
from collections import Counter

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar
from pdfminer.pdffont import PDFUnicodeNotDefined
from pdfminer.utils import apply_matrix_pt, apply_matrix_rect

INVISIBLE_MODES = frozenset({3, 7})
STROKE_ONLY_MODES = frozenset({1, 5})
FILL_AND_STROKE_MODES = frozenset({2, 6})
WHITE = (1.0, 1.0, 1.0)
# Largest difference per RGB component (0..1) at which text no longer stands out from what is under it.
SAME_COLOUR = 0.1
# Filled areas thinner than this (table rules, underlines) cannot lie under a character.
MIN_AREA_SIDE = 1.0
SCANNED_PAGE_COVER = 0.5


def rgb(colorspace, color) -> tuple[float, ...] | None:
    """``color`` in ``colorspace`` as RGB in 0..1, or None when it cannot be told (patterns, spot colours, ...)."""
    values = color if isinstance(color, tuple | list) else (color,)
    if not all(isinstance(v, int | float) for v in values):
        return None
    name, components = getattr(colorspace, "name", None), len(values)
    if name == "ICCBased":
        name = {1: "DeviceGray", 3: "DeviceRGB", 4: "DeviceCMYK"}.get(getattr(colorspace, "ncomponents", 0))
    if name in ("DeviceGray", "CalGray") and components == 1:
        return (float(values[0]),) * 3
    if name in ("DeviceRGB", "CalRGB") and components == 3:
        return tuple(float(v) for v in values)
    if name == "DeviceCMYK" and components == 4:
        c, m, y, k = values
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None


def _box(points) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _contains(box, x: float, y: float) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


class VisibleTextAggregator(PDFPageAggregator):
    """A PDFPageAggregator whose pages hold only the characters a reader sees; ``hidden`` counts the rest."""

    def __init__(self, rsrcmgr, laparams=None, min_size: float = 4.0):
        super().__init__(rsrcmgr, laparams=laparams)
        self.min_size = min_size
        self.hidden: Counter[str] = Counter()
        self._render_mode = 0

    # ---- the page and what is drawn on it ---------------------------------------------------------
    def begin_page(self, page, ctm) -> None:
        """Start a page: its visible box in device space, no areas, no held text."""
        super().begin_page(page, ctm)
        media = _box([page.mediabox[:2], page.mediabox[2:]])
        crop = _box([page.cropbox[:2], page.cropbox[2:]]) if page.cropbox else media
        visible = (max(media[0], crop[0]), max(media[1], crop[1]), min(media[2], crop[2]), min(media[3], crop[3]))
        self._page_box = apply_matrix_rect(ctm, visible if visible[0] < visible[2] and visible[1] < visible[3] else media)
        self._page_area = max((self._page_box[2] - self._page_box[0]) * (self._page_box[3] - self._page_box[1]), 1.0)
        self._areas: list[tuple[tuple, tuple | None]] = []  # (box, colour or None for a picture), in drawing order
        self._held: list[tuple[object, LTChar]] = []  # invisible characters and their container
        self._seen = 0
        self._picture_cover = 0.0

    def end_page(self, page) -> None:
        """Keep a scanned page's OCR layer, count every other invisible character, then lay the page out."""
        held = sum(not item.get_text().isspace() for _, item in self._held)
        scanned = self._picture_cover >= SCANNED_PAGE_COVER and self._seen * 10 <= held
        for container, item in self._held:
            if scanned:
                container.add(item)
            else:
                self._count("invisible", item)
        self._held = []
        super().end_page(page)

    def paint_path(self, gstate, stroke, fill, evenodd, path) -> None:
        """Draw a path; a filled one becomes an area that may lie under later text."""
        super().paint_path(gstate, stroke, fill, evenodd, path)
        points = [apply_matrix_pt(self.ctm, (segment[i], segment[i + 1]))
                  for segment in path for i in range(1, len(segment) - 1, 2)]
        if not fill or not points:
            return
        box = _box(points)
        if box[2] - box[0] >= MIN_AREA_SIDE and box[3] - box[1] >= MIN_AREA_SIDE:
            self._areas.append((box, rgb(gstate.ncs, gstate.ncolor)))

    def render_image(self, name, stream) -> None:
        """Draw a picture: what lies under text on it is unknown (never "the same colour")."""
        super().render_image(name, stream)
        figure, page = self.cur_item, self._page_box
        box = (max(figure.x0, page[0]), max(figure.y0, page[1]), min(figure.x1, page[2]), min(figure.y1, page[3]))
        if box[0] < box[2] and box[1] < box[3]:
            self._areas.append((box, None))
            self._picture_cover = max(self._picture_cover, (box[2] - box[0]) * (box[3] - box[1]) / self._page_area)

    # ---- text ---------------------------------------------------------------------------------------
    def render_string(self, textstate, seq, ncs, graphicstate) -> None:
        """Remember the text render mode (pdfminer passes it no further) and draw the string."""
        self._render_mode = textstate.render
        super().render_string(textstate, seq, ncs, graphicstate)

    def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate) -> float:
        """pdfminer's render_char, with the character kept only when a reader sees it."""
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            text = self.handle_undefined_char(font, cid)
        item = LTChar(matrix, font, fontsize, scaling, rise, text, font.char_width(cid), font.char_disp(cid), ncs,
                      graphicstate)
        reason = self._unseen(item, graphicstate)
        if reason is None:
            self.cur_item.add(item)
            self._seen += not text.isspace()
        elif reason == "invisible":
            self._held.append((self.cur_item, item))
        else:
            self._count(reason, item)
        return item.adv

    def _unseen(self, item: LTChar, graphicstate) -> str | None:
        """Why a reader would not see ``item``, or None when they would."""
        x, y = (item.x0 + item.x1) / 2, (item.y0 + item.y1) / 2
        if not _contains(self._page_box, x, y):
            return "off_page"
        if item.size < self.min_size:
            return "tiny"
        mode = self._render_mode
        if mode in INVISIBLE_MODES:
            return "invisible"
        under = next((colour for box, colour in reversed(self._areas) if _contains(box, x, y)), WHITE)
        painted = [(graphicstate.scs, graphicstate.scolor)] if mode in STROKE_ONLY_MODES else \
            [(graphicstate.ncs, graphicstate.ncolor)]
        if mode in FILL_AND_STROKE_MODES:
            painted.append((graphicstate.scs, graphicstate.scolor))
        if under is not None and all(_same(rgb(space, colour), under) for space, colour in painted):
            return "background"
        return None

    def _count(self, reason: str, item: LTChar) -> None:
        if not item.get_text().isspace():
            self.hidden[reason] += 1


def _same(colour: tuple | None, other: tuple) -> bool:
    return colour is not None and max(abs(a - b) for a, b in zip(colour, other, strict=True)) <= SAME_COLOUR
