"""Placeholder (in progress)."""

import streamlit as st

st.title("population")
st.info("This page is being built.")
