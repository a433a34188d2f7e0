"""Calibration targets of the Model & validation page: every one passes, the published side is the published
number, and the module measures the model exactly as the calibration and PD tests do.

Expected values here are published numbers or recomputations written out independently (copied from
tests/pkmodels/test_calibration.py and test_pd.py), never outputs of pkmodels.validation.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import pkmodels.checks as checks
from pkmodels import ITBolus, ITContinuous, OralDoses, Scenario, default_params, oral_equivalent, simulate
from pkmodels.checks import CHECK_SCENARIO, analytic_checks, max_relative_error
from pkmodels.scenario import scenario_from_json, scenario_to_json
from pkmodels.validation import GROUPS, REFERENCES, TARGETS, Target, evaluate, validation_scenarios

# key -> (lo, hi) of the accepted range, written from the published numbers (reference sheet, labels).
PUBLISHED = {
    "oral10_cmax": (153.0, 207.0),  # label ~180 ng/mL, +-15 %
    "oral20_cmax": (289.0, 391.0),  # label ~340 ng/mL, +-15 %
    "oral_tmax": (0.5, 1.5),  # label 0.5-1.5 h
    "oral10_auc": (879.7, 1191.75),  # Kochak 926 (-5 %) to label 1135 (+5 %) ng*h/mL
    "oral_csf_ratio": (8.075, 8.925),  # CSF 8.5 times lower than plasma, +-5 %
    "csf_clearance": (28.5, 31.5),  # ~30 mL/h, +-5 %
    "bolus_halving": (1.0, 5.0),
    "bolus_terminal": (1.0, 5.0),
    "css_100": (130.0, 1240.0),
    "css_800": (130.0, 1240.0),
    "it_plasma": (None, 5.0),
    "lumbar_cisternal": (3.8, 4.2),  # 4 : 1, +-5 %
    "ss_24h": (95.0, None),
    "ss_48h": (99.0, None),
    "bolus_onset": (None, 1.0),
    "bolus_peak": (3.0, 5.0),
    "bolus_duration": (4.0, 8.0),
    "itb300_relief": (2.0, 3.0),  # Penn 1989
    "itb800_relief": (2.0, 3.0),
    "oral80_relief": (None, 0.5),
    "sed_oral20": (0.0, 0.15),  # stage 'none'
    "sed_oral60": (0.15, 0.40),  # stage 'drowsy'
    "sed_oral80": (0.15, 0.40),
    "sed_overdose": (0.85, None),  # stage 'coma risk'
    "sed_itb400": (0.0, 0.15),
    "sed_it_error": (0.15, None),  # 'drowsy' or worse
    "wd_it_onset": (12.0, 72.0),  # Spinal Cord 2009
    "wd_it_peak": (0.50, None),  # 'severe'
    "wd_oral_onset": (12.0, 48.0),
    "wd_oral_vs_it": (None, 1.0),
    "dose_ratio": (100.0, None),  # IT doses at least 100 times lower
    "plasma_ratio": (100.0, None),  # plasma about 100 times lower on ITB
}


@pytest.fixture(scope="module")
def rows():
    return {r["key"]: r for r in evaluate()}


def test_every_target_passes(rows):
    failed = {k: (r["model"], r["lo"], r["hi"]) for k, r in rows.items() if not r["passed"]}
    assert not failed


def test_targets_are_the_published_ranges(rows):
    assert set(rows) == set(PUBLISHED)
    for key, (lo, hi) in PUBLISHED.items():
        r = rows[key]
        assert (r["lo"] is None) == (lo is None), key
        assert (r["hi"] is None) == (hi is None), key
        if lo is not None:
            assert r["lo"] == pytest.approx(lo, rel=1e-9), key
        if hi is not None:
            assert r["hi"] == pytest.approx(hi, rel=1e-9), key


def test_every_source_resolves_and_every_group_is_known():
    for t in TARGETS:
        assert t.sources, t.key
        for s in t.sources:
            assert len(REFERENCES[s]) > 20, s
        assert t.group in GROUPS
        assert t.how
        assert t.published
        assert t.unit
    assert len({t.key for t in TARGETS}) == len(TARGETS)


def _run(*regimens, hours=72.0, step_min=5.0, prior_days=0.0):
    oral = tuple(r for r in regimens if r.route == "oral")
    it = tuple(r for r in regimens if r.route == "intrathecal")
    return simulate(
        Scenario(duration_h=hours, output_step_min=step_min, oral=oral, intrathecal=it, prior_therapy_days=prior_days)
    )


def test_pk_values_are_measured_as_the_calibration_tests_measure_them(rows):
    tab = _run(OralDoses(10), hours=24, step_min=1).table
    assert rows["oral10_cmax"]["model"] == pytest.approx(tab.plasma_ng_per_ml.max(), rel=1e-12)
    tab20 = _run(OralDoses(20), hours=24, step_min=1).table
    assert rows["oral_tmax"]["model"] == pytest.approx(tab20.time_h[tab20.plasma_ng_per_ml.idxmax()], abs=1e-12)
    tab = _run(OralDoses(10), hours=96).table
    assert rows["oral10_auc"]["model"] == pytest.approx(np.trapezoid(tab.plasma_ng_per_ml, tab.time_h), rel=1e-12)

    tab = _run(OralDoses(20, 8), hours=48, prior_days=10).table
    last = tab.time_h >= tab.time_h.iloc[-1] - 24
    ratio = tab.plasma_ng_per_ml[last].mean() / tab.csf_lumbar_ng_per_ml[last].mean()
    assert rows["oral_csf_ratio"]["model"] == pytest.approx(ratio, rel=1e-12)

    tab = _run(ITBolus(50), hours=48, step_min=1).table
    assert rows["csf_clearance"]["model"] == pytest.approx(
        50.0 / np.trapezoid(tab.csf_lumbar_ng_per_ml, tab.time_h) * 1000.0, rel=1e-12
    )
    t, c = tab.time_h.to_numpy(), tab.csf_lumbar_ng_per_ml.to_numpy()
    assert rows["bolus_halving"]["model"] == pytest.approx(t[np.argmax(c <= c[0] / 2)], abs=1e-12)
    sel = (t >= 1) & (t <= 8)
    terminal = np.log(2) / -np.polyfit(t[sel], np.log(c[sel]), 1)[0]
    assert rows["bolus_terminal"]["model"] == pytest.approx(terminal, rel=1e-9)

    tab = _run(ITContinuous(400), hours=96).table
    css = tab.csf_lumbar_ng_per_ml.iloc[-1]
    assert rows["lumbar_cisternal"]["model"] == pytest.approx(css / tab.csf_cranial_ng_per_ml.iloc[-1], rel=1e-12)
    at24 = tab.csf_lumbar_ng_per_ml[tab.time_h.sub(24).abs().idxmin()]
    assert rows["ss_24h"]["model"] == pytest.approx(100 * at24 / css, rel=1e-12)
    tab = _run(ITContinuous(800), hours=96).table
    assert rows["css_800"]["model"] == pytest.approx(tab.csf_lumbar_ng_per_ml.iloc[-1], rel=1e-12)
    assert rows["it_plasma"]["model"] == pytest.approx(tab.plasma_ng_per_ml.max(), rel=1e-12)

    oral = _run(OralDoses(20, 8), hours=48, prior_days=5).table.plasma_ng_per_ml.iloc[-288:].mean()
    it = _run(ITContinuous(400), hours=48, prior_days=5).table.plasma_ng_per_ml.iloc[-288:].mean()
    assert rows["plasma_ratio"]["model"] == pytest.approx(oral / it, rel=1e-12)


def test_pd_values_are_measured_as_the_pd_tests_measure_them(rows):
    tab = _run(ITBolus(50), hours=24).table
    t, rel = tab.time_h.to_numpy(), tab.spasticity_relief_ashworth.to_numpy()
    assert rows["bolus_onset"]["model"] == pytest.approx(t[np.argmax(rel >= 0.5)], abs=1e-12)
    assert rows["bolus_peak"]["model"] == pytest.approx(t[rel.argmax()], abs=1e-12)
    above = t[rel >= 1.0]
    assert rows["bolus_duration"]["model"] == pytest.approx(above[-1] - above[0], abs=1e-12)

    pd300 = _run(ITContinuous(300), hours=24, prior_days=90).summary()["pd"]
    assert rows["itb300_relief"]["model"] == pytest.approx(pd300["relief_mean_last_24h_ashworth"], rel=1e-9)
    pd_oral = _run(OralDoses(80 / 3, 8), hours=24, prior_days=90).summary()["pd"]
    assert rows["oral80_relief"]["model"] == pytest.approx(pd_oral["relief_mean_last_24h_ashworth"], rel=1e-9)

    single20 = _run(OralDoses(20), hours=24).summary()["pd"]
    assert rows["sed_oral20"]["model"] == pytest.approx(single20["sedation_peak_index"], rel=1e-9)
    assert single20["sedation_peak_stage_name"] == "none"
    overdose = _run(OralDoses(200), hours=24).summary()["pd"]
    assert rows["sed_overdose"]["model"] == pytest.approx(overdose["sedation_peak_index"], rel=1e-9)
    assert overdose["sedation_peak_stage_name"] == "coma risk"

    stop = _run(ITContinuous(400, 0, 1), hours=168, prior_days=42).summary()["pd"]
    assert rows["wd_it_onset"]["model"] == pytest.approx(stop["withdrawal_onset_h"], abs=1e-9)
    assert rows["wd_it_peak"]["model"] == pytest.approx(stop["withdrawal_peak_index"], rel=1e-9)

    ratio = oral_equivalent(default_params(), 25.0).as_dict()["ratio_oral_to_it"]
    assert rows["dose_ratio"]["model"] == pytest.approx(ratio, abs=0.5)  # as_dict rounds to whole numbers


def test_pass_rule_bounds_and_reference():
    base = {
        "key": "k",
        "group": GROUPS[0],
        "name": "n",
        "published": "p",
        "unit": "u",
        "sources": ("SwissFI",),
        "scenarios": (),
        "measure": lambda: 1.0,
        "how": "h",
    }
    two = Target(lo=2.0, hi=8.0, **base)
    assert two.passes(2.0)
    assert two.passes(8.0)
    assert not two.passes(8.0001)
    assert not two.passes(1.99)
    assert not two.passes(math.nan)
    assert two.reference == pytest.approx(4.0)  # geometric middle
    open_top = Target(lo=0.0, hi=0.15, open_hi=True, **base)
    assert open_top.passes(0.1499)
    assert not open_top.passes(0.15)
    assert open_top.reference == pytest.approx(0.15)
    assert Target(lo=100.0, hi=None, **base).reference == 100.0
    assert Target(lo=None, hi=5.0, value=3.0, **base).reference == 3.0
    assert Target(lo=None, hi=None, **base).passes(-1e9)
    assert two.model_value() == 1.0


def test_validation_scenarios_round_trip_as_downloads():
    scenarios = validation_scenarios()
    assert CHECK_SCENARIO.title in scenarios
    assert len(scenarios) == len({s.title for t in TARGETS for s in t.scenarios}) + 1
    for title, s in scenarios.items():
        assert s.title == title
        assert scenario_from_json(scenario_to_json(s)) == s


# ------------------------------------------------------------------------------------------ analytic checks


def test_analytic_checks_pass_with_tiny_errors():
    rows = analytic_checks()
    assert [r["check"] for r in rows] == [
        "Bateman (oral)",
        "Constant infusion",
        "PK vs solve_ivp",
        "PK-PD vs solve_ivp",
        "Mass balance",
    ]
    for r in rows:
        assert r["passed"], r
        assert 0.0 <= r["error"] <= r["tolerance"]


def test_max_relative_error_on_known_arrays():
    exact = np.array([[1.0, 100.0], [2.0, 200.0], [1e-9, 0.0]])
    approx = exact * np.array([[1.0, 1.01], [0.98, 1.0], [5.0, 0.0]])
    # the third row is below 1e-6 x the column peak and is ignored; the zero is never divided by
    assert max_relative_error(approx, exact) == pytest.approx(0.02)
    assert max_relative_error(np.zeros(3), np.zeros(3)) == 0.0


def test_checks_fail_when_the_engine_is_wrong(monkeypatch):
    """Each check can fail: a solver that is off by 0.1 % breaks the closed-form, solve_ivp and mass checks."""
    real = checks.solve_linear

    def off(*args, **kwargs):
        out, x = real(*args, **kwargs)
        return out * 1.001, x

    monkeypatch.setattr(checks, "solve_linear", off)
    short = Scenario(duration_h=12, oral=(OralDoses(20, 8),), intrathecal=(ITContinuous(400, 1, 10),))
    assert checks._bateman_error() > 1e-4
    assert checks._infusion_error() > 1e-4
    assert checks._pk_reference_error(short) > 1e-4
    assert checks._mass_balance_error(short) > 1e-4
