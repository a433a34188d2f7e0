"""Tables that keep their numbers in view on a phone: a real HTML ``<table>`` (header cells, one row per
measure, so a screen reader reads it as a table) that wraps its text on a laptop and turns into one card per
row on a narrow screen, each value labelled with its column's name.

Pure (no Streamlit): :func:`card_table` returns the HTML; every cell is escaped, so no text from a table
becomes markup.  Its look, :data:`CARD_TABLE_CSS`, goes on every page once, with the frame's CSS
(``dashboard.ui.apply_css``), not once per table.  ``st.dataframe`` cannot do this: it scrolls sideways,
and on a 390-px phone only two of the Compare page's five columns were visible.
"""

from __future__ import annotations

import html

import pandas as pd

__all__ = ["CARD_TABLE_CSS", "card_table"]

# Below 640 px (Streamlit's own breakpoint for stacking columns) each row is a card: the header row is hidden
# and each cell shows its column's name (data-label) in front of its value.  Words break only when one alone is
# wider than its cell (break-word, not anywhere: "anywhere" lets the table shrink a column to single letters,
# and the row headings read "Efficac / y" next to the sidebar at 1280 px).
CARD_TABLE_CSS = """<style>
.card-table { width: 100%; border-collapse: collapse; font-size: 0.95rem; }
.card-table th, .card-table td { text-align: left; vertical-align: top; padding: 0.35rem 0.5rem;
  border-bottom: 1px solid #d5d5d5; overflow-wrap: break-word; }
.card-table thead th { border-bottom: 2px solid #888; }
.card-table tbody th { font-weight: 600; }
@media (max-width: 640px) {
  .card-table thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .card-table, .card-table tbody, .card-table tr, .card-table th, .card-table td { display: block; width: auto; }
  .card-table tr { border: 1px solid #d5d5d5; border-radius: 0.5rem; margin: 0 0 0.75rem 0; padding: 0.25rem 0; }
  .card-table th, .card-table td { border-bottom: none; padding: 0.15rem 0.75rem; }
  .card-table td[data-label]::before, .card-table th[data-label]::before { content: attr(data-label) ": "; }
  .card-table td[data-label]::before { font-weight: 600; }
}
</style>"""


def card_table(table: pd.DataFrame, label: str) -> str:
    """``table`` as HTML: its first column is the row heading (``<th scope="row">``, labelled too if that column
    has a name), the others are cells labelled with their column names (on a phone, "Oral: 0.12"); ``label``
    names the table for a screen reader (``aria-label``)."""
    columns = [str(c) for c in table.columns]
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in columns)
    rows = []
    for values in table.itertuples(index=False):
        first, *rest = (html.escape(str(v)) for v in values)
        named = f' data-label="{html.escape(columns[0], quote=True)}"' if columns[0] else ""
        cells = "".join(
            f'<td data-label="{html.escape(c, quote=True)}">{v}</td>' if c else f"<td>{v}</td>"
            for c, v in zip(columns[1:], rest, strict=True)
        )
        rows.append(f'<tr><th scope="row"{named}>{first}</th>{cells}</tr>')
    body = "".join(rows)
    opening = f'<table class="card-table" aria-label="{html.escape(label, quote=True)}">'
    return f"{opening}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
