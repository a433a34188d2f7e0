"""Pure Plotly figure builders: data in, ``plotly.graph_objects.Figure`` out (no Streamlit)."""

from .compare import compare_figure
from .style import COLORS, ROUTE_COLORS, Style

__all__ = ["COLORS", "ROUTE_COLORS", "Style", "compare_figure"]
