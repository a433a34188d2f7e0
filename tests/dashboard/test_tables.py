"""The card table: a real, escaped HTML table whose cells carry their column names for the phone's cards."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd

from dashboard.tables import CARD_TABLE_CSS, card_table


class Cells(HTMLParser):
    """(tag, attributes, text) of every th/td, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, dict, str]] = []
        self._open: tuple[str, dict] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("th", "td"):
            self._open = (tag, dict(attrs))
            self.cells.append((tag, dict(attrs), ""))

    def handle_data(self, data):
        if self._open and self.cells:
            tag, attrs, text = self.cells[-1]
            self.cells[-1] = (tag, attrs, text + data)

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            self._open = None


def parse(html: str) -> list[tuple[str, dict, str]]:
    p = Cells()
    p.feed(html)
    return p.cells


TABLE = pd.DataFrame([
    {"": "CSF / plasma", "Oral": "0.12", "Intrathecal": "250", "Why": "the pump puts it where it acts"},
    {"": "Withdrawal", "Oral": "mild", "Intrathecal": "severe (from 12 h)", "Why": "more drug leaves the cord"},
])  # fmt: skip


def test_header_row_headings_and_labelled_cells():
    cells = parse(card_table(TABLE, "t"))
    head = [c for c in cells if c[1].get("scope") == "col"]
    assert [c[2] for c in head] == ["", "Oral", "Intrathecal", "Why"]
    rows = [c for c in cells if c[1].get("scope") == "row"]
    assert [c[2] for c in rows] == ["CSF / plasma", "Withdrawal"]
    data = [c for c in cells if c[0] == "td"]
    assert [(c[1]["data-label"], c[2]) for c in data[:3]] == [("Oral", "0.12"), ("Intrathecal", "250"),
                                                              ("Why", "the pump puts it where it acts")]  # fmt: skip
    assert len(data) == 6


def test_every_cell_and_column_name_is_escaped():
    hostile = pd.DataFrame([{"<b>x</b>": "<script>alert(1)</script>", 'a"b': "<img src=x onerror=alert(1)>"}])
    html = card_table(hostile, 'a "quoted" <name>')
    assert "<script>" not in html
    assert "<img" not in html
    assert "<b>x</b>" not in html
    assert "&lt;script&gt;" in html
    assert 'aria-label="a &quot;quoted&quot; &lt;name&gt;"' in html  # the table's name too
    assert re.search(r'data-label="a&quot;b"', html)


def test_cards_only_below_the_phone_breakpoint():
    """The card layout (header hidden, labels shown) lives in a max-width media query, so a laptop gets a
    plain table."""
    css = CARD_TABLE_CSS
    wide, narrow = css.split("@media (max-width: 640px)")
    assert "attr(data-label)" in narrow
    assert "attr(data-label)" not in wide
    assert "display: block" in narrow
    assert "display: block" not in wide
