"""Plotly pieces every page's figures share (no Streamlit): the look (:mod:`.style`), the marks (:mod:`.marks`),
time series ready for drawing (:mod:`.series`) and how each quantity is drawn (:mod:`.panels`).

Each page's own figures live in its folder (``dashboard/<page>/figures.py``) and are built from these.
"""

from .style import COLORS, ROUTE_COLORS, Style, figure

__all__ = ["COLORS", "ROUTE_COLORS", "Style", "figure"]
