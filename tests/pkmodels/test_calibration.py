"""The model against what it was calibrated to: every row of pkmodels.calibration.CALIBRATION, and independent
recomputations of the main published targets straight from the result tables.

Bands and expected values are published numbers (labels, monographs, studies), never outputs of the code.  Rows
the model is known to miss (``expected_miss``) are expected failures (strict: a row that starts passing is
reported).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from pkmodels import ITBolus, ITContinuous, OralDoses, Scenario, individual_params, simulate
from pkmodels.calibration import CALIBRATION, GROUPS
from pkmodels.population import omega
from pkmodels.validation import Target

# Rows that carry an ``expected_miss`` although the model meets them: a stale excuse in pkmodels.calibration
# (reported as a library bug; see test_validation.py::test_stale_expected_miss_of_bolus_duration).  Checked
# as ordinary rows here, so the band is still enforced.


def _param(t: Target):
    if t.expected_miss:
        return pytest.param(t, id=t.key, marks=pytest.mark.xfail(strict=True, reason=t.expected_miss))
    return pytest.param(t, id=t.key)


@pytest.mark.parametrize("target", [_param(t) for t in CALIBRATION])
def test_calibration_row(target: Target, validation_rows):
    """The model value, measured as the row says, lies inside the row's published band."""
    value = validation_rows[target.key]["model"]
    assert validation_rows[target.key]["passed"] == target.passes(value)
    assert target.passes(value), f"{target.key}: model {value:.4g} outside {target.lo:.4g}..{target.hi:.4g}"


def test_calibration_rows_are_calibration_rows():
    assert len(CALIBRATION) == 43
    assert len({t.key for t in CALIBRATION}) == len(CALIBRATION)
    for t in CALIBRATION:
        assert t.kind == "calibration", t.key
        assert t.group in GROUPS, t.key
        assert t.role == ("fitted" if t.fitted else "checked")


# ------------------------------------------------------------------------- independent recomputations


def table(*regimens, hours: float = 72.0, step_min: float = 5.0, prior_days: float = 0.0, **kw):
    oral = tuple(r for r in regimens if r.route == "oral")
    it = tuple(r for r in regimens if r.route == "intrathecal")
    return simulate(
        Scenario(
            duration_h=hours, output_step_min=step_min, oral=oral, intrathecal=it, prior_therapy_days=prior_days, **kw
        )
    ).table


@pytest.mark.parametrize(("dose_mg", "label_cmax"), [(10, 180.0), (20, 340.0)])
def test_single_oral_dose_cmax_and_tmax(dose_mg, label_cmax):
    """Swiss label: single 10 / 20 mg give Cmax ~180 / ~340 ng/mL, Tmax 0.5-1.5 h."""
    tab = table(OralDoses(dose_mg), hours=24, step_min=1)
    cmax = tab.plasma_ng_per_ml.max()
    tmax = tab.time_h[tab.plasma_ng_per_ml.idxmax()]
    assert cmax == pytest.approx(label_cmax, rel=0.15)
    assert 0.5 <= tmax <= 1.5


def test_oral_auc_dose_proportional_and_in_published_range():
    """Label AUCs 1135 / 2345 ng*h/mL for 10 / 20 mg; Kochak CL/F 10.8 L/h (AUC 926 for 10 mg).  Both doses are
    below the 200-mg absorption capacity, so the AUC is proportional to the dose."""
    auc = {d: np.trapezoid(t.plasma_ng_per_ml, t.time_h) for d in (10, 20) for t in [table(OralDoses(d), hours=96)]}
    assert auc[20] / auc[10] == pytest.approx(2.0, rel=1e-6)
    assert 926 * 0.95 <= auc[10] <= 1135 * 1.05


def test_csf_is_plasma_over_8_5_at_oral_steady_state():
    """Swiss label: CSF concentrations about 8.5 times lower than plasma."""
    tab = table(OralDoses(20, 8), hours=48, prior_days=10)
    last = tab.time_h >= tab.time_h.iloc[-1] - 24
    ratio = tab.plasma_ng_per_ml[last].mean() / tab.csf_lumbar_ng_per_ml[last].mean()
    assert ratio == pytest.approx(8.5, rel=0.05)


