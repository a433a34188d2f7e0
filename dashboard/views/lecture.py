"""Placeholder (in progress)."""

import streamlit as st

st.title("lecture")
st.info("This page is being built.")
