"""PDF documents for the borrower (fpdf2 with an embedded CJK font): the statement and the relief agreement.

The font is Noto Sans CJK from Debian's ``fonts-noto-cjk`` (``FAIRCOLLECT_CJK_FONT`` overrides the path); without it
the PDF cannot show Chinese, so generation fails with a clear error instead of printing empty boxes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Final

from fpdf import FPDF

from faircollect.kit.errors import FaircollectError
from faircollect.web.i18n import Formatter

FONT_CANDIDATES: Final = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


class FontMissing(FaircollectError):
    status = 503


def cjk_font() -> Path:
    for candidate in (os.environ.get("FAIRCOLLECT_CJK_FONT"), *FONT_CANDIDATES):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    raise FontMissing("no CJK font for PDFs: install Debian's fonts-noto-cjk (or set FAIRCOLLECT_CJK_FONT)")


class Document:
    """A simple A4 document: title, paragraphs, key-value facts and tables, in one CJK font."""

    def __init__(self, title: str, *, author: str) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_title(title)
        self.pdf.set_author(author)
        self.pdf.set_creation_date(
            datetime(2000, 1, 1)
        )  # content-addressed: the same inputs give the same bytes
        regular = cjk_font()
        bold = regular.with_name(regular.name.replace("Regular", "Bold"))
        self.pdf.add_font("cjk", fname=str(regular), collection_font_number=0)
        self.pdf.add_font(
            "cjk", style="B", fname=str(bold if bold.exists() else regular), collection_font_number=0
        )
        self.pdf.set_margins(16, 16, 16)
        self.pdf.add_page()
        self.pdf.set_font("cjk", size=16)
        self.pdf.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(2)

    def heading(self, text: str) -> None:
        self.pdf.ln(3)
        self.pdf.set_font("cjk", size=12.5)
        self.pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")

    def para(self, text: str, size: float = 10) -> None:
        self.pdf.set_font("cjk", size=size)
        self.pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")

    def facts(self, rows: Sequence[tuple[str, str]]) -> None:
        self.pdf.set_font("cjk", size=10)
        for label, value in rows:
            self.pdf.cell(62, 6, label)
            self.pdf.multi_cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        self.pdf.set_font("cjk", size=8.5)
        with self.pdf.table(text_align="RIGHT", line_height=5) as t:
            t.row(list(header))
            for r in rows:
                t.row(list(r))

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def money_fn(fmt: Formatter, currency: str) -> Callable[[int], str]:
    return lambda minor: fmt.money(minor, currency)
