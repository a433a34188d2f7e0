"""Entry point: ``streamlit run dashboard/app.py``.

The frame every page shares: page config, navigation, the presentation-mode switch and the
teaching-model note.  Each page is a folder, ``dashboard/<page>/page.py`` (never ``pages/``: Streamlit would
also run files there without this frame); scripts and URL paths come from ``dashboard.links``.  All numbers
come from ``pkmodels``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import links, share, ui

HERE = Path(__file__).resolve().parent

st.set_page_config(
    page_title="Baclofen: oral vs intrathecal (teaching model)",
    page_icon=":material/science:",
    layout="wide",
    initial_sidebar_state=ui.sidebar_state(),  # collapsed on a projector; else open on a laptop, closed on a phone
)


def page(name: str, title: str, icon: str, *, hidden: bool = False) -> st.Page:
    """One page of the navigation: its script and URL path from ``dashboard.links``; the home page (URL path "")
    keeps its name as the internal path Streamlit requires.  A hidden page is left out of the menu but opens
    by its link."""
    url_path = links.PAGE_PATHS[name]
    return st.Page(
        HERE / links.PAGE_SCRIPTS[name],
        title=title,
        icon=icon,
        url_path=url_path or name,
        default=not url_path,
        visibility="hidden" if hidden else "visible",
    )


pages = {
    "Explore": [
        page("compare", "Compare routes", ":material/compare_arrows:"),
        page("withdrawal", "Withdrawal & tapering", ":material/trending_down:"),
        page("pump", "Pump & titration", ":material/medication:"),
        page("population", "Population", ":material/groups:"),
    ],
    "Teach": [
        page("lecture", "Lecture", ":material/co_present:"),
        page("learn", "Learn", ":material/menu_book:"),
        page("model", "Model & validation", ":material/functions:"),
        # students' phones in a class poll: opened by the room's link or QR code, never from the menu
        page("join", "Join the class poll", ":material/how_to_vote:", hidden=True),
    ],
}
current = st.navigation(pages)

ui.SHARED.load(st)
with st.sidebar:
    ui.widgets_shared()
ui.apply_css()
ui.teaching_note()
current.run()
with st.sidebar:  # after the page, so the link includes the settings the page just wrote to the URL
    share.share_panel(current.url_path)
