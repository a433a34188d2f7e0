"""Placeholder (in progress)."""

import streamlit as st

st.title("model")
st.info("This page is being built.")
