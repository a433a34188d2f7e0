"""Shared fixtures for dashboard tests (AppTest runs the real app frame)."""

from __future__ import annotations

import pytest
import streamlit as st


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Caches and imported modules persist across AppTest instances in one process: start each test clean."""
    st.cache_data.clear()
    st.cache_resource.clear()
    return
