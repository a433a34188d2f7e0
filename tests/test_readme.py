"""The README documents what the code accepts (scenario keys) and the set-up the guide asks for."""

from __future__ import annotations

from pathlib import Path

from pkmodels.scenario import ENTRY_FIELDS, FAILURE_FIELDS, PATIENT_FIELDS, PUMP_FIELDS, TOP_FIELDS

README = (Path(__file__).parents[1] / "README.md").read_text()


def test_every_scenario_key_is_documented():
    keys = set(TOP_FIELDS) | set(PATIENT_FIELDS) | set(PUMP_FIELDS) | set(FAILURE_FIELDS)
    for _cls, spec in ENTRY_FIELDS.values():
        keys |= set(spec)
    keys |= {kind for (_route, kind) in ENTRY_FIELDS} | {"schedule", "comedication", "prior_therapy_days"}
    missing = sorted(k for k in keys if f"`{k}`" not in README)
    assert not missing


def test_the_two_setup_commands_are_there():
    assert "streamlit run dashboard/app.py" in README
    assert "bash scripts/test.sh" in README
    assert "bash scripts/test.sh" in (Path(__file__).parents[1] / ".ci" / "run").read_text()