def test_lumbar_csf_clearance_and_bolus_half_life():
    """Canadian monograph: apparent CSF clearance ~30 mL/h (infusion rate / lumbar Css, tip at T10).  Linear
    kinetics: a bolus by the same catheter gives dose / lumbar AUC equal to it, inside the 13-80 mL/h measured
    after boluses (Mueller 1988).  The lumbar CSF halves from its peak, and a bolus by lumbar puncture (L3) decays
    log-linearly, with half-lives of 1-5 h (Swiss label, Mueller 1988)."""
    css = table(ITContinuous(400), hours=96).csf_lumbar_ng_per_ml.iloc[-1]
    infusion_cl = 400 / 24 / css * 1000
    assert infusion_cl == pytest.approx(30.0, rel=0.05)
    tab = table(ITBolus(50), hours=48, step_min=1)
    t, c = tab.time_h.to_numpy(), tab.csf_lumbar_ng_per_ml.to_numpy()
    bolus_cl = 50.0 / np.trapezoid(c, t) * 1000.0
    assert bolus_cl == pytest.approx(infusion_cl, rel=5e-3)
    assert 13.0 <= bolus_cl <= 80.0
    i = int(np.argmax(c))
    assert c[0] == 0.0  # a T10 bolus reaches the lumbar-puncture site only by mixing
    half = t[i:][np.argmax(c[i:] <= c[i] / 2)] - t[i]
    assert 1.0 <= half <= 5.0
    lp = table(ITBolus(50), hours=24, step_min=1, catheter_tip="L3")
    t, c = lp.time_h.to_numpy(), lp.csf_lumbar_ng_per_ml.to_numpy()
    sel = (t >= 1) & (t <= 8)
    terminal = math.log(2) / -np.polyfit(t[sel], np.log(c[sel]), 1)[0]
    assert 1.0 <= terminal <= 5.0


@pytest.mark.parametrize("rate", [50, 100, 200, 400, 600, 800, 900, 1200])
def test_continuous_intrathecal_steady_state(rate):
    """Monographs: 50-1200 ug/day gives lumbar Css 130-1240 ng/mL, lumbar : cisternal ~4 : 1, steady state within
    1-2 days, and plasma at most 5 ng/mL (Canadian monograph, at usual rates up to 800 ug/day).

    A single linear patient cannot put both 50 and 1200 ug/day inside 130-1240 ng/mL (the dose range is 24-fold,
    the concentration range 9.5-fold): the published range spans patients (next test).  For the typical patient
    the usual maintenance doses (100-890 ug/day) land inside it.  Plasma is rate / systemic clearance by mass
    balance (everything given leaves through plasma): about 5.3 ng/mL at 900 ug/day for the typical 40-year-old
    man (Cockcroft-Gault CrCL 97 mL/min)."""
    tab = table(ITContinuous(rate), hours=96)
    css = tab.csf_lumbar_ng_per_ml.iloc[-1]
    if 100 <= rate <= 890:
        assert 130 <= css <= 1240
    assert css / tab.csf_cranial_ng_per_ml.iloc[-1] == pytest.approx(4.0, rel=0.05)
    cl = float(individual_params(Scenario()).cl_total_l_per_h)
    assert tab.plasma_ng_per_ml.iloc[-1] == pytest.approx(rate / 24.0 / cl, rel=1e-3)
    if rate <= 800:
        assert tab.plasma_ng_per_ml.max() <= 5.0
    at = {h: tab.csf_lumbar_ng_per_ml[tab.time_h.sub(h).abs().idxmin()] for h in (24, 48)}
    assert at[24] >= 0.95 * css
    assert at[48] >= 0.99 * css


@pytest.mark.parametrize("z", [-1.96, 1.96])
def test_published_css_range_is_reached_by_patients_with_observed_csf_clearances(z):
    """The published Css range spans patients.  A patient at the 2.5th / 97.5th percentile of the model's spinal
    CSF clearance (typical 27.2 mL/h, CV 50 %) has an apparent clearance inside the 13-80 mL/h measured by
    Mueller 1988, and brings the ends of the dose range inside 130-1240 ng/mL: 50 ug/day with the low clearance,
    1200 ug/day with the high one."""
    spinal_cl = round(27.2 * math.exp(z * omega(50.0)), 3)
    rate = 50 if z < 0 else 1200
    tab = table(ITContinuous(rate), hours=96, parameters=(("csf_spinal_clearance_ml_per_h", spinal_cl),))
    css = tab.csf_lumbar_ng_per_ml.iloc[-1]
    assert 13.0 <= rate / 24 / css * 1000 <= 80.0
    assert 130 <= css <= 1240


def test_intrathecal_plasma_is_about_100_times_lower_than_oral():
    """US label: plasma during ITB '100 times less' than with oral dosing (60 mg/day oral vs 400 ug/day ITB)."""
    oral = table(OralDoses(20, 8), hours=48, prior_days=5).plasma_ng_per_ml.iloc[-288:].mean()
    it = table(ITContinuous(400), hours=48, prior_days=5).plasma_ng_per_ml.iloc[-288:].mean()
    assert 100 <= oral / it <= 300
