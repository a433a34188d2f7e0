"""Lecture scenes: every scene runs, every answer is a finite number, and each takeaway agrees with the model.

The takeaway checks recompute the quantity from the result tables directly (numpy on the columns), not
through ``pkmodels.scenes.resolve``, so a wrong metric spec or a wrong resolver fails them.
"""

from __future__ import annotations

import copy
import json
import math
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from pkmodels import individual_params, oral_equivalent, simulate
from pkmodels.scenes import (
    COLUMNS,
    PANELS,
    SCENES,
    Metric,
    Scene,
    SceneError,
    annotation_time_h,
    guess_error,
    load_scenes,
    resolve,
    scene,
    scene_answer,
    value_at,
)

RAW = json.loads(resources.files("pkmodels").joinpath("data", "scenes.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tables() -> dict[str, dict[str, pd.DataFrame]]:
    """slug -> run key -> result table, simulated once for the module."""
    return {s.slug: {r.key: simulate(r.scenario).table for r in s.runs} for s in SCENES}


def last_24h_mean(tab: pd.DataFrame, col: str) -> float:
    t = tab["time_h"].to_numpy()
    sel = t >= t[-1] - 24.0
    return float(np.trapezoid(tab[col].to_numpy()[sel], t[sel]) / (t[sel][-1] - t[sel][0]))


def onset_h(tab: pd.DataFrame) -> float:
    """First time the withdrawal stage is 'moderate' (2) or worse."""
    hit = tab["withdrawal_stage"].to_numpy() >= 2
    return float(tab["time_h"].to_numpy()[np.argmax(hit)]) if hit.any() else math.nan


# ------------------------------------------------------------------------------------------- the set
def test_at_least_eight_scenes_with_unique_slugs_and_complete_text():
    assert len(SCENES) >= 8
    slugs = [s.slug for s in SCENES]
    assert len(set(slugs)) == len(slugs)
    for s in SCENES:
        assert 1 <= len(s.runs) <= 2
        assert s.title
        assert s.question.strip().endswith("?")
        assert s.takeaway
        assert s.notice
        assert s.predict.name
        assert s.predict.unit
        assert scene(s.slug) is s


def test_every_scene_runs_and_every_answer_is_a_finite_number(tables):
    for s in SCENES:
        for r in s.runs:
            tab = tables[s.slug][r.key]
            assert len(tab) == r.scenario.n_points
            assert np.isfinite(tab[list(COLUMNS.values())].to_numpy()).all()
        value = scene_answer(s, tables[s.slug])
        assert math.isfinite(value), s.slug
        assert value > 0, s.slug


def test_every_arrow_lands_on_a_time_inside_its_run(tables):
    for s in SCENES:
        for a in s.annotations:
            if a.kind == "arrow":
                t = annotation_time_h(a, s, tables[s.slug])
                assert t is not None, (s.slug, a.text)
                assert 0.0 <= t <= s.run(a.run).scenario.duration_h
                assert math.isfinite(value_at(tables[s.slug][a.run], a.panel, t))
            else:
                assert a.t1_h is None or a.t1_h <= max(r.scenario.duration_h for r in s.runs)


# ------------------------------------------------------------------------- takeaways agree with the model
def test_csf_barrier_intrathecal_targets_csf_more_than_ten_times_better(tables):
    tabs = tables["csf-barrier"]
    ratio = {
        k: last_24h_mean(t, "csf_lumbar_ng_per_ml") / last_24h_mean(t, "plasma_ng_per_ml") for k, t in tabs.items()
    }
    assert ratio["intrathecal"] > 10 * ratio["oral"]
    assert ratio["oral"] < 0.5  # only a fraction of plasma reaches the CSF after tablets
    assert ratio["intrathecal"] > 100  # the pump: 'CSF is hundreds of times above plasma'
    # the answer is that fraction in percent
    assert scene_answer(scene("csf-barrier"), tabs) == pytest.approx(100 * ratio["oral"], rel=1e-9)


def test_micrograms_instead_of_milligrams_the_oral_match_is_thousands_of_times_the_pump_dose(tables):
    """'Into the spinal fluid baclofen works at a hundredth of the oral dose or less: the tablet dose matching even a
    modest pump rate is far beyond what anyone tolerates.'  The notice: the shown tablets (90 mg/day, near the most
    people tolerate; 900 times the pump's 100 ug/day by weight) put far more drug in the body and give less relief;
    matching the pump by mouth would take thousands of times more drug."""
    s = scene("hundredth-dose")
    assert s.title == "Micrograms instead of milligrams"
    it_ug = s.run("intrathecal").scenario.intrathecal[0].rate_ug_per_day
    oral_reg = s.run("oral").scenario.oral[0]
    oral_mg_day = oral_reg.dose_mg * 24 / oral_reg.every_h
    assert oral_mg_day * 1000 / it_ug == pytest.approx(900)  # 'a nine-hundredth of that by weight'
    # the scene's patient is the default 40-year-old man (Cockcroft-Gault), not the 100-mL/min typical set
    eq = oral_equivalent(individual_params(s.run("intrathecal").scenario), it_ug)
    mg_per_day = scene_answer(s, tables["hundredth-dose"])
    assert mg_per_day == pytest.approx(float(eq.oral_mg_per_day[0]), rel=1e-6)
    assert mg_per_day * 1000 / it_ug >= 1000  # 'thousands of times more drug' (so also 'a hundredth or less')
    assert mg_per_day > 2 * eq.ceiling_mg_per_day[0]  # 'far beyond what anyone tolerates'
    assert 0.8 <= oral_mg_day / eq.ceiling_mg_per_day[0] <= 1.25  # 90 mg/day 'near the most people tolerate'
    tabs = tables["hundredth-dose"]
    relief = {k: last_24h_mean(t, "spasticity_relief_ashworth") for k, t in tabs.items()}
    plasma = {k: last_24h_mean(t, "plasma_ng_per_ml") for k, t in tabs.items()}
    assert relief["intrathecal"] > 2 * relief["oral"]  # the tablets give less relief ...
    assert plasma["oral"] > 100 * plasma["intrathecal"]  # ... with far more drug in the body


def test_drowsiness_follows_plasma(tables):
    tabs = tables["drowsiness"]
    plasma = {k: last_24h_mean(t, "plasma_ng_per_ml") for k, t in tabs.items()}
    assert 50 < plasma["oral"] / plasma["intrathecal"] < 200  # "about a hundred times less drug in the blood"
    assert tabs["oral"]["sedation_index"].max() > 3 * tabs["intrathecal"]["sedation_index"].max()
    assert scene_answer(scene("drowsiness"), tabs) == pytest.approx(plasma["oral"] / plasma["intrathecal"], rel=1e-9)


def test_catheter_tip_higher_tip_treats_the_arms_better_at_the_same_dose(tables):
    """'Where the catheter ends decides which part of the cord gets the drug: a higher tip treats the arms better at
    the same dose.'  The notice: moving the tip from T11 to T6 raises the CSF at the neck by half; the arms get more
    relief and the legs a little less."""
    s = scene("catheter-tip")
    low, high = s.run("low").scenario, s.run("high").scenario
    assert (low.catheter_tip, high.catheter_tip) == ("T11", "T6")
    assert low.intrathecal == high.intrathecal  # the same pump rate
    tabs = tables["catheter-tip"]
    arms = {k: last_24h_mean(t, "spasticity_relief_upper_limb_ashworth") for k, t in tabs.items()}
    legs = {k: last_24h_mean(t, "spasticity_relief_ashworth") for k, t in tabs.items()}
    neck = {k: last_24h_mean(t, "csf_cervical_ng_per_ml") for k, t in tabs.items()}
    assert arms["high"] > arms["low"]
    assert legs["high"] <= legs["low"]
    assert legs["high"] > 0.75 * legs["low"]  # 'a little less'
    assert neck["high"] / neck["low"] == pytest.approx(1.5, abs=0.15)  # 'by half'
    assert scene_answer(s, tabs) == pytest.approx(arms["high"], rel=1e-9)


def test_screening_bolus_relief_peaks_within_hours_and_the_pump_builds_it_up(tables):
    tab = tables["screening-bolus"]["intrathecal"]
    t = tab["time_h"].to_numpy()
    relief = tab["spasticity_relief_ashworth"].to_numpy()
    first_day = t <= 24
    t_peak = t[first_day][np.argmax(relief[first_day])]
    assert 1.0 <= t_peak <= 8.0  # label: peak ~4 h, effect 4-8 h
    assert relief[np.searchsorted(t, 22.0)] < 0.5 * relief[first_day].max()  # worn off before the pump
    assert relief[-1] > 0.5 * relief[first_day].max()  # the titrated pump brings relief back
    assert scene_answer(scene("screening-bolus"), tables["screening-bolus"]) == pytest.approx(t_peak)


def test_pump_stop_brings_severe_withdrawal_within_two_days(tables):
    tab = tables["pump-stops"]["intrathecal"]
    stop_h = scene("pump-stops").run("intrathecal").scenario.failure.at_h
    after = onset_h(tab) - stop_h
    assert 6.0 <= after <= 48.0  # "within a day or two"
    assert tab["withdrawal_stage"].max() >= 3  # severe or worse: "can become life-threatening"
    assert scene_answer(scene("pump-stops"), tables["pump-stops"]) == pytest.approx(after)


def test_taper_keeps_withdrawal_below_moderate_while_an_abrupt_stop_does_not(tables):
    tabs = tables["taper"]
    assert tabs["abrupt"]["withdrawal_stage"].max() >= 2
    assert tabs["taper"]["withdrawal_stage"].max() < 2
    assert tabs["taper"]["withdrawal_index"].max() < 0.5 * tabs["abrupt"]["withdrawal_index"].max()
    # "within about a day": the calibrated oral-stop onset (D'Aleo 2007: 18-31 h, accepted 12-48 h)
    assert 12.0 <= onset_h(tabs["abrupt"]) <= 48.0


def test_renal_impairment_raises_exposure_and_sedation(tables):
    tabs = tables["kidneys"]
    auc = {k: float(np.trapezoid(t["plasma_ng_per_ml"], t["time_h"])) for k, t in tabs.items()}
    assert auc["renal"] > 1.5 * auc["normal"]
    assert tabs["renal"]["sedation_index"].max() > tabs["normal"]["sedation_index"].max()
    assert scene_answer(scene("kidneys"), tabs) == pytest.approx(auc["renal"] / auc["normal"], rel=1e-9)


def test_opioid_deepens_sedation_without_changing_plasma(tables):
    tabs = tables["combinations"]
    np.testing.assert_allclose(tabs["opioid"]["plasma_ng_per_ml"], tabs["alone"]["plasma_ng_per_ml"])
    assert tabs["opioid"]["sedation_stage"].max() >= 2 > tabs["alone"]["sedation_stage"].max()  # marked
    assert tabs["opioid"]["respiratory_warning"].any()
    assert scene_answer(scene("combinations"), tabs) == pytest.approx(tabs["opioid"]["sedation_index"].max())


# --------------------------------------------------------------------------------- metric resolution
def _table(t, **cols):
    return pd.DataFrame({"time_h": np.asarray(t, float), **{COLUMNS[k]: np.asarray(v, float) for k, v in cols.items()}})


def test_resolve_on_a_hand_built_table():
    t = np.arange(0.0, 49.0)  # hourly, 48 h
    plasma = np.where(t < 24, 10.0, 20.0)
    tabs = {
        "a": _table(t, plasma=plasma, csf=plasma / 4, relief=np.sin(t / 10)),
        "b": _table(t, plasma=plasma / 2, csf=plasma, relief=np.zeros_like(t)),
    }
    assert resolve(Metric("mean_last_24h", "a", "plasma"), tabs, {}) == pytest.approx(20.0)
    assert resolve(Metric("csf_plasma_ratio", "a", scale=100), tabs, {}) == pytest.approx(25.0)
    assert resolve(Metric("mean_last_24h", "a", "plasma", relative_to="b"), tabs, {}) == pytest.approx(2.0)
    assert resolve(Metric("peak", "a", "plasma", window_h=(0, 23)), tabs, {}) == 10.0
    assert resolve(Metric("peak_time_h", "a", "relief"), tabs, {}) == 16.0  # sin peaks at t = 5 pi ~ 15.7
    assert resolve(Metric("peak_time_h", "a", "relief", since_h=10), tabs, {}) == 6.0
    assert resolve(Metric("auc", "a", "plasma", window_h=(0, 10)), tabs, {}) == pytest.approx(100.0)
    assert math.isnan(
        resolve(
            Metric("mean_last_24h", "a", "plasma", relative_to="b"), {"a": tabs["a"], "b": _table(t, plasma=0 * t)}, {}
        )
    )


def test_the_arm_panels_read_the_v2_columns():
    assert COLUMNS["cervical"] == "csf_cervical_ng_per_ml"
    assert COLUMNS["relief_arms"] == "spasticity_relief_upper_limb_ashworth"
    assert {"cervical", "relief_arms"} <= set(PANELS)
    t = np.arange(0.0, 25.0)
    tabs = {"a": _table(t, cervical=2 * t, relief_arms=np.where(t > 12, 1.5, 0.5))}
    assert resolve(Metric("peak", "a", "cervical"), tabs, {}) == 48.0
    assert resolve(Metric("mean_last_24h", "a", "relief_arms"), tabs, {}) == pytest.approx(
        (0.5 * 12.5 + 1.5 * 11.5) / 24
    )
    assert scene("catheter-tip").panels == ("cervical", "relief", "relief_arms")


def test_withdrawal_onset_is_nan_when_it_never_happens():
    t = np.arange(0.0, 10.0)
    tab = pd.DataFrame({"time_h": t, "withdrawal_index": np.zeros(10), "withdrawal_stage": np.zeros(10, int)})
    assert math.isnan(resolve(Metric("withdrawal_onset_h", "x"), {"x": tab}, {}))
    tab["withdrawal_stage"] = [0, 0, 1, 2, 3, 3, 2, 1, 0, 0]
    assert resolve(Metric("withdrawal_onset_h", "x", since_h=1.0), {"x": tab}, {}) == 2.0


def test_guess_error_absolute_percent_and_verdict():
    e = guess_error(12.0, 10.0)
    assert (e.absolute, e.percent, e.well_predicted) == (pytest.approx(2.0), pytest.approx(20.0), True)
    e = guess_error(7.0, 10.0)
    assert (e.absolute, e.percent, e.well_predicted) == (pytest.approx(-3.0), pytest.approx(-30.0), False)
    assert guess_error(100.0, 306.3).well_predicted is False
    e = guess_error(0.0, 0.0)
    assert math.isnan(e.percent)
    assert e.well_predicted


# -------------------------------------------------------------------------------------- validation
def _broken(path, value):
    data = copy.deepcopy(RAW)
    node = data["scenes"][0]
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("slug",), "Bad Slug", "slug"),
        (("panels",), ["plasma", "lungs"], "panels"),
        (("predict", "metric", "metric"), "magic", "metric must be one of"),
        (("predict", "metric", "run"), "nobody", "run must be one of"),
        (("predict", "metric", "scale"), -1, "scale"),
        (("runs", 0, "scenario", "duration_h"), -5, "duration_h"),
        (("runs", 0, "scenario", "oral"), [{"dose_mg": "lots"}], "dose_mg"),
        (("annotations", 0, "kind"), "circle", "kind"),
        (("annotations", 0, "panel"), "relief", "panel"),
        (("annotations", 0, "lift"), 99, "lift"),
        (("takeaway",), "", "takeaway"),
    ],
)
def test_load_scenes_rejects_bad_entries_with_one_line(path, value, message):
    with pytest.raises(SceneError, match=message) as info:
        load_scenes(_broken(path, value))
    assert "\n" not in str(info.value)


def test_load_scenes_rejects_duplicate_slugs_and_wrong_versions():
    data = copy.deepcopy(RAW)
    data["scenes"].append(copy.deepcopy(data["scenes"][0]))
    with pytest.raises(SceneError, match="unique"):
        load_scenes(data)
    with pytest.raises(SceneError, match="version"):
        load_scenes({**RAW, "version": 2})


def test_packaged_file_round_trips_to_the_same_scenes():
    again = load_scenes(copy.deepcopy(RAW))
    assert again == SCENES
    assert all(isinstance(s, Scene) for s in again)
