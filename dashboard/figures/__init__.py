"""Pure Plotly figure builders: data in, ``plotly.graph_objects.Figure`` out (no Streamlit)."""

from dashboard.charts.style import COLORS, ROUTE_COLORS, Style

from .compare import compare_figure

__all__ = ["COLORS", "ROUTE_COLORS", "Style", "compare_figure"]
