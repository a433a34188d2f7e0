"""The SBML export: valid SBML L3V2, and libRoadRunner reproduces the engine's concentrations."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import libsbml
import numpy as np
import pytest
import roadrunner

from pkmodels import simulate
from pkmodels.sbml import scenario_to_sbml
from pkmodels.scenario import Scenario, parse_scenario, scenario_to_json

REPO = Path(__file__).resolve().parents[2]
RTOL = 1e-4  # allowed relative deviation roadrunner vs engine
FLOOR = 1e-6  # ... where the engine value is above this fraction of the column's peak

SCENARIOS: dict[str, dict] = {
    "oral": {"duration_h": 72, "oral": [{"dose_mg": 20, "every_h": 8, "stop_h": 72}]},
    "intrathecal": {
        "duration_h": 72,
        "intrathecal": [{"bolus_ug": 50, "at_h": 0}, {"rate_ug_per_day": 400, "start_h": 2.5, "stop_h": 60}],
    },
    "prior_oral_then_stop": {
        "duration_h": 72,
        "prior_therapy_days": 30,
        "oral": [{"dose_mg": 20, "every_h": 8, "stop_h": 24}],
    },
    # prior pump therapy, a catheter failure and a reservoir that runs empty between grid points (47.6 h)
    "prior_pump_failure_empty": {
        "duration_h": 72,
        "output_step_min": 10,
        "prior_therapy_days": 10,
        "intrathecal": [{"rate_ug_per_day": 400}],
        "pump": {"concentration_ug_per_ml": 50, "reservoir_ml": 9.7},
        "failure": {"at_h": 12.2, "restart_h": 30.7},
    },
    # oral dose, intrathecal bolus and pump start at the same time; a child with covariates and an override
    "combined_child": {
        "duration_h": 48,
        "patient": {"weight_kg": 25, "age_y": 8, "crcl_ml_per_min": 60},
        "oral": [{"dose_mg": 5, "every_h": 8}],
        "intrathecal": [{"bolus_ug": 25, "at_h": 0}, {"rate_ug_per_day": 100, "stop_h": 30}],
        "parameters": {"ka_per_h": 2.5, "v_csf_lumbar_ml": 45},
    },
}
COLUMNS = {
    "[plasma]": "plasma_ng_per_ml",
    "[csf_lumbar]": "csf_lumbar_ng_per_ml",
    "[csf_cranial]": "csf_cranial_ng_per_ml",
    "ce_spinal": "effect_spinal_ng_per_ml",
    "ce_brain": "effect_brain_ng_per_ml",
}


def _scenario(name: str) -> Scenario:
    return parse_scenario({"version": 1, "title": f"SBML test: {name}", **SCENARIOS[name]})


def _issues(doc: libsbml.SBMLDocument) -> list[str]:
    return [
        f"{doc.getError(i).getSeverityAsString()}: {doc.getError(i).getMessage().strip()}"
        for i in range(doc.getNumErrors())
    ]


def _valid_document(text: str) -> libsbml.SBMLDocument:
    """Parse and check; fails the test on any error (roadrunner may crash on invalid SBML)."""
    doc = libsbml.readSBMLFromString(text)
    assert doc.getNumErrors(libsbml.LIBSBML_SEV_ERROR) == 0, _issues(doc)
    assert doc.getNumErrors(libsbml.LIBSBML_SEV_FATAL) == 0, _issues(doc)
    assert (doc.getLevel(), doc.getVersion()) == (3, 2)
    n_failures = doc.checkConsistency()
    assert doc.getNumErrors(libsbml.LIBSBML_SEV_ERROR) + doc.getNumErrors(libsbml.LIBSBML_SEV_FATAL) == 0, _issues(doc)
    assert n_failures == 0, _issues(doc)  # not even warnings (units are consistent)
    return doc


def _run_roadrunner(text: str, times: np.ndarray) -> np.ndarray:
    rr = roadrunner.RoadRunner(text)
    rr.integrator.relative_tolerance = 1e-10
    rr.integrator.absolute_tolerance = 1e-14
    rr.integrator.maximum_num_steps = 100_000
    res = np.asarray(rr.simulate(times=list(times), selections=["time", *COLUMNS]))
    np.testing.assert_allclose(res[:, 0], times, rtol=0, atol=1e-12)
    return res[:, 1:]


def max_relative_deviation(scenario: Scenario, skip_bolus_times: bool = True) -> dict[str, float]:
    """Largest |roadrunner - engine| / engine per column where the engine is above FLOOR x peak."""
    result = simulate(scenario)
    table = result.table
    times = table["time_h"].to_numpy()
    rr = _run_roadrunner(scenario_to_sbml(scenario), times)
    keep = np.ones(times.size, dtype=bool)
    if skip_bolus_times:  # engine values there include the bolus; compared separately below
        for b in result.events.boluses:
            keep &= np.abs(times - b.time_h) > 1e-7
    out = {}
    for j, col in enumerate(COLUMNS.values()):
        eng = table[col].to_numpy()
        m = keep & (eng > FLOOR * eng.max())
        out[col] = float(np.max(np.abs(rr[m, j] - eng[m]) / eng[m]))
    return out


@pytest.mark.parametrize("name", SCENARIOS)
def test_export_is_valid_sbml(name: str) -> None:
    scenario = _scenario(name)
    model = _valid_document(scenario_to_sbml(scenario)).getModel()
    assert {model.getSpecies(i).getId() for i in range(model.getNumSpecies())} == {
        "gut",
        "plasma",
        "peripheral",
        "csf_lumbar",
        "csf_cranial",
        "eliminated",
    }
    assert model.getSpecies("plasma").getCompartment() == "central"
    assert model.getSpecies("csf_lumbar").getCompartment() == "lumbar"
    assert model.getSpecies("csf_cranial").getCompartment() == "cranial"
    for pid in ("ce_spinal", "ce_brain"):
        assert not model.getParameter(pid).getConstant()
        assert model.getRateRule(pid) is not None
    p = simulate(scenario).params
    assert model.getCompartment("central").getSize() == pytest.approx(p.vc_l, rel=1e-15)
    assert model.getCompartment("lumbar").getSize() == pytest.approx(p.v_csf_lumbar_ml / 1000, rel=1e-15)
    notes = model.getNotesString()
    assert "not dosing advice" in notes
    assert "pkmodels" in notes
    assert scenario.title in notes
    trigger_times = [
        model.getEvent(i).getTrigger().getMath().getChild(1).getValue() for i in range(model.getNumEvents())
    ]
    assert all(0 <= t <= scenario.duration_h for t in trigger_times)
    assert all(not model.getEvent(i).getTrigger().getInitialValue() for i in range(model.getNumEvents()))


@pytest.mark.parametrize("name", SCENARIOS)
def test_roadrunner_matches_engine(name: str) -> None:
    scenario = _scenario(name)
    _valid_document(scenario_to_sbml(scenario))
    dev = max_relative_deviation(scenario)
    assert max(dev.values()) < RTOL, dev


def test_roadrunner_is_right_continuous_at_bolus_times() -> None:
    """Like the engine, roadrunner reports the value after a bolus at the bolus time (t = 0 and later)."""
    scenario = parse_scenario(
        {
            "version": 1,
            "duration_h": 24,
            "intrathecal": [{"bolus_ug": 50, "at_h": 0}, {"bolus_ug": 50, "at_h": 12}, {"bolus_ug": 50, "at_h": 24}],
        }
    )
    dev = max_relative_deviation(scenario, skip_bolus_times=False)
    assert max(dev.values()) < RTOL, dev


def test_prior_therapy_sets_initial_state() -> None:
    scenario = _scenario("prior_oral_then_stop")
    model = libsbml.readSBMLFromString(scenario_to_sbml(scenario)).getModel()
    table = simulate(scenario).table
    # peripheral gets no dose at t = 0, so its initial amount is the engine's value at t = 0
    assert model.getSpecies("peripheral").getInitialAmount() == pytest.approx(table["peripheral_ug"][0], rel=1e-12)
    assert model.getParameter("ce_brain").getValue() == pytest.approx(table["effect_brain_ng_per_ml"][0], rel=1e-12)
    assert model.getSpecies("gut").getInitialAmount() > 0  # the dose of t = -8 h is still being absorbed


def test_cli_writes_loadable_sbml(tmp_path: Path) -> None:
    scenario = _scenario("intrathecal")
    src = tmp_path / "scenario.json"
    src.write_text(scenario_to_json(scenario), encoding="utf-8")
    out = tmp_path / "model.xml"
    proc = subprocess.run(
        [sys.executable, "-m", "pkmodels", "sbml", str(src), "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["sbml"] == str(out)
    text = out.read_text(encoding="utf-8")
    _valid_document(text)
    assert text == scenario_to_sbml(scenario)  # deterministic, and the JSON round trip changes nothing


def test_export_needs_no_libsbml() -> None:
    """The dashboard ships without libsbml and roadrunner: the exporter must not import them."""
    code = (
        "import sys; sys.modules['libsbml'] = None; sys.modules['roadrunner'] = None\n"
        "from pkmodels.scenario import Scenario\nfrom pkmodels.sbml import scenario_to_sbml\n"
        "assert scenario_to_sbml(Scenario()).startswith('<?xml')"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr


def test_export_refuses_a_model_that_differs_from_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    import pkmodels.sbml as sbml

    flows = sbml._flows
    monkeypatch.setattr(sbml, "_flows", lambda p: flows(p)[:-1])  # forget cranial drainage
    with pytest.raises(RuntimeError, match="rate_matrix"):
        sbml.scenario_to_sbml(_scenario("oral"))
