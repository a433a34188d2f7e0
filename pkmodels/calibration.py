"""What the model was calibrated to: each published value the parameters were chosen to meet (``fitted``), or that
the calibrated model was then checked against without tuning (``checked``).

The independent observations, which played no part in choosing parameters, are in
:mod:`pkmodels.observations`; the machinery is in :mod:`pkmodels.validation`.  Stage rows whose thresholds were
chosen to make them pass are marked ``circular``.  A teaching model, not dosing advice.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from . import columns as col
from .covariates import Patient
from .model import SimulationResult, individual_params
from .neuraxis import LEVEL_CM, SAMPLING_CM
from .parameters import default_params
from .pd import SEDATION_THRESHOLDS, WITHDRAWAL_THRESHOLDS
from .regimens import ITBolus, ITContinuous, OralDoses
from .renal import terminal_half_life_h
from .scenario import Scenario
from .tolerance import CREEP_RELIEF_ASHWORTH, dose_to_keep_relief
from .validation import (
    Target,
    at,
    auc,
    csf_at,
    first_time,
    last_time,
    log_slope_half_life,
    mean_last,
    one_sided,
    peak,
    peak_time,
    ratio,
    sc,
)

__all__ = ["CALIBRATION", "GROUPS"]

GROUPS = (
    "Oral pharmacokinetics",
    "CSF and intrathecal pharmacokinetics",
    "Spinal effect",
    "Sedation and toxicity",
    "Tolerance",
    "Withdrawal",
    "Oral vs intrathecal",
)
_PK, _CSF, _EFF, _SED, _TOL, _WD, _RT = GROUPS
_LP = "L3"  # a screening bolus by lumbar puncture enters at L3-L4

# fmt: off
ORAL_10 = sc("Oral 10 mg single dose, 24 h (1-min grid)", 24, step_min=1, oral=(OralDoses(10),))
ORAL_20 = sc("Oral 20 mg single dose, 24 h (1-min grid)", 24, step_min=1, oral=(OralDoses(20),))
ORAL_10_AUC = sc("Oral 10 mg single dose, 96 h", 96, oral=(OralDoses(10),))
ORAL_SS = sc("Oral 20 mg every 8 h, after 10 days", 48, prior_days=10, oral=(OralDoses(20, 8),))
IT_100 = sc("Intrathecal 100 ug/day from the start, 96 h", 96, it=(ITContinuous(100),))
IT_400 = sc("Intrathecal 400 ug/day from the start, 96 h", 96, it=(ITContinuous(400),))
IT_800 = sc("Intrathecal 800 ug/day from the start, 96 h", 96, it=(ITContinuous(800),))
IT_400_T12 = sc("Intrathecal 400 ug/day, tip at T12, 96 h", 96, it=(ITContinuous(400),), catheter_tip="T12")
IT_400_L2 = sc("Intrathecal 400 ug/day, tip at L2, 96 h", 96, it=(ITContinuous(400),), catheter_tip="L2")
BOLUS_CATHETER = sc("Intrathecal bolus 50 ug by catheter (tip T10), 48 h (1-min grid)", 48, step_min=1,
                    it=(ITBolus(50),))
BOLUS_LP_PK = sc("Intrathecal bolus 50 ug by lumbar puncture (L3), 48 h (1-min grid)", 48, step_min=1,
                 it=(ITBolus(50),), catheter_tip=_LP)
BOLUS_LP = sc("Screening bolus 50 ug by lumbar puncture (L3), 24 h", 24, it=(ITBolus(50),), catheter_tip=_LP)
IT_300_3D = sc("Intrathecal 300 ug/day for 3 days", 72, it=(ITContinuous(300),))
IT_300_LONG = sc("Intrathecal 300 ug/day after 90 days", 24, prior_days=90, it=(ITContinuous(300),))
IT_800_LONG = sc("Intrathecal 800 ug/day after 90 days", 24, prior_days=90, it=(ITContinuous(800),))
ORAL_80_LONG = sc("Oral 80 mg/day (3 doses) after 90 days", 24, prior_days=90, oral=(OralDoses(80 / 3, 8),))
ORAL_20_SINGLE = sc("Oral 20 mg single dose, 24 h", 24, oral=(OralDoses(20),))
ORAL_60_LONG = sc("Oral 20 mg every 8 h after 30 days", 48, prior_days=30, oral=(OralDoses(20, 8),))
ORAL_80_DROWSY = sc("Oral 20 mg every 6 h after 30 days", 48, prior_days=30, oral=(OralDoses(20, 6),))
ORAL_200 = sc("Oral 200 mg overdose, 24 h", 24, oral=(OralDoses(200),))
ORAL_2500 = sc("Oral 2500 mg overdose, 7 days", 24 * 7, step_min=15, oral=(OralDoses(2500),))
IT_400_LONG = sc("Intrathecal 400 ug/day after 30 days", 48, prior_days=30, it=(ITContinuous(400),))
IT_4000 = sc("Intrathecal 4000 ug/day (ten-fold error), 48 h", 48, it=(ITContinuous(4000),))
IT_ERROR_STOP = sc("Intrathecal 400 ug/day for 60 days, then 4000 ug/day for 24 h, then stopped", 24 * 6,
                   step_min=15, prior_days=60, it=(ITContinuous(400, 0, 24), ITContinuous(4000, 24, 48)))
IT_STOP_ORAL = sc("Intrathecal 400 ug/day for 42 days, abrupt stop, tablets 20 mg every 8 h from the stop", 168,
                  prior_days=42, it=(ITContinuous(400, 0, 1),), oral=(OralDoses(20, 8, 1.0),))
IT_STOP = sc("Intrathecal 400 ug/day for 42 days, abrupt stop", 168, prior_days=42, it=(ITContinuous(400, 0, 1),))
ORAL_STOP = sc("Oral 20 mg every 8 h for 150 days, abrupt stop", 168, prior_days=150, oral=(OralDoses(20, 8, 0, 1),))
ORAL_60_5D = sc("Oral 20 mg every 8 h after 5 days", 48, prior_days=5, oral=(OralDoses(20, 8),))
IT_400_5D = sc("Intrathecal 400 ug/day after 5 days", 48, prior_days=5, it=(ITContinuous(400),))
# fmt: on

_LUMBAR, _T2, _T12 = SAMPLING_CM["lumbar"], LEVEL_CM["T2"], LEVEL_CM["T12"]


def _clearance_ml_per_h(rate_ug_per_day: float) -> Callable[..., float]:
    def measure(r: SimulationResult) -> float:
        return rate_ug_per_day / 24.0 / float(r.table[col.CSF_LUMBAR].iloc[-1]) * 1000.0

    return measure


def _bolus_clearance(r: SimulationResult) -> float:
    return 50.0 / auc(col.CSF_LUMBAR)(r) * 1000.0


def _halving_from_peak(r: SimulationResult) -> float:
    c = r.table[col.CSF_LUMBAR].to_numpy()
    i = int(c.argmax())
    later = c[i:] <= c[i] / 2
    return float(r.times_h[i:][later.argmax()] - r.times_h[i]) if later.any() else math.nan


def _apparent_volume_ml(r: SimulationResult) -> float:
    """Dose / the concentration back-extrapolated to time 0 from the log-linear 1-8 h phase."""
    t, c = r.times_h, r.table[col.CSF_LUMBAR].to_numpy()
    sel = (t >= 1) & (t <= 8)
    return 50.0 / math.exp(float(np.polyfit(t[sel], np.log(c[sel]), 1)[1])) * 1000.0


def _percent_of_end(hours: float) -> Callable[..., float]:
    def measure(r: SimulationResult) -> float:
        return 100.0 * at(col.CSF_LUMBAR, hours)(r) / float(r.table[col.CSF_LUMBAR].iloc[-1])

    return measure


def _bolus_duration_h(r: SimulationResult) -> float:
    relief = r.table[col.RELIEF].to_numpy()
    above = r.times_h[relief >= 1.0]
    return float(above[-1] - above[0]) if above.size else 0.0


def _pd(key: str) -> Callable[..., float]:
    def measure(r: SimulationResult) -> float:
        v = r.summary()["pd"][key]
        return math.nan if v is None else float(v)

    return measure


def _creep(day_a: float, day_b: float) -> Callable[..., float]:
    def measure() -> float:
        return dose_to_keep_relief(individual_params(Scenario()), CREEP_RELIEF_ASHWORTH, days=int(day_b) + 1).ratio(
            day_a, day_b
        )

    return measure


def _child_half_life() -> float:
    child = Scenario(patient=Patient(weight_kg=25.0, age_y=8.0))
    return float(terminal_half_life_h(individual_params(child, default_params()))[0])


def _sedation(key: str, name: str, stage: int, s: Scenario, sources: tuple[str, ...], published: str,
              at_least: bool = False) -> Target:  # fmt: skip
    lo = 0.0 if stage == 0 else SEDATION_THRESHOLDS[stage - 1]
    hi = 1.0 if at_least or stage == len(SEDATION_THRESHOLDS) else SEDATION_THRESHOLDS[stage]
    return Target(
        key, "calibration", _SED, name, published, lo, hi, "index", sources, (s,), peak(col.SEDATION),
        "Peak sedation index of the run; the stage covers this band of the index.", fitted=True,
        open_hi=hi < 1.0, circular="the sedation stage thresholds were placed so that these anchors fall in "
        "their stages",
    )  # fmt: skip


# A declarative table, one target per entry: kept compact by hand rather than by the formatter.
# fmt: off
CALIBRATION: tuple[Target, ...] = (
    # ---- oral pharmacokinetics: parameters from the literature, then checked against the label
    Target("oral10_cmax", "calibration", _PK, "Single 10 mg: peak plasma (Cmax)", "about 180 ng/mL; +-15 %",
           180 * 0.85, 180 * 1.15, "ng/mL", ("SwissFI",), (ORAL_10,), peak(col.PLASMA),
           "Highest plasma concentration on a 1-minute grid over 24 h.", value=180.0),
    Target("oral20_cmax", "calibration", _PK, "Single 20 mg: peak plasma (Cmax)", "about 340 ng/mL; +-15 %",
           340 * 0.85, 340 * 1.15, "ng/mL", ("SwissFI",), (ORAL_20,), peak(col.PLASMA),
           "Highest plasma concentration on a 1-minute grid over 24 h.", value=340.0),
    Target("oral_tmax", "calibration", _PK, "Single 20 mg: time of the peak (Tmax)", "0.5-1.5 h", 0.5, 1.5, "h",
           ("SwissFI",), (ORAL_20,), peak_time(col.PLASMA), "Time of the highest plasma concentration."),
    Target("oral10_auc", "calibration", _PK, "Single 10 mg: plasma AUC",
           "926 (Kochak 1985) to 1135 ng·h/mL (label); ±5 %", 926 * 0.95, 1135 * 1.05, "ng·h/mL",
           ("Kochak1985", "SwissFI"), (ORAL_10_AUC,), auc(col.PLASMA), "Trapezoid area under plasma over 96 h."),
    # ---- CSF and intrathecal pharmacokinetics
    Target("oral_csf_ratio", "calibration", _CSF, "Oral steady state: plasma ÷ lumbar CSF", "about 8.5; ±5 %",
           8.5 * 0.95, 8.5 * 1.05, "ratio", ("SwissFI",), (ORAL_SS,),
           ratio(mean_last(col.PLASMA), mean_last(col.CSF_LUMBAR)),
           "Mean plasma over mean lumbar CSF in the last 24 h of 20 mg every 8 h, after 10 days.", fitted=True,
           value=8.5),
    Target("csf_clearance", "calibration", _CSF, "Continuous 400 µg/day: apparent CSF clearance",
           "about 30 mL/h (infusion rate ÷ lumbar Css); ±5 %", 30 * 0.95, 30 * 1.05, "mL/h", ("CA-IT",), (IT_400,),
           _clearance_ml_per_h(400.0), "Infusion rate ÷ lumbar CSF at 96 h (tip at T10).", fitted=True, value=30.0),
    Target("lumbar_cisternal", "calibration", _CSF, "400 µg/day: lumbar ÷ cisternal CSF", "about 4 : 1; ±5 %",
           4 * 0.95, 4 * 1.05, "ratio", ("CA-IT",), (IT_400,), ratio(at(col.CSF_LUMBAR, 96), at(col.CSF_CRANIAL, 96)),
           "Lumbar-puncture site over cranial CSF at 96 h (tip at T10).", fitted=True, value=4.0),
    Target("kroin_gradient", "calibration", _CSF, "Tip at T12: CSF at T2 ÷ CSF at T12",
           "43 % over ~20 cm (hydrophilic tracer, 72-h lumbar infusion); ±30 %", 0.30, 0.56, "ratio", ("Kroin1993",),
           (IT_400_T12,), ratio(csf_at(_T2), csf_at(_T12)),
           "Steady-state CSF concentration at T2 over T12, read from the segments.", value=0.43),
    Target("opioid_gradient", "calibration", _CSF, "Tip at L2 vs T10: ratio of the lumbar : cisternal gradients",
           "intrathecal opioids: ~7 : 1 at L2, ~2 : 1 at T10 (ratio 3.5; 2 patients): direction and rough size",
           1.5, 8.0, "ratio", ("Penn1986",), (IT_400_L2, IT_400),
           lambda lo, hi: (at(col.CSF_LUMBAR, 96)(lo) / at(col.CSF_CRANIAL, 96)(lo))
           / (at(col.CSF_LUMBAR, 96)(hi) / at(col.CSF_CRANIAL, 96)(hi)),
           "Lumbar : cisternal with the tip at L2 ÷ the same with the tip at T10 (400 µg/day, 96 h).", value=3.5),
    Target("bolus_clearance", "calibration", _CSF, "50 µg bolus by catheter: dose ÷ lumbar CSF AUC",
           "13-80 mL/h in 4 patients", 13.0, 80.0, "mL/h", ("Muller1988",), (BOLUS_CATHETER,), _bolus_clearance,
           "Dose ÷ area under the lumbar CSF curve over 48 h."),
    Target("bolus_halving", "calibration", _CSF, "50 µg bolus by catheter: lumbar CSF halves from its peak in",
           "CSF half-life 1-5 h", 1.0, 5.0, "h", ("SwissFI-IT", "Muller1988"), (BOLUS_CATHETER,), _halving_from_peak,
           "Time from the lumbar CSF peak to half of it."),
    Target("bolus_terminal", "calibration", _CSF, "50 µg bolus by lumbar puncture: log-linear CSF half-life",
           "CSF half-life 1-5 h", 1.0, 5.0, "h", ("SwissFI-IT", "Muller1988"), (BOLUS_LP_PK,),
           log_slope_half_life(col.CSF_LUMBAR, 1, 8), "ln 2 ÷ slope of log lumbar CSF from 1 to 8 h."),
    Target("bolus_volume", "calibration", _CSF, "50 µg bolus by lumbar puncture: apparent CSF volume",
           "22-157 mL", 22.0, 157.0, "mL", ("SwissFI-IT",), (BOLUS_LP_PK,), _apparent_volume_ml,
           "Dose ÷ the lumbar CSF concentration back-extrapolated to time 0 from the 1-8 h phase."),
    Target("css_100", "calibration", _CSF, "100 µg/day: lumbar CSF at steady state",
           "130-1240 ng/mL (50-1200 µg/day, across patients)", 130.0, 1240.0, "ng/mL", ("CA-IT", "SwissFI-IT"),
           (IT_100,), at(col.CSF_LUMBAR, 96), "Lumbar CSF at 96 h of a constant pump rate."),
    Target("css_800", "calibration", _CSF, "800 µg/day: lumbar CSF at steady state",
           "130-1240 ng/mL (50-1200 µg/day, across patients)", 130.0, 1240.0, "ng/mL", ("CA-IT", "SwissFI-IT"),
           (IT_800,), at(col.CSF_LUMBAR, 96), "Lumbar CSF at 96 h of a constant pump rate."),
    Target("it_plasma", "calibration", _CSF, "800 µg/day: plasma concentration",
           "at most 5 ng/mL (one-sided; the band's lower edge is a tenth of it)", *one_sided(5.0, upper=True),
           "ng/mL", ("CA-IT",), (IT_800,), peak(col.PLASMA), "Highest plasma concentration over 96 h."),
    Target("ss_24h", "calibration", _CSF, "400 µg/day: lumbar CSF at 24 h, % of steady state",
           "steady state within 1-2 days (≥ 95 % by day 1)", 95.0, 100.0, "%", ("SwissFI-IT", "CA-IT"), (IT_400,),
           _percent_of_end(24.0), "Lumbar CSF at 24 h ÷ lumbar CSF at 96 h."),
    Target("ss_48h", "calibration", _CSF, "400 µg/day: lumbar CSF at 48 h, % of steady state",
           "steady state within 1-2 days (≥ 99 % by day 2)", 99.0, 100.0, "%", ("SwissFI-IT", "CA-IT"), (IT_400,),
           _percent_of_end(48.0), "Lumbar CSF at 48 h ÷ lumbar CSF at 96 h."),
    # ---- spinal effect
    Target("bolus_onset", "calibration", _EFF, "50 µg screening bolus: onset (relief ≥ 0.5 point)",
           "onset 0.5-1 h", 0.5, 1.0, "h", ("McKenna",), (BOLUS_LP,), first_time(col.RELIEF, 0.5),
           "First time the relief reaches 0.5 Ashworth point.", fitted=True),
    Target("bolus_peak", "calibration", _EFF, "50 µg screening bolus: time of peak relief",
           "peak at about 4 h (accepted 3-5 h)", 3.0, 5.0, "h", ("McKenna",), (BOLUS_LP,), peak_time(col.RELIEF),
           "Time of the largest relief.", fitted=True, value=4.0),
    Target("bolus_duration", "calibration", _EFF, "50 µg screening bolus: hours with relief ≥ 1 point",
           "effect lasts 4-8 h", 4.0, 8.0, "h", ("McKenna",), (BOLUS_LP,), _bolus_duration_h,
           "Time from the first to the last grid point with relief of 1 Ashworth point or more.", fitted=True),
    Target("oral80_relief", "calibration", _EFF, "Oral 80 mg/day, long term: relief",
           "about 0.3-0.4 point (Meythaler 2004 3.5 → 3.2; arbaclofen -0.39 vs placebo)", 0.2, 0.6, "points",
           ("Meythaler2004", "Okuda2022"), (ORAL_80_LONG,), _pd("relief_mean_last_24h_ashworth"),
           "Mean relief over 24 h after 90 days (3 doses a day, baseline 4).", fitted=True, value=0.35),
    Target("itb_3day_relief", "calibration", _EFF, "ITB 300 µg/day for 3 days: relief",
           "Penn 1989: 4.0 → 1.2 after a 3-day infusion (2.8 points)", 2.2, 3.4, "points", ("Penn1989",),
           (IT_300_3D,), mean_last(col.RELIEF), "Mean relief over the third day (baseline 4).", fitted=True,
           value=2.8),
    Target("itb300_relief", "calibration", _EFF, "ITB 300 µg/day, long term: relief",
           "2-3 points (Penn 1989: 4.0 → 1.2 at 3 days, 1.0 ± 0.1 long term)", 2.0, 3.1, "points", ("Penn1989",),
           (IT_300_LONG,), _pd("relief_mean_last_24h_ashworth"),
           "Mean relief over 24 h after 90 days on the pump (baseline 4)."),
    Target("itb800_relief", "calibration", _EFF, "ITB 800 µg/day, long term: relief",
           "2-3 points (Penn 1989: 4.0 → 1.2 at 3 days, 1.0 ± 0.1 long term)", 2.0, 3.1, "points", ("Penn1989",),
           (IT_800_LONG,), _pd("relief_mean_last_24h_ashworth"),
           "Mean relief over 24 h after 90 days on the pump (baseline 4)."),
    # ---- sedation and toxicity
    _sedation("sed_oral20", "Single 20 mg: peak sedation", 0, ORAL_20_SINGLE, ("Agarwal2015",),
              "no relevant sedation after single doses up to 20 mg"),
    _sedation("sed_oral60", "Oral 60 mg/day, long term: peak sedation", 1, ORAL_60_LONG, ("US-oral",),
              "drowsiness common at usual doses (40-80 mg/day)"),
    _sedation("sed_oral80", "Oral 80 mg/day, long term: peak sedation", 1, ORAL_80_DROWSY, ("US-oral",),
              "drowsiness common at usual doses (40-80 mg/day)"),
    _sedation("sed_overdose", "Oral 200 mg overdose: peak sedation", 4, ORAL_200, ("Leung2006",),
              "coma, delirium and seizures after ingestions of 200 mg or more"),
    _sedation("sed_itb400", "ITB 400 µg/day, long term: peak sedation", 0, IT_400_LONG, ("Penn1989",),
              "no drowsiness or confusion on long-term intrathecal therapy"),
    _sedation("sed_it_error", "ITB 4000 µg/day (ten-fold error): peak sedation", 1, IT_4000, ("SwissFI-IT",),
              "an intrathecal overdose causes drowsiness up to coma", at_least=True),
    Target("tox_2500_stupor_h", "calibration", _SED, "Oral 2500 mg: hours in stupor or deeper",
           "ventilated for 36-112 h after massive ingestions (case reports); coma for days", 24.0, 112.0, "h",
           ("Leung2006", "Weisshaar2012"), (ORAL_2500,), last_time(col.SEDATION, SEDATION_THRESHOLDS[2]),
           "Last time the sedation index is at 'stupor' or deeper.", fitted=True),
    Target("od_half_life", "calibration", _SED, "Massive ingestion: plasma half-life",
           "12-36 h after overdose (therapeutic 3-7 h)", 12.0, 36.0, "h", ("Franchitto2018",), (ORAL_2500,),
           log_slope_half_life(col.PLASMA, 24, 72), "ln 2 ÷ slope of log plasma from 24 to 72 h after 2500 mg.",
           fitted=True),
    Target("tox_it_error_h", "calibration", _SED, "Ten-fold intrathecal error, stopped after 24 h: hours still at "
           "'marked' sedation or deeper", "coma lasting up to 72 h after an intrathecal overdose (labels)",
           2.0, 72.0, "h", ("IT-label",), (IT_ERROR_STOP,), last_time(col.SEDATION, SEDATION_THRESHOLDS[1], 48.0),
           "Hours after the stop (48 h) until the sedation index is last at 'marked' or deeper."),
    # ---- tolerance
    Target("creep_first_year", "calibration", _TOL, "Dose that keeps 2 points of relief: 12 months ÷ 1 month",
           "intrathecal doses rise over the first 12-18 months (e.g. 83 → 270-300 µg/day, titration included)",
           1.3, 3.5, "ratio", ("Heetla2009", "Akman1993"), (), _creep(30.4, 365.0),
           "pkmodels.tolerance.dose_to_keep_relief for the typical patient.", fitted=True),
    Target("creep_plateau", "calibration", _TOL, "The same dose: 24 months ÷ 12 months",
           "then the dose levels off (~350 µg/day)", 1.0, 1.25, "ratio", ("Heetla2009",), (), _creep(365.0, 730.0),
           "pkmodels.tolerance.dose_to_keep_relief for the typical patient.", fitted=True),
    # ---- withdrawal
    Target("wd_it_onset", "calibration", _WD, "Abrupt ITB stop: onset of moderate withdrawal",
           "symptoms begin 12-72 h after a stop", 12.0, 72.0, "h", ("SpinalCord2009",), (IT_STOP,),
           _pd("withdrawal_onset_h"), "First time the stage is 'moderate' or worse after stopping 400 µg/day.",
           fitted=True),
    Target("wd_it_peak", "calibration", _WD, "Abrupt ITB stop: peak withdrawal index",
           "a medical emergency: 'severe' or worse", WITHDRAWAL_THRESHOLDS[2], 1.5, "index", ("Coffey2002",),
           (IT_STOP,), _pd("withdrawal_peak_index"), "Peak of the withdrawal index; 'severe' starts at its lower edge.",
           fitted=True, circular="the spinal withdrawal weight was scaled so that this stop reaches 'severe'"),
    Target("wd_oral_onset", "calibration", _WD, "Abrupt oral stop: onset of moderate withdrawal",
           "hallucinations 18-31 h after the stop (tested 12-48 h)", 12.0, 48.0, "h", ("DAleo2007", "SpinalCord2009"),
           (ORAL_STOP,), _pd("withdrawal_onset_h"), "First time the stage is 'moderate' or worse after stopping "
           "60 mg/day (150 days).", fitted=True),
    Target("wd_oral_vs_it", "calibration", _WD, "Withdrawal peak: oral stop ÷ ITB stop",
           "oral withdrawal usually less severe than intrathecal", 0.1, 1.0, "ratio", ("Coffey2002",),
           (ORAL_STOP, IT_STOP), ratio(_pd("withdrawal_peak_index"), _pd("withdrawal_peak_index")),
           "Peak withdrawal index after the oral stop ÷ after the intrathecal stop.", open_hi=True),
    Target("wd_oral_cover", "calibration", _WD, "Tablets at a pump stop: withdrawal peak ÷ without tablets",
           "oral replacement covers intrathecal withdrawal only partly ('may not be effective')", 0.25, 0.9,
           "ratio", ("MohammedHussain2004",), (IT_STOP_ORAL, IT_STOP),
           ratio(_pd("withdrawal_peak_index"), _pd("withdrawal_peak_index")),
           "Peak withdrawal index with tablets from the stop ÷ without.", fitted=True, tag="R"),
    # ---- oral vs intrathecal, and children
    Target("plasma_ratio", "calibration", _RT, "Plasma: oral 60 mg/day ÷ ITB 400 µg/day",
           "intrathecal plasma about 100 times lower (accepted 33-300)", 33.0, 300.0, "ratio", ("US-IT",),
           (ORAL_60_5D, IT_400_5D), ratio(mean_last(col.PLASMA), mean_last(col.PLASMA)),
           "Mean plasma over the last 24 h of each route after 5 days.", value=100.0),
    Target("child_half_life", "calibration", _PK, "Child (8 y, 25 kg): terminal plasma half-life",
           "4.5 h in children 2-17 y (He 2014)", 3.5, 5.5, "h", ("He2014",), (), _child_half_life,
           "ln 2 ÷ the slowest disposition eigenvalue for the He 2014 clearance and volume per kg.", value=4.5,
           expected_miss="the adult two-compartment shape (Kochak 1985) scaled to He 2014's CL/F and Vss/F keeps the "
           "mean residence time (4.2 h) but gives a shorter terminal phase than He's own fit"),
)
# fmt: on
