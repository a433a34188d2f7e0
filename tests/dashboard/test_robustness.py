"""Random and hostile query strings at every page: never an exception, values clamped, a visible warning.

Two layers: (1) 500 hostile URLs per page through that page's own URL schema (fast, pure), and (2) the real
pages under AppTest with hypothesis-chosen hostile URLs.  Plus: one failing chart does not take the page down.
"""

from __future__ import annotations

import ast
import math
import os
import pickle
import re
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.links import PAGE_KEYS, PAGE_SCRIPTS
from dashboard.state import Schema

from .helpers import app, charts, comparison_rows, no_exceptions, schema_file

PAGES = sorted(PAGE_KEYS)
# Hostile URLs per real page under AppTest (~0.2-1 s each). CI runs the default; the full property run is
# ROBUSTNESS_EXAMPLES=500 python -m pytest tests/dashboard/test_robustness.py (about 20 minutes).
PAGE_EXAMPLES = int(os.environ.get("ROBUSTNESS_EXAMPLES", "30"))


@cache
def page_schema(page: str) -> Schema:
    """The page's SCHEMA, built by running only the page file's imports and definitions above it (the
    Streamlit calls below it are not run)."""
    path = schema_file(page)
    tree = ast.parse(path.read_text())
    body = []
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom | ast.Assign | ast.AnnAssign | ast.FunctionDef):
            body.append(node)
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "SCHEMA" for t in node.targets):
            break
    namespace: dict = {}
    exec(compile(ast.Module(body=body, type_ignores=[]), str(path), "exec"), namespace)
    return namespace["SCHEMA"]


HOSTILE = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "NaN",
            "-inf",
            "inf",
            "1e308",
            "-1e308",
            "0",
            "-0",
            "1e-320",
            "0x1f",
            "1_000",
            " 12 ",
            "٣",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "**bold**",
            "\n\n# h1",
            "__import__('os').system('x')",
            "%0A",
            "9" * 500,
            "",
            "true",
            "None",
        ]
    ),
    st.floats().map(repr),
    st.integers(-(10**30), 10**30).map(str),
)


def hostile_params(page: str) -> st.SearchStrategy:
    keys = [*PAGE_KEYS[page], "present", "zzz", "__proto__", "scene"]
    return st.dictionaries(st.sampled_from(keys), HOSTILE, max_size=len(keys))


def check_values(schema: Schema, values: dict) -> None:
    for f in schema.fields:
        v = values[f.key]
        if f.kind == "choice":
            assert v in f.choices
        elif f.kind == "bool":
            assert isinstance(v, bool)
        else:
            assert isinstance(v, int | float)
            assert math.isfinite(v)
            assert f.lo - 1e-9 <= v <= f.hi + 1e-9


@pytest.mark.parametrize("page", PAGES)
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_500_hostile_urls_per_page_schema(page, data):
    schema = page_schema(page)
    assert {f.key for f in schema.fields} == set(PAGE_KEYS[page])
    params = data.draw(hostile_params(page))
    values, warnings = schema.parse(params)
    check_values(schema, values)
    for w in warnings:  # safe to show: one line, no markup, no HTML
        assert "\n" not in w
        assert not set(w) & set("<>[]*`#\\")  # keys have underscores; values are quoted


@pytest.mark.parametrize("page", PAGES)
@settings(
    max_examples=PAGE_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_real_pages_survive_hostile_urls(page, data):
    params = data.draw(hostile_params(page))
    at = app(None if page == "compare" else PAGE_SCRIPTS[page], params).run()
    no_exceptions(at)
    schema = page_schema(page)
    _, warnings = schema.parse(params)
    unknown = set(params) - set(PAGE_KEYS[page]) - {"present"}
    if warnings or unknown:
        assert any("not usable" in w.value for w in at.warning)
    for f in schema.fields:
        key = schema.widget_key(f.key)
        if key in at.session_state and f.kind in ("float", "int"):
            assert f.lo - 1e-9 <= at.session_state[key] <= f.hi + 1e-9


def test_a_failing_chart_shows_a_message_and_the_rest_of_the_page_works(monkeypatch):
    import dashboard.compare.figures

    def broken(*_args, **_kwargs):
        raise RuntimeError("simulated plotting failure")

    monkeypatch.setattr(dashboard.compare.figures, "compare_figure", broken)
    at = app().run()
    assert not at.exception  # no_exceptions would (rightly) refuse the failed panel this test provokes
    assert any("Time courses" in e.value and "could not be shown" in e.value for e in at.error)
    failed = next(e.value for e in at.error if "Time courses" in e.value)
    assert re.search(r"\(error id [0-9a-f]{8}\)", failed)
    assert "RuntimeError" not in failed  # the details stay in the server log
    assert "simulated plotting failure" not in failed
    assert len(at.metric) == 5  # the key numbers still show
    assert comparison_rows(at) == 5  # and the comparison table
    assert not charts(at)


@pytest.mark.parametrize("script", sorted(set(PAGE_SCRIPTS.values()), key=str))
def test_everything_a_page_keeps_in_session_state_pickles(script):
    """What runner.enforceSerializableSessionState checked at run time, before the charts became components
    (.streamlit/config.toml says why it is off now): every value the app keeps, the charts' own component state
    aside, survives pickle."""
    at = app(script).run()
    no_exceptions(at)
    drawn = {c.key for c in charts(at)}
    ours = {k: v for k, v in at.session_state._state.filtered_state.items() if k not in drawn}
    assert ours  # every page keeps something (at least its loaded flag)
    assert pickle.loads(pickle.dumps(ours)).keys() == ours.keys()
