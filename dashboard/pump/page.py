"""Pump & titration: screening bolus, starting dose and titration, reservoir and refills, flex schedule,
a ten-fold programming error, and the switch from tablets to the pump.

One module per section (each a fragment, so its own controls rerun only it); this script puts them together:
all seven in order, each in an expander (on a phone the open page was about 12,000 px long), the one a link's
settings point at open; or on a projector only the one chosen.
"""

from __future__ import annotations

import streamlit as st

from dashboard import ui
from dashboard.pump import error, flex, reservoir, screening, switch, tip, titration
from dashboard.pump.section import remember_coupled
from dashboard.pump.settings import SCHEMA, SECTIONS, SHORT, default_section, open_key

RENDER = {
    "screening": screening.section,
    "titration": titration.section,
    "reservoir": reservoir.section,
    "flex": flex.section,
    "tip": tip.section,
    "error": error.section,
    "switch": switch.section,
}

st.title("Pump & titration")
ui.load_page_state(SCHEMA)
values = SCHEMA.values(st)
remember_coupled(values)

if ui.presentation():
    first = default_section(values)
    chosen = st.radio(
        "Section",
        tuple(SECTIONS),
        format_func=SHORT.get,
        horizontal=True,
        key="pump_section",
        index=tuple(SECTIONS).index(first),
        label_visibility="collapsed",
    )
    RENDER[chosen or first]()
else:
    st.markdown(
        "Intrathecal baclofen is delivered by an implanted **pump** through a catheter into the spinal fluid. "
        "Follow one patient: a test bolus, the starting dose and titration, the reservoir and its refills, a "
        "day/night program, where the catheter ends, a programming error, and the switch from tablets. The rules "
        "are those of the labels and best-practice texts; the curves are the teaching model's."
    )
    # Opened once per session (the section a link points at), so changing a setting never folds the section
    # being worked in.  Only open sections run (on_change="rerun": opening one reruns the page), so a setting
    # shared by the sections reruns one or two of them, not all seven.
    opened = st.session_state.setdefault("_pump_opened", default_section(values))
    for key, render in RENDER.items():
        section = ui.folded(f"**{SECTIONS[key]}**", key=open_key(key), expanded=key == opened)
        with section:
            if section.open:
                render()
ui.save_page_state(SCHEMA)
