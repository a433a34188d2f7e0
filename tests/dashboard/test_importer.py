"""Opening a scenario file: valid, invalid, oversized and binary uploads, escaping of file text, and the
round trip download -> upload (same Scenario, same result table)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.compare.scenarios import compare_scenarios
from dashboard.importer import md_escape, read_scenario_file, route_key
from pkmodels import ITBolus, OralDoses, Scenario, ScenarioError, scenario_to_json, simulate
from pkmodels.scenario import MAX_FILE_BYTES
from pkmodels.scenes import SCENES

from .helpers import charts

VALID = {
    "version": 1,
    "title": "Test case",
    "duration_h": 24,
    "oral": [{"dose_mg": 10, "every_h": 8}],
    "intrathecal": [{"kind": "bolus", "bolus_ug": 50, "at_h": 2}],
}
COMPARE = {
    "oral_mg": 20.0,
    "oral_per_day": 3,
    "days": 2,
    "it_ug": 300.0,
    "it_mode": "flex",
    "weight": 60.0,
    "crcl": 40.0,
    "ashworth": 3.5,
    "comed": "alcohol",
    "comed_x": 1.5,
}

ROUND_TRIP = [
    *compare_scenarios(COMPARE).values(),  # flex pump; patient covariates; co-medication
    *(r.scenario for s in SCENES for r in s.runs if s.slug in ("pump-stops", "taper", "screening-bolus")),
    Scenario(
        duration_h=12,
        oral=(OralDoses(5.0),),
        intrathecal=(ITBolus(25.0, 1.0),),
        title="mixed",
        notes="one oral dose and a bolus",
        parameters=(("ka_per_h", 1.2),),
    ),
]


# ------------------------------------------------------------------------------------- pure parsing
def test_valid_file_gives_the_scenario():
    s = read_scenario_file(json.dumps(VALID).encode())
    assert s.title == "Test case"
    assert s.duration_h == 24
    assert route_key(s) == "both"
    assert route_key(Scenario(oral=(OralDoses(5.0),))) == "oral"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
        (b'{"version": 1,\x00}', "not a text file"),
        (b"{not json", "not valid JSON"),
        (b"[1, 2, 3]", "JSON object"),
        (json.dumps({**VALID, "version": 2}).encode(), "version"),
        (json.dumps({**VALID, "duration_h": -1}).encode(), "duration_h"),
        (json.dumps({**VALID, "oral": [{"dose_mg": "__import__('os')"}]}).encode(), "dose_mg must be a number"),
        (b'{"version": 1, "duration_h": NaN}', "NaN"),
        (b"[" * 100000 + b"]" * 100000, "larger than|nested"),
        (b" " * (MAX_FILE_BYTES + 1), "KiB"),
    ],
)
def test_bad_files_give_one_line_errors(data, message):
    with pytest.raises(ScenarioError, match=message) as info:
        read_scenario_file(data)
    assert "\n" not in str(info.value)


def test_file_text_cannot_format_the_page():
    escaped = md_escape("unknown key '![x](https://evil.example/t.png)' <b>bold</b> `code` *em*\nsecond line")
    assert not re.search(r"(?<!\\)[\[\]()<>`*!]", escaped)  # every Markdown/HTML character is escaped
    assert "\n" not in escaped
    assert len(md_escape("a" * 1000)) <= 303


@pytest.mark.parametrize("scenario", ROUND_TRIP, ids=lambda s: s.title or "scenario")
def test_downloaded_scenario_uploads_as_the_same_scenario_and_table(scenario):
    text = scenario_to_json(scenario)  # what the "Scenario (JSON)" download writes
    back = read_scenario_file(text.encode("utf-8"))
    assert back == scenario
    pd.testing.assert_frame_equal(simulate(back).table, simulate(scenario).table)


# ----------------------------------------------------------------------------------- the component
def _importer_app():
    import streamlit as st

    from dashboard.importer import import_panel

    scenario = import_panel("t")
    if scenario is not None:
        st.session_state["imported"] = scenario


def _upload(name: str, data: bytes) -> AppTest:
    at = AppTest.from_function(_importer_app, default_timeout=60).run()
    at.file_uploader(key="t_file").set_value((name, data, "application/json")).run()
    return at


def test_upload_of_a_valid_file_shows_the_time_courses_and_the_downloads():
    at = _upload("case.json", json.dumps(VALID).encode())
    assert not at.exception
    assert not at.error
    assert any("Test case" in s.value for s in at.success)
    assert len(charts(at)) == 1
    assert {b.label for b in at.get("download_button")} == {"Scenario (JSON)", "Results (CSV)", "Model (SBML)"}


def test_round_trip_through_the_uploader():
    scenario = ROUND_TRIP[0]
    at = _upload("compare.json", scenario_to_json(scenario).encode())
    assert not at.exception
    assert not at.error
    assert at.session_state["imported"] == scenario


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xd8\xff\xe0binary", "not a text file"),
        (b" " * (MAX_FILE_BYTES + 10), "KiB"),
        (
            json.dumps({**VALID, "oral": [{"dose_mg": 10, "sneaky": "![x](https://evil.example/t.png)"}]}).encode(),
            "unknown key",
        ),
    ],
)
def test_upload_of_a_bad_file_shows_one_error_and_no_chart(data, message):
    at = _upload("bad <b>name</b>.json", data)
    assert not at.exception
    assert len(at.error) == 1
    text = at.error[0].value
    assert message in text
    assert "\n" not in text
    assert "<b>" not in text
    assert "![" not in text
    assert len(charts(at)) == 0
    assert "imported" not in at.session_state
