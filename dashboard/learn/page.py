"""Learn: mechanism, indications, the two routes, side effects, interactions and safe use, each point linked
to the view of the model that shows it.  The text is data in :mod:`dashboard.learn.content`."""

from __future__ import annotations

import streamlit as st

from dashboard import ui
from dashboard.learn.content import TOPICS
from dashboard.learn.topic import Topic
from dashboard.state import Schema

SCHEMA = Schema("learn", ())  # no URL settings of its own; presentation mode still lives in the URL

TITLES = [t.title for t in TOPICS]


def draw_topic(topic: Topic, *, present: bool) -> None:
    """One topic: summary, optional sketch, sections of short points with their links, take-away."""
    if present:
        st.header(topic.title)
    st.info(topic.summary, icon=topic.icon)
    if topic.sketch:
        with ui.panel("Mechanism sketch"):
            st.graphviz_chart(
                topic.sketch, width="stretch", alt="Sketch: baclofen at presynaptic and postsynaptic GABA-B receptors"
            )
            st.caption(
                "Our sketch, not to scale: the same GABA-B receptor acts before the synapse (less calcium in, "
                "less transmitter out) and after it (potassium out, a quieter neuron)."
            )
    for section in topic.sections:
        st.markdown(f"#### {section.heading}")
        st.markdown(section.intro)
        for point in section.points:
            st.markdown(f"- {point.text}")
            for lk in point.links:
                path, params = lk.target()
                st.page_link(path, label=lk.label, query_params=params, icon=":material/arrow_forward:")
    st.success(f"**Take-away.** {topic.takeaway}", icon=":material/lightbulb:")


ui.load_page_state(SCHEMA)
present = ui.presentation()
if present:
    chosen = st.segmented_control(
        "Topic", TITLES, default=TITLES[0], key="learn_topic", required=True, label_visibility="collapsed"
    )
else:
    st.title("Learn: baclofen in six short topics")
    st.markdown(
        "What baclofen does, what it is used for, how the two routes differ, and how to use it safely. "
        "Each arrow opens the page of this dashboard, with the settings already chosen, where the model "
        "shows that point. The model illustrates; it does not replace a clinician or the product label."
    )
ui.save_page_state(SCHEMA)

if present:
    draw_topic(next(t for t in TOPICS if t.title == (chosen or TITLES[0])), present=True)
else:
    for tab, topic in zip(st.tabs([f"{t.icon} {t.title}" for t in TOPICS]), TOPICS, strict=True):
        with tab:
            draw_topic(topic, present=False)
    st.caption(
        "Sources: the project's seed documents on baclofen (mechanism, uses, routes, side effects, "
        "interactions, management), rewritten for teaching. Numbers in the model come from the references "
        "on the Model & validation page."
    )
