"""The entry point runs however it is named: a relative path with '..' parts, as a test or a tool passes it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def test_app_runs_from_a_relative_path_with_parent_parts():
    at = AppTest.from_file("../../dashboard/app.py", default_timeout=60).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Oral vs intrathecal baclofen"]
