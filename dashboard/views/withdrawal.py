"""Placeholder (in progress)."""

import streamlit as st

st.title("withdrawal")
st.info("This page is being built.")
