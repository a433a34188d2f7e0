"""The model against the published values it was calibrated to.

:data:`TARGETS` lists every calibration target: what was published (value or range, unit, source), the
scenario(s) that reproduce the situation, and how the model value is measured.  The measurements are the
ones of ``tests/pkmodels/test_calibration.py`` and ``tests/pkmodels/test_pd.py`` (same scenarios, same grids,
same definitions), so the Model & validation page shows exactly what the test suite checks.

The engine's own checks (closed forms, an ODE integrator, mass balance) are in :mod:`pkmodels.checks`.

Pure functions of pkmodels objects: no Streamlit, no Plotly.  A teaching model, not dosing advice.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import columns as col
from .checks import CHECK_SCENARIO
from .equivalence import oral_equivalent
from .model import SimulationResult, simulate
from .parameters import SOURCES, default_params
from .pd import SEDATION_STAGES, SEDATION_THRESHOLDS, WITHDRAWAL_THRESHOLDS
from .regimens import ITBolus, ITContinuous, OralDoses
from .scenario import Scenario

__all__ = ["GROUPS", "REFERENCES", "TARGETS", "Target", "evaluate", "validation_scenarios"]

# Sources used only by validation targets (the parameter sources are in pkmodels.parameters.SOURCES).
REFERENCES: dict[str, str] = {
    **SOURCES,
    "Okuda2022": "Okuda DT et al. Brain Commun 2022;4:fcac300, doi:10.1093/braincomms/fcac300 "
    "(oral effect on spasticity small and close to placebo)",
    "SinteticaIT": "Swissmedic Fachinformation Baclofen Sintetica Intrathecal (62441): intrathecal doses at least "
    "100 times lower than oral",
    "US-IT": "Lioresal Intrathecal US prescribing information: plasma concentrations about 100 times lower than "
    "with oral dosing",
    "US-oral": "US baclofen tablets prescribing information: drowsiness in 10-63 % of patients on usual doses",
    "DAleo2007": "D'Aleo G et al. Funct Neurol 2007;22:81-8, PMID 17637210 (hallucinations 18-31 h after an "
    "abrupt oral stop)",
}

GROUPS = (
    "Oral pharmacokinetics",
    "CSF and intrathecal pharmacokinetics",
    "Spinal effect",
    "Sedation",
    "Withdrawal",
    "Oral vs intrathecal",
)


def _sc(
    title: str, hours: float, *, step_min: float = 5.0, prior_days: float = 0.0, oral: tuple = (), it: tuple = ()
) -> Scenario:
    return Scenario(
        duration_h=hours,
        output_step_min=step_min,
        oral=oral,
        intrathecal=it,
        prior_therapy_days=prior_days,
        title=title,
    )


# fmt: off
# The scenarios of the calibration tests (same durations, grids and prior therapy).
ORAL_10 = _sc("Oral 10 mg single dose, 24 h (1-min grid)", 24, step_min=1, oral=(OralDoses(10),))
ORAL_20 = _sc("Oral 20 mg single dose, 24 h (1-min grid)", 24, step_min=1, oral=(OralDoses(20),))
ORAL_10_AUC = _sc("Oral 10 mg single dose, 96 h", 96, oral=(OralDoses(10),))
ORAL_SS = _sc("Oral 20 mg every 8 h, after 10 days", 48, prior_days=10, oral=(OralDoses(20, 8),))
BOLUS_PK = _sc("Intrathecal bolus 50 ug, 48 h (1-min grid)", 48, step_min=1, it=(ITBolus(50),))
IT_100 = _sc("Intrathecal 100 ug/day from the start, 96 h", 96, it=(ITContinuous(100),))
IT_400 = _sc("Intrathecal 400 ug/day from the start, 96 h", 96, it=(ITContinuous(400),))
IT_800 = _sc("Intrathecal 800 ug/day from the start, 96 h", 96, it=(ITContinuous(800),))
BOLUS_PD = _sc("Intrathecal bolus 50 ug, 24 h", 24, it=(ITBolus(50),))
IT_300_LONG = _sc("Intrathecal 300 ug/day after 90 days", 24, prior_days=90, it=(ITContinuous(300),))
IT_800_LONG = _sc("Intrathecal 800 ug/day after 90 days", 24, prior_days=90, it=(ITContinuous(800),))
ORAL_80_LONG = _sc("Oral 80 mg/day (3 doses) after 90 days", 24, prior_days=90, oral=(OralDoses(80 / 3, 8),))
ORAL_20_SINGLE = _sc("Oral 20 mg single dose, 24 h", 24, oral=(OralDoses(20),))
ORAL_60_LONG = _sc("Oral 20 mg every 8 h after 30 days", 48, prior_days=30, oral=(OralDoses(20, 8),))
ORAL_80_DROWSY = _sc("Oral 20 mg every 6 h after 30 days", 48, prior_days=30, oral=(OralDoses(20, 6),))
ORAL_200 = _sc("Oral 200 mg overdose, 24 h", 24, oral=(OralDoses(200),))
IT_400_LONG = _sc("Intrathecal 400 ug/day after 30 days", 48, prior_days=30, it=(ITContinuous(400),))
IT_4000 = _sc("Intrathecal 4000 ug/day (ten-fold error), 48 h", 48, it=(ITContinuous(4000),))
IT_STOP = _sc("Intrathecal 400 ug/day for 42 days, abrupt stop", 168, prior_days=42, it=(ITContinuous(400, 0, 1),))
ORAL_STOP = _sc("Oral 20 mg every 8 h for 150 days, abrupt stop", 168, prior_days=150,
                oral=(OralDoses(20, 8, 0, 1),))
ORAL_60_5D = _sc("Oral 20 mg every 8 h after 5 days", 48, prior_days=5, oral=(OralDoses(20, 8),))
IT_400_5D = _sc("Intrathecal 400 ug/day after 5 days", 48, prior_days=5, it=(ITContinuous(400),))
# fmt: on

# ---------------------------------------------------------------------------------------------- measures


def _col(r: SimulationResult, name: str) -> np.ndarray:
    return r.table[name].to_numpy(dtype=float)


def _cmax(r: SimulationResult) -> float:
    return float(_col(r, col.PLASMA).max())


def _tmax(r: SimulationResult) -> float:
    return float(r.times_h[np.argmax(_col(r, col.PLASMA))])


def _auc(r: SimulationResult) -> float:
    return float(np.trapezoid(_col(r, col.PLASMA), r.times_h))


def _last_24h(r: SimulationResult) -> np.ndarray:
    return r.times_h >= r.times_h[-1] - 24


def _plasma_over_csf(r: SimulationResult) -> float:
    last = _last_24h(r)
    return float(_col(r, col.PLASMA)[last].mean() / _col(r, col.CSF_LUMBAR)[last].mean())


def _csf_clearance_ml_per_h(r: SimulationResult) -> float:
    return float(50.0 / np.trapezoid(_col(r, col.CSF_LUMBAR), r.times_h) * 1000.0)


def _first_halving_h(r: SimulationResult) -> float:
    c = _col(r, col.CSF_LUMBAR)
    return float(r.times_h[np.argmax(c <= c[0] / 2)])


def _terminal_half_life_h(r: SimulationResult) -> float:
    t, c = r.times_h, _col(r, col.CSF_LUMBAR)
    sel = (t >= 1) & (t <= 8)
    return float(math.log(2) / -np.polyfit(t[sel], np.log(c[sel]), 1)[0])


def _lumbar_end(r: SimulationResult) -> float:
    return float(_col(r, col.CSF_LUMBAR)[-1])


def _plasma_max(r: SimulationResult) -> float:
    return float(_col(r, col.PLASMA).max())


def _lumbar_over_cranial(r: SimulationResult) -> float:
    return float(_col(r, col.CSF_LUMBAR)[-1] / _col(r, col.CSF_CRANIAL)[-1])


def _percent_of_css_at(hours: float) -> Callable[[SimulationResult], float]:
    def measure(r: SimulationResult) -> float:
        c = _col(r, col.CSF_LUMBAR)
        return float(100.0 * c[np.argmin(np.abs(r.times_h - hours))] / c[-1])

    return measure


def _relief(r: SimulationResult) -> np.ndarray:
    return _col(r, col.RELIEF)


def _bolus_onset_h(r: SimulationResult) -> float:
    return float(r.times_h[np.argmax(_relief(r) >= 0.5)])


def _bolus_peak_h(r: SimulationResult) -> float:
    return float(r.times_h[_relief(r).argmax()])


def _bolus_duration_h(r: SimulationResult) -> float:
    above = r.times_h[_relief(r) >= 1.0]
    return float(above[-1] - above[0]) if above.size else 0.0


def _pd(key: str) -> Callable[[SimulationResult], float]:
    def measure(r: SimulationResult) -> float:
        v = r.summary()["pd"][key]
        return math.nan if v is None else float(v)

    return measure


def _withdrawal_peak_ratio(oral: SimulationResult, it: SimulationResult) -> float:
    return _pd("withdrawal_peak_index")(oral) / _pd("withdrawal_peak_index")(it)


def _plasma_ratio_oral_it(oral: SimulationResult, it: SimulationResult) -> float:
    return float(_col(oral, col.PLASMA)[-288:].mean() / _col(it, col.PLASMA)[-288:].mean())


def _dose_ratio_25ug() -> float:
    return float(oral_equivalent(default_params(), 25.0).ratio[0])


# ----------------------------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class Target:
    """One published value or range the model was calibrated to, and how the model value is measured.

    The model passes when its value lies in ``[lo, hi]`` (``hi`` excluded when ``open_hi``; ``None`` = no
    bound).  ``value`` is the published point value when there is one.  ``measure`` receives one
    :class:`~pkmodels.model.SimulationResult` per scenario in ``scenarios``, in order.
    """

    key: str
    group: str
    name: str
    published: str
    lo: float | None
    hi: float | None
    unit: str
    sources: tuple[str, ...]
    scenarios: tuple[Scenario, ...]
    measure: Callable[..., float]
    how: str
    value: float | None = None
    open_hi: bool = False

    def passes(self, model_value: float) -> bool:
        if not math.isfinite(model_value):
            return False
        if self.lo is not None and model_value < self.lo:
            return False
        if self.hi is not None:
            return model_value < self.hi if self.open_hi else model_value <= self.hi
        return True

    @property
    def reference(self) -> float:
        """The value a chart divides by: the published value, else the geometric middle of the range, else the
        one bound there is."""
        if self.value is not None:
            return self.value
        if self.lo and self.hi:
            return math.sqrt(self.lo * self.hi)
        bound = self.hi if not self.lo else self.lo
        if not bound:
            raise ValueError(f"target {self.key} has no usable reference value")
        return bound

    def model_value(self, run: Callable[[Scenario], SimulationResult] = simulate) -> float:
        return float(self.measure(*(run(s) for s in self.scenarios)))


def _sedation(
    key: str, name: str, stage: str, sc: Scenario, sources: tuple[str, ...], published: str, at_least: bool = False
) -> Target:
    i = SEDATION_STAGES.index(stage)
    lo = 0.0 if i == 0 else SEDATION_THRESHOLDS[i - 1]
    hi = None if at_least or i == len(SEDATION_THRESHOLDS) else SEDATION_THRESHOLDS[i]
    band = f"'{stage}' or worse" if at_least else f"'{stage}'"
    return Target(
        key,
        "Sedation",
        name,
        published,
        lo,
        hi,
        "index",
        sources,
        (sc,),
        _pd("sedation_peak_index"),
        f"Peak sedation index of the run; the stage {band} covers this band of the index.",
        open_hi=hi is not None,
    )


# A declarative table, one target per entry: kept compact by hand rather than by the formatter.
# fmt: off
_PK, _CSF, _EFF, _WD, _RT = GROUPS[0], GROUPS[1], GROUPS[2], GROUPS[4], GROUPS[5]

TARGETS: tuple[Target, ...] = (
    # ---- oral pharmacokinetics
    Target("oral10_cmax", _PK, "Single 10 mg: peak plasma (Cmax)", "about 180 ng/mL; accepted within ±15 %",
           180 * 0.85, 180 * 1.15, "ng/mL", ("SwissFI",), (ORAL_10,), _cmax,
           "Highest plasma concentration on a 1-minute grid over 24 h.", value=180.0),
    Target("oral20_cmax", _PK, "Single 20 mg: peak plasma (Cmax)", "about 340 ng/mL; accepted within ±15 %",
           340 * 0.85, 340 * 1.15, "ng/mL", ("SwissFI",), (ORAL_20,), _cmax,
           "Highest plasma concentration on a 1-minute grid over 24 h.", value=340.0),
    Target("oral_tmax", _PK, "Single 20 mg: time of the peak (Tmax)", "0.5-1.5 h", 0.5, 1.5, "h",
           ("SwissFI",), (ORAL_20,), _tmax, "Time of the highest plasma concentration (1-minute grid)."),
    Target("oral10_auc", _PK, "Single 10 mg: plasma AUC", "926 (Kochak 1985) to 1135 ng·h/mL (label); ±5 %",
           926 * 0.95, 1135 * 1.05, "ng·h/mL", ("Kochak1985", "SwissFI"), (ORAL_10_AUC,), _auc,
           "Trapezoid area under the plasma curve over 96 h (5-minute grid)."),
    # ---- CSF and intrathecal pharmacokinetics
    Target("oral_csf_ratio", _CSF, "Oral steady state: plasma ÷ lumbar CSF", "about 8.5; accepted within ±5 %",
           8.5 * 0.95, 8.5 * 1.05, "ratio", ("SwissFI",), (ORAL_SS,), _plasma_over_csf,
           "Mean plasma over mean lumbar CSF in the last 24 h of 20 mg every 8 h, after 10 days.", value=8.5),
    Target("csf_clearance", _CSF, "50 µg bolus: lumbar CSF clearance", "about 30 mL/h; accepted within ±5 %",
           30 * 0.95, 30 * 1.05, "mL/h", ("CA-IT",), (BOLUS_PK,), _csf_clearance_ml_per_h,
           "Dose ÷ area under the lumbar CSF curve over 48 h (1-minute grid).", value=30.0),
    Target("bolus_halving", _CSF, "50 µg bolus: time for lumbar CSF to halve", "CSF half-life 1-5 h", 1.0, 5.0,
           "h", ("SwissFI-IT", "Muller1988"), (BOLUS_PK,), _first_halving_h,
           "First time the lumbar CSF concentration is at or below half its value just after the bolus."),
    Target("bolus_terminal", _CSF, "50 µg bolus: log-linear CSF half-life (1-8 h)", "CSF half-life 1-5 h", 1.0, 5.0,
           "h", ("SwissFI-IT", "Muller1988"), (BOLUS_PK,), _terminal_half_life_h,
           "ln 2 ÷ slope of a straight-line fit to log lumbar CSF from 1 to 8 h."),
    Target("css_100", _CSF, "100 µg/day: lumbar CSF at steady state", "130-1240 ng/mL (50-1200 µg/day, across "
           "patients)", 130.0, 1240.0, "ng/mL", ("CA-IT", "SwissFI-IT"), (IT_100,), _lumbar_end,
           "Lumbar CSF concentration at 96 h of a constant pump rate."),
    Target("css_800", _CSF, "800 µg/day: lumbar CSF at steady state", "130-1240 ng/mL (50-1200 µg/day, across "
           "patients)", 130.0, 1240.0, "ng/mL", ("CA-IT", "SwissFI-IT"), (IT_800,), _lumbar_end,
           "Lumbar CSF concentration at 96 h of a constant pump rate."),
    Target("it_plasma", _CSF, "800 µg/day: plasma concentration", "at most 5 ng/mL", None, 5.0, "ng/mL",
           ("CA-IT",), (IT_800,), _plasma_max, "Highest plasma concentration over 96 h."),
    Target("lumbar_cisternal", _CSF, "400 µg/day: lumbar ÷ cranial CSF", "about 4 : 1; accepted within ±5 %",
           4 * 0.95, 4 * 1.05, "ratio", ("CA-IT",), (IT_400,), _lumbar_over_cranial,
           "Lumbar over cranial CSF concentration at 96 h.", value=4.0),
    Target("ss_24h", _CSF, "400 µg/day: lumbar CSF at 24 h, % of steady state", "steady state within 1-2 days "
           "(≥ 95 % by day 1)", 95.0, None, "%", ("SwissFI-IT", "CA-IT"), (IT_400,), _percent_of_css_at(24.0),
           "Lumbar CSF at 24 h ÷ lumbar CSF at 96 h."),
    Target("ss_48h", _CSF, "400 µg/day: lumbar CSF at 48 h, % of steady state", "steady state within 1-2 days "
           "(≥ 99 % by day 2)", 99.0, None, "%", ("SwissFI-IT", "CA-IT"), (IT_400,), _percent_of_css_at(48.0),
           "Lumbar CSF at 48 h ÷ lumbar CSF at 96 h."),
    # ---- spinal effect
    Target("bolus_onset", _EFF, "50 µg bolus: onset (relief ≥ 0.5 point)", "onset within 0.5-1 h", None, 1.0, "h",
           ("McKenna",), (BOLUS_PD,), _bolus_onset_h, "First time the relief reaches 0.5 Ashworth point."),
    Target("bolus_peak", _EFF, "50 µg bolus: time of peak relief", "peak at about 4 h (accepted 3-5 h)", 3.0, 5.0,
           "h", ("McKenna",), (BOLUS_PD,), _bolus_peak_h, "Time of the largest relief.", value=4.0),
    Target("bolus_duration", _EFF, "50 µg bolus: hours with relief ≥ 1 point", "effect lasts 4-8 h", 4.0, 8.0,
           "h", ("McKenna",), (BOLUS_PD,), _bolus_duration_h,
           "Time from the first to the last grid point with relief of 1 Ashworth point or more."),
    Target("itb300_relief", _EFF, "ITB 300 µg/day, long term: relief", "2-3 Ashworth points (4.0 → about 1.2)",
           2.0, 3.0, "points", ("Penn1989",), (IT_300_LONG,), _pd("relief_mean_last_24h_ashworth"),
           "Mean relief over 24 h after 90 days on the pump (baseline Ashworth 4)."),
    Target("itb800_relief", _EFF, "ITB 800 µg/day, long term: relief", "2-3 Ashworth points (4.0 → about 1.2)",
           2.0, 3.0, "points", ("Penn1989",), (IT_800_LONG,), _pd("relief_mean_last_24h_ashworth"),
           "Mean relief over 24 h after 90 days on the pump (baseline Ashworth 4)."),
    Target("oral80_relief", _EFF, "Oral 80 mg/day, long term: relief", "well under 1 point, close to placebo "
           "(tested below 0.5)", None, 0.5, "points", ("Okuda2022", "Penn1989"), (ORAL_80_LONG,),
           _pd("relief_mean_last_24h_ashworth"), "Mean relief over 24 h after 90 days (3 doses a day)."),
    # ---- sedation (the stage bands of the sedation index)
    _sedation("sed_oral20", "Single 20 mg: peak sedation", "none", ORAL_20_SINGLE, ("Agarwal2015",),
              "no relevant sedation after single doses up to 20 mg"),
    _sedation("sed_oral60", "Oral 60 mg/day, long term: peak sedation", "drowsy", ORAL_60_LONG, ("US-oral",),
              "drowsiness common at usual doses (40-80 mg/day)"),
    _sedation("sed_oral80", "Oral 80 mg/day, long term: peak sedation", "drowsy", ORAL_80_DROWSY, ("US-oral",),
              "drowsiness common at usual doses (40-80 mg/day)"),
    _sedation("sed_overdose", "Oral 200 mg overdose: peak sedation", "coma risk", ORAL_200, ("Leung2006",),
              "coma, delirium and seizures after ingestions of 200 mg or more"),
    _sedation("sed_itb400", "ITB 400 µg/day, long term: peak sedation", "none", IT_400_LONG, ("Penn1989",),
              "no drowsiness or confusion on long-term intrathecal therapy"),
    _sedation("sed_it_error", "ITB 4000 µg/day (ten-fold error): peak sedation", "drowsy", IT_4000,
              ("SwissFI-IT",), "an intrathecal overdose causes drowsiness up to coma", at_least=True),
    # ---- withdrawal
    Target("wd_it_onset", _WD, "Abrupt ITB stop: onset of moderate withdrawal", "symptoms begin 12-72 h after a "
           "stop", 12.0, 72.0, "h", ("SpinalCord2009",), (IT_STOP,), _pd("withdrawal_onset_h"),
           "First time the withdrawal stage is 'moderate' or worse after stopping 400 µg/day (42 days)."),
    Target("wd_it_peak", _WD, "Abrupt ITB stop: peak withdrawal index", "a medical emergency: 'severe' or worse",
           WITHDRAWAL_THRESHOLDS[2], None, "index", ("Coffey2002",), (IT_STOP,), _pd("withdrawal_peak_index"),
           "Peak of the withdrawal index; 'severe' starts at this value."),
    Target("wd_oral_onset", _WD, "Abrupt oral stop: onset of moderate withdrawal", "hallucinations 18-31 h after "
           "the stop (tested 12-48 h)", 12.0, 48.0, "h", ("DAleo2007", "SpinalCord2009"), (ORAL_STOP,),
           _pd("withdrawal_onset_h"), "First time the stage is 'moderate' or worse after stopping 60 mg/day "
           "(150 days)."),
    Target("wd_oral_vs_it", _WD, "Withdrawal peak: oral stop ÷ ITB stop", "oral withdrawal usually less severe "
           "than intrathecal", None, 1.0, "ratio", ("Coffey2002",), (ORAL_STOP, IT_STOP), _withdrawal_peak_ratio,
           "Peak withdrawal index after the oral stop ÷ after the intrathecal stop.", open_hi=True),
    # ---- oral vs intrathecal
    Target("dose_ratio", _RT, "Oral ÷ intrathecal daily dose for the same relief (25 µg/day)", "at least 100 : 1",
           100.0, None, "ratio", ("SinteticaIT",), (), _dose_ratio_25ug,
           "Oral mg/day (3 doses) with the same long-term mean relief as 25 µg/day intrathecal, ×1000 ÷ 25 "
           "(pkmodels.equivalence)."),
    Target("plasma_ratio", _RT, "Plasma: oral 60 mg/day ÷ ITB 400 µg/day", "intrathecal plasma about 100 times "
           "lower", 100.0, None, "ratio", ("US-IT",), (ORAL_60_5D, IT_400_5D), _plasma_ratio_oral_it,
           "Mean plasma over the last 24 h of each route after 5 days."),
)
# fmt: on


def evaluate(targets: tuple[Target, ...] = TARGETS) -> list[dict[str, Any]]:
    """One row per target: the published side, the model value and whether it passes.

    Each distinct scenario is simulated once.
    """
    results: dict[Scenario, SimulationResult] = {}

    def run(s: Scenario) -> SimulationResult:
        if s not in results:
            results[s] = simulate(s)
        return results[s]

    rows = []
    for t in targets:
        v = t.model_value(run)
        rows.append(
            {
                "key": t.key,
                "group": t.group,
                "name": t.name,
                "published": t.published,
                "value": t.value,
                "lo": t.lo,
                "hi": t.hi,
                "open_hi": t.open_hi,
                "unit": t.unit,
                "reference": t.reference,
                "model": v,
                "passed": t.passes(v),
                "source": ", ".join(t.sources),
                "references": "; ".join(REFERENCES[s] for s in t.sources),
                "how": t.how,
                "scenarios": " | ".join(s.title for s in t.scenarios) or "pkmodels.equivalence (steady-state profiles)",
            }
        )
    return rows


def validation_scenarios() -> dict[str, Scenario]:
    """Every scenario behind the targets and the analytic checks, by title (for downloads)."""
    out: dict[str, Scenario] = {}
    for t in TARGETS:
        for s in t.scenarios:
            out.setdefault(s.title, s)
    out[CHECK_SCENARIO.title] = CHECK_SCENARIO
    return out
