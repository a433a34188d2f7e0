"""Default parameters meet the published calibration targets of the reference sheet.

The expected values here are published numbers (label, monographs, studies), never outputs of the code.
"""

from __future__ import annotations

import numpy as np
import pytest

from pkmodels import ITBolus, ITContinuous, OralDoses, Scenario, simulate


def run(*regimens, hours: float = 72.0, step_min: float = 5.0, prior_days: float = 0.0):
    oral = tuple(r for r in regimens if r.route == "oral")
    it = tuple(r for r in regimens if r.route == "intrathecal")
    return simulate(
        Scenario(duration_h=hours, output_step_min=step_min, oral=oral, intrathecal=it, prior_therapy_days=prior_days)
    ).table


@pytest.mark.parametrize(("dose_mg", "label_cmax"), [(10, 180.0), (20, 340.0)])
def test_single_oral_dose_cmax_and_tmax(dose_mg, label_cmax):
    """Swiss label: single 10 / 20 mg give Cmax ~180 / ~340 ng/mL, Tmax 0.5-1.5 h."""
    tab = run(OralDoses(dose_mg), hours=24, step_min=1)
    cmax = tab.plasma_ng_per_ml.max()
    tmax = tab.time_h[tab.plasma_ng_per_ml.idxmax()]
    assert cmax == pytest.approx(label_cmax, rel=0.15)
    assert 0.5 <= tmax <= 1.5


def test_oral_auc_dose_proportional_and_in_published_range():
    """Label AUCs 1135 / 2345 ng*h/mL for 10 / 20 mg (CL/F 8.5-9 L/h); Kochak CL/F 10.8 L/h (AUC 926 for 10 mg)."""
    auc = {
        d: np.trapezoid(t.plasma_ng_per_ml, t.time_h)
        for d in (10, 20)
        for t in [run(OralDoses(d), hours=96, step_min=5)]
    }
    assert auc[20] / auc[10] == pytest.approx(2.0, rel=1e-6)
    assert 926 * 0.95 <= auc[10] <= 1135 * 1.05


def test_csf_is_plasma_over_8_5_at_oral_steady_state():
    """Swiss label: CSF concentrations about 8.5 times lower than plasma."""
    tab = run(OralDoses(20, 8), hours=48, prior_days=10)
    last = tab.time_h >= tab.time_h.iloc[-1] - 24
    ratio = tab.plasma_ng_per_ml[last].mean() / tab.csf_lumbar_ng_per_ml[last].mean()
    assert ratio == pytest.approx(8.5, rel=0.05)


def test_lumbar_csf_clearance_and_bolus_half_life():
    """Canadian monograph: CSF clearance ~30 mL/h; bolus CSF half-life 1-5 h (Swiss label, Mueller 1988)."""
    tab = run(ITBolus(50), hours=48, step_min=1)
    auc_ng_h_per_ml = np.trapezoid(tab.csf_lumbar_ng_per_ml, tab.time_h)
    clearance_ml_per_h = 50.0 / auc_ng_h_per_ml * 1000.0
    assert clearance_ml_per_h == pytest.approx(30.0, rel=0.05)
    t, c = tab.time_h.to_numpy(), tab.csf_lumbar_ng_per_ml.to_numpy()
    half = t[np.argmax(c <= c[0] / 2)]
    sel = (t >= 1) & (t <= 8)
    terminal = np.log(2) / -np.polyfit(t[sel], np.log(c[sel]), 1)[0]
    assert 1.0 <= half <= 5.0
    assert 1.0 <= terminal <= 5.0


@pytest.mark.parametrize("rate", [50, 100, 200, 400, 600, 800, 900, 1200])
def test_continuous_intrathecal_steady_state(rate):
    """Monographs: 50-1200 ug/day gives lumbar Css 130-1240 ng/mL with plasma <= 5 ng/mL; lumbar:cisternal ~4:1;
    steady state within 1-2 days.

    A single linear patient cannot put both 50 and 1200 ug/day inside 130-1240 ng/mL (the dose range is 24-fold,
    the concentration range 9.5-fold): the published range spans patients.  For the typical patient the usual
    maintenance doses (100-890 ug/day) land inside it; the ends of the dose range reach it with the observed CSF
    clearances of 13-80 mL/h (Mueller 1988), checked below.  Plasma is rate / systemic clearance by mass
    balance: <= 5 ng/mL up to 900 ug/day and < 10 ng/mL at 1200 ug/day.
    """
    tab = run(ITContinuous(rate), hours=96)
    css = tab.csf_lumbar_ng_per_ml.iloc[-1]
    if 100 <= rate <= 890:
        assert 130 <= css <= 1240
    assert css / tab.csf_cranial_ng_per_ml.iloc[-1] == pytest.approx(4.0, rel=0.05)
    assert tab.plasma_ng_per_ml.max() <= (5.0 if rate <= 900 else 10.0)
    at = {h: tab.csf_lumbar_ng_per_ml[tab.time_h.sub(h).abs().idxmin()] for h in (24, 48)}
    assert at[24] >= 0.95 * css
    assert at[48] >= 0.99 * css


def test_published_css_range_is_reached_with_observed_csf_clearances():
    """50 ug/day with the lowest observed clearance (13 mL/h) and 1200 ug/day with the highest (80 mL/h)."""
    low = simulate(
        Scenario(duration_h=96, intrathecal=(ITContinuous(50),), parameters=(("csf_clearance_ml_per_h", 13.0),))
    ).table.csf_lumbar_ng_per_ml.iloc[-1]
    high = simulate(
        Scenario(duration_h=96, intrathecal=(ITContinuous(1200),), parameters=(("csf_clearance_ml_per_h", 80.0),))
    ).table.csf_lumbar_ng_per_ml.iloc[-1]
    assert 130 <= low <= 1240
    assert 130 <= high <= 1240


def test_intrathecal_plasma_is_about_100_times_lower_than_oral():
    """US label: plasma during ITB '100 times less' than with oral dosing (60 mg/day oral vs 400 ug/day ITB)."""
    oral = run(OralDoses(20, 8), hours=48, prior_days=5).plasma_ng_per_ml.iloc[-288:].mean()
    it = run(ITContinuous(400), hours=48, prior_days=5).plasma_ng_per_ml.iloc[-288:].mean()
    assert oral / it >= 100
