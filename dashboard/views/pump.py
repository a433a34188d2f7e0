"""Placeholder (in progress)."""

import streamlit as st

st.title("pump")
st.info("This page is being built.")
