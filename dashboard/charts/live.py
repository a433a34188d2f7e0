"""A Plotly chart that stays on the page between reruns and is updated in place (``Plotly.react``).

Why not ``st.plotly_chart``: Streamlit identifies each chart by a hash of its figure (streamlit 1.67,
``elements/plotly_chart.py``: "always hash command kwargs", even with a key), so a slider step that changes the
figure mounts a new chart: a new ``<div>`` and a full ``Plotly.newPlot`` of every panel, 100-115 ms of the
browser's main thread for the Compare page's five panels (measured in chromium; half the points, no annotations,
``staticPlot`` or float32 did not move it).  ``Plotly.react`` on the chart that is already drawn redraws only
what changed, in about half that time.

How: a custom component (``st.components.v2``, Streamlit's own API for them) with a fixed key, so its identity
survives a new figure; its small script (``live.js``, trusted code of this repository) keeps one ``<div>`` and
calls ``Plotly.react`` with each new figure.  plotly.js is the copy the ``plotly`` Python package ships, served
by Streamlit's component file route (``/component/<name>/plotly.min.js``, registered below with
``st.components.v1.declare_component(path=...)``: a directory route, nothing is rendered by it); the browser
loads it once per page load (``?v=<plotly version>``: the proxy lets browsers keep it for a year,
deploy/nginx/nginx.conf.template).  The figure travels as Plotly's own JSON (``plotly.io.to_json``, the serialisation
``st.plotly_chart`` uses).  No model math here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import plotly
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st
import streamlit.components.v1 as components_v1

__all__ = ["PLOTLY_JS_ROUTE", "live_chart"]

_JS = (Path(__file__).with_name("live.js")).read_text(encoding="utf-8")
_PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"
_files = components_v1.declare_component("plotly_js", path=str(_PLOTLY_DIR))
PLOTLY_JS_ROUTE = f"component/{_files.name}/plotly.min.js"  # under the app's base URL
_component = st.components.v2.component("baclofen.live_chart", js=_JS, isolate_styles=False)


def live_chart(fig: go.Figure, key: str, config: dict[str, Any], alt: str) -> None:
    """Draw ``fig`` under ``key``; the next run's figure under the same key updates the same chart."""
    spec = pio.to_json(fig, validate=False)
    base = st.get_option("server.baseUrlPath").strip("/")
    prefix = f"/{base}" if base else ""
    src = f"{prefix}/{PLOTLY_JS_ROUTE}?v={plotly.__version__}"
    _component(
        key=key,
        data={"spec": spec, "config": json.dumps(config), "alt": alt, "src": src},
        height="content",
    )
