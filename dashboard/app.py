"""Entry point: ``streamlit run dashboard/app.py``.

The frame every page shares: page config, navigation, the presentation-mode switch and the
teaching-model note.  Pages live in ``dashboard/views/`` (not ``pages/``: Streamlit would also run files
there without this frame); all numbers come from ``pkmodels``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import share, ui

HERE = Path(__file__).resolve().parent
PAGES = HERE / "views"

st.set_page_config(
    page_title="Baclofen: oral vs intrathecal (teaching model)",
    page_icon=":material/science:",
    layout="wide",
    initial_sidebar_state="expanded",
)

pages = {
    "Explore": [
        st.Page(PAGES / "compare.py", title="Compare routes", icon=":material/compare_arrows:", default=True),
        st.Page(
            PAGES / "withdrawal.py",
            title="Withdrawal & tapering",
            icon=":material/trending_down:",
            url_path="withdrawal",
        ),
        st.Page(PAGES / "pump.py", title="Pump & titration", icon=":material/medication:", url_path="pump"),
        st.Page(PAGES / "population.py", title="Population", icon=":material/groups:", url_path="population"),
    ],
    "Teach": [
        st.Page(PAGES / "lecture.py", title="Lecture", icon=":material/co_present:", url_path="lecture"),
        st.Page(PAGES / "learn.py", title="Learn", icon=":material/menu_book:", url_path="learn"),
        st.Page(PAGES / "model.py", title="Model & validation", icon=":material/functions:", url_path="model"),
    ],
}
page = st.navigation(pages)

ui.SHARED.load(st)
with st.sidebar:
    ui.widgets_shared()
ui.apply_presentation_css()
ui.teaching_note()
page.run()
with st.sidebar:  # after the page, so the link includes the settings the page just wrote to the URL
    share.share_panel(page.url_path)
