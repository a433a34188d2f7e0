"""The Model & validation page under AppTest: diagram, equations, parameter table with its filter, the model
against published values, live engine checks, downloads; presentation mode; odd URLs."""

from __future__ import annotations

import pytest

import pkmodels.checks as checks
import pkmodels.validation as validation
from pkmodels.calibration import CALIBRATION
from pkmodels.observations import OBSERVATIONS
from pkmodels.parameters import PARAMETER_SPECS

from ..helpers import ODD_VALUES, app, charts, no_exceptions

PAGE = "model/page.py"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture(scope="module")
def full():
    """One real run of the page (calibration scenarios and engine checks included), shared by read-only tests."""
    at = app(PAGE).run(timeout=300)
    no_exceptions(at)
    return at


def inside(targets) -> int:
    """Rows whose model value is inside the published band, measured here (not read from the page)."""
    rows = validation.evaluate(targets)
    return sum(r["passed"] for r in rows)


@pytest.fixture(scope="module")
def counts():
    return {"independent": inside(OBSERVATIONS), "calibration": inside(CALIBRATION)}


def test_defaults_show_every_part(full, counts):
    at = full
    assert any("not dosing advice" in w.value for w in at.warning)
    assert len(at.get("graphviz_chart")) == 1
    assert len(at.latex) >= 10  # system, rates, flows, exact solution, PD, readouts
    assert len(charts(at)) == 1  # the validation chart
    # The independent table comes first, with its own count; misses are listed with their reasons.
    n_obs = len(OBSERVATIONS)
    assert metrics(at)["Independent check: inside the published range"] == f"{counts['independent']} of {n_obs}"
    assert metrics(at)["Missed"] == str(n_obs - counts["independent"])
    assert "Mass balance" in metrics(at)
    assert any("All engine checks are within tolerance" in s.value for s in at.success)
    misses = next(d.value for d in at.dataframe if "Why the model misses" in d.value.columns)
    assert len(misses) == n_obs - counts["independent"]
    assert (misses["Why the model misses"].str.len() > 20).all()
    labels = {d.proto.label for d in at.get("download_button")}
    assert {"Scenario (JSON)", "Results (CSV)", "All rows, calibration and independent (CSV)"} <= labels
    assert any("python -m pkmodels params" in c.value for c in at.code)


def test_parameter_table_lists_units_sources_and_assumptions(full):
    table = next(d.value for d in full.dataframe if "reference" in d.value.columns)
    assert len(table) == len(PARAMETER_SPECS)
    assert {"value", "unit", "tag", "assumption", "cv_percent", "source", "reference", "note"} <= set(table.columns)
    assert table["reference"].str.len().min() > 20  # full references, not only keys
    assumptions = next(d.value for d in full.dataframe if "reason" in d.value.columns)
    assert len(assumptions) > sum(s.assumption for s in PARAMETER_SPECS)  # plus the non-parameter assumptions


def test_filters_change_what_is_shown():
    at = app(PAGE).run()
    no_exceptions(at)
    n_all = len(next(d.value for d in at.dataframe if "reference" in d.value.columns))
    at.segmented_control(key="model_param_view").set_value("Teaching assumptions only").run()
    shown = next(d.value for d in at.dataframe if "reference" in d.value.columns)
    assert 0 < len(shown) < n_all
    assert shown["assumption"].all()
    assert len(shown) == sum(s.assumption for s in PARAMETER_SPECS)

    at.segmented_control(key="model_kind").set_value("Calibration").run(timeout=300)
    no_exceptions(at)
    label = "Calibration: inside the published range"
    n_cal = len(CALIBRATION)
    assert metrics(at)[label].endswith(f"of {n_cal}")
    assert metrics(at)["Fitted to"] == str(sum(t.fitted for t in CALIBRATION))
    at.pills(key="model_groups_calibration").set_value(["Withdrawal and tolerance"]).run(timeout=300)
    no_exceptions(at)
    assert metrics(at)[label].endswith(f"of {n_cal}")  # the counts are for the whole table, not the filter


def test_presentation_mode_has_no_tables_and_one_group():
    at = app(PAGE, {"present": "1"}).run(timeout=300)
    no_exceptions(at)
    assert at.toggle(key="app_present").value is True
    assert len(at.dataframe) == 0
    assert len(charts(at)) == 1
    groups = list(dict.fromkeys(t.group for t in OBSERVATIONS))
    at.pills(key="model_group_present_independent").set_value(groups[-1]).run(timeout=300)
    no_exceptions(at)
    assert len(charts(at)) == 1
    assert at.query_params["present"] in ("1", ["1"])


FAKE_TARGETS = [
    {
        "key": "k",
        "kind": "independent",
        "role": "independent",
        "group": "Oral pharmacokinetics",
        "name": "A target",
        "published": "about 1",
        "value": 1.0,
        "lo": 0.5,
        "hi": 2.0,
        "open_hi": False,
        "unit": "h",
        "reference": 1.0,
        "model": 1.1,
        "passed": True,
        "verdict": "pass",
        "expected_miss": "",
        "circular": "",
        "population": "",
        "tag": "R",
        "source": "SwissFI",
        "references": "ref",
        "how": "how",
        "scenarios": "s",
    }
]
FAKE_CHECKS = [
    {"check": "PK vs solve_ivp", "compares": "c", "measure": "m", "error": 1e-9, "tolerance": 1e-6, "passed": True}
]


@pytest.mark.parametrize("odd", ODD_VALUES)
def test_odd_url_values_fall_back_with_a_warning(odd, monkeypatch):
    # The URL handling is under test here, not the model: fast stand-ins for the two slow computations.
    monkeypatch.setattr(validation, "evaluate", lambda _targets: FAKE_TARGETS)
    monkeypatch.setattr(checks, "analytic_checks", lambda: FAKE_CHECKS)
    at = app(PAGE, {"present": odd, "zzz": odd}).run()
    no_exceptions(at)
    assert any("not usable" in w.value and "zzz" in w.value for w in at.warning)
    assert metrics(at)["Independent check: inside the published range"].startswith("1 of")
    assert "zzz" not in at.query_params
