"""The model against published values: what it was fitted to, and what it was only checked against.

Two tables share one form (:class:`Target`): :data:`pkmodels.calibration.CALIBRATION`, the published values the
parameters were chosen to meet (or that the calibrated model was then checked against), and
:data:`pkmodels.observations.OBSERVATIONS`, published observations the model was *not* fitted to.  Every row
names its source, the published number, the scenario that reproduces the situation, how the model value is
measured and a two-sided band taken from the source's own spread.  Where a source gives only an upper or a lower
limit, the band's other edge sits a factor of ten away (:func:`one_sided`), so a many-fold miss still shows.
Rows that cannot fail because a threshold was chosen to make them pass say so (``circular``), and rows the model
is known to miss say why (``expected_miss``): the Model & validation page lists them plainly.

This module holds the machinery and the measures; a teaching model, not dosing advice.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import columns as col
from .engine import ELIMINATED, STATES, csf_point_row
from .model import SimulationResult, simulate
from .parameters import SOURCES
from .scenario import Scenario

__all__ = [
    "REFERENCES",
    "Target",
    "evaluate",
    "one_sided",
    "sc",
    "summary_counts",
]

# Sources used by the targets beyond the parameter sources.
REFERENCES: dict[str, str] = {
    **SOURCES,
    "SinteticaIT": "Swissmedic Fachinformation Baclofen Sintetica Intrathecal (62441): intrathecal doses at least "
    "100 times lower than oral",
    "US-IT": "Lioresal Intrathecal US prescribing information: plasma concentrations about 100 times lower than "
    "with oral dosing",
    "US-oral": "US baclofen tablets prescribing information: drowsiness in 10-63 % of patients on usual doses",
    "DAleo2007": "D'Aleo G et al. Funct Neurol 2007;22:81-8, PMID 17637210 (hallucinations after abrupt stops)",
    "Kroin1993": "Kroin JS, Ali A, York M, Penn RD. Neurosurgery 1993;33:226-30, doi:10.1227/00006123-199308000-00007",
    "Penn1986": "Penn/Kroin group 1986, PMID 3530119 (intrathecal morphine: lumbar:cisternal ~7:1 with the tip at L2, "
    "~2:1 at T10)",
    "Meythaler1996": "Meythaler JM et al. (bolus ITB in acquired brain injury; 50 ug, LE and UE Ashworth at 4 h)",
    "Meythaler1999": "Meythaler JM et al. (continuous ITB in spastic/dystonic hemiplegia, mean 205 ug/day)",
    "Meythaler2001": "Meythaler JM et al. Stroke 2001;32:2099-109, PMID 11546903",
    "Grabb1999": "Grabb PA, Guin-Renfroe S, Meythaler JM. Neurosurgery 1999;45:833-7, "
    "doi:10.1097/00006123-199910000-00020",
    "McCall2006": "McCall TD, MacDonald JD. Neurosurgery 2006;59:634-9, doi:10.1227/01.NEU.0000227570.40402.77",
    "Jacobs2021": "Jacobs NW et al. J Rehabil Med 2021;53:jrm00215, PMC8638738",
    "Coffey1993": "Coffey RJ et al. J Neurosurg 1993;78:226-32, doi:10.3171/jns.1993.78.2.0226",
    "Ordia1996": "Ordia JI et al. J Neurosurg 1996;85:452-7",
    "Albright2007": "Albright AL et al. Dev Med Child Neurol 2007;49:423, doi:10.1111/j.1469-8749.2007.00423.x",
    "Wuis1990": "Wuis EW et al. Pharm Weekbl 1990;12:71-4, doi:10.1007/BF01970149",
    "Hulme1985": "Hulme A et al. Eur J Clin Pharmacol 1985;29:467-9, doi:10.1007/BF00613463",
    "AmJNephrol2011": "Am J Nephrol 2011;34(6):491 (41 renal patients with baclofen toxicity, review)",
    "Franchitto2014": "Franchitto N et al. Alcohol Alcohol 2014;49:79-83, doi:10.1093/alcalc/agt169",
    "Evans2009": "Evans SM, Bisaga A. Alcohol Clin Exp Res 2009;33:19-30",
    "Li2020": "Li Y et al. Clin Pharmacol Ther 2020;108:81-9, doi:10.1002/cpt.1807",
    "Delhaas1991": "Intrathecal baclofen overdose: 7 events in 5 patients (1991; probably Delhaas EM & Brouwers JR)",
    "JSCM2023": "J Spinal Cord Med 2023, doi:10.1080/10790268.2023.2266614 (doses over 10 years)",
    "Dyke2020": "Dyke J et al. Clin Imaging 2020;68:1-6, doi:10.1016/j.clinimag.2020.04.043",
    "PallCase2020": "Case of an abrupt oral stop during palliative sedation (Reactions Weekly digest; probably "
    "Laroche JP, BMJ Support Palliat Care 2020)",
    "Freiburg": "Uniklinik Freiburg CP-Netz page: CSF 12-96 (units printed as ug/mL, almost certainly ng/mL) at "
    "30-60 mg/day oral",
    "MohammedHussain2004": "Mohammed I, Hussain A. BMC Clin Pharmacol 2004;4:6, doi:10.1186/1472-6904-4-6 (oral "
    "baclofen may not prevent intrathecal withdrawal)",
    "Weisshaar2012": "Weisshaar GF et al. 2012 (adolescent massive overdose: 112 h of ventilation)",
}


def one_sided(bound: float, *, upper: bool) -> tuple[float, float]:
    """A two-sided band for a source that states only an upper (or a lower) limit: the other edge a factor of
    ten away, so a many-fold undershoot (or overshoot) fails instead of passing silently."""
    return (bound / 10.0, bound) if upper else (bound, bound * 10.0)


@dataclass(frozen=True)
class Target:
    """One published value and how the model value is measured.

    The model passes when its value lies in ``[lo, hi]`` (``hi`` excluded with ``open_hi``).  ``kind`` is
    ``"calibration"`` or ``"independent"``; for calibration rows ``fitted`` says whether parameters were chosen
    to meet it (else it was only checked).  ``measure`` receives one
    :class:`~pkmodels.model.SimulationResult` per scenario in ``scenarios``, in order.
    """

    key: str
    kind: str
    group: str
    name: str
    published: str
    lo: float
    hi: float
    unit: str
    sources: tuple[str, ...]
    scenarios: tuple[Scenario, ...]
    measure: Callable[..., float]
    how: str
    fitted: bool = False
    value: float | None = None
    open_hi: bool = False
    circular: str = ""  # why the row cannot fail (a threshold was chosen to make it pass), if so
    expected_miss: str = ""  # why the model cannot reach it, if so (tests mark it expected to fail)
    population: str = ""  # who was studied
    tag: str = "R"  # evidence tag of the published number

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lo) and math.isfinite(self.hi) and self.lo < self.hi):
            raise ValueError(f"target {self.key}: the band must be two-sided and finite, got {self.lo}..{self.hi}")
        if self.kind not in ("calibration", "independent"):
            raise ValueError(f"target {self.key}: kind must be calibration or independent")
        if self.kind == "independent" and self.fitted:
            raise ValueError(f"target {self.key}: an independent observation cannot be fitted")

    def passes(self, model_value: float) -> bool:
        if not math.isfinite(model_value) or model_value < self.lo:
            return False
        return model_value < self.hi if self.open_hi else model_value <= self.hi

    @property
    def reference(self) -> float:
        """The value a chart divides by: the published value, else the geometric middle of the band (the
        arithmetic middle when the band starts at zero)."""
        if self.value is not None:
            return self.value
        return math.sqrt(self.lo * self.hi) if self.lo > 0 else (self.lo + self.hi) / 2

    @property
    def role(self) -> str:
        if self.kind == "independent":
            return "independent"
        return "fitted" if self.fitted else "checked"

    def model_value(self, run: Callable[[Scenario], SimulationResult] = simulate) -> float:
        return float(self.measure(*(run(s) for s in self.scenarios)))


def evaluate(targets: Sequence[Target]) -> list[dict[str, Any]]:
    """One row per target: the published side, the model value, the verdict.  Each distinct scenario is
    simulated once."""
    results: dict[Scenario, SimulationResult] = {}

    def run(s: Scenario) -> SimulationResult:
        if s not in results:
            results[s] = simulate(s)
        return results[s]

    rows = []
    for t in targets:
        v = t.model_value(run)
        ok = t.passes(v)
        rows.append({
            "key": t.key,
            "kind": t.kind,
            "role": t.role,
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
            "passed": ok,
            "verdict": "pass" if ok else ("miss (expected)" if t.expected_miss else "miss"),
            "circular": t.circular,
            "expected_miss": t.expected_miss,
            "population": t.population,
            "tag": t.tag,
            "source": ", ".join(t.sources),
            "references": "; ".join(REFERENCES[s] for s in t.sources),
            "how": t.how,
            "scenarios": " | ".join(s.title for s in t.scenarios) or "computed directly (see 'how')",
        })  # fmt: skip
    return rows


def summary_counts(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Counts per kind: rows, passed, missed, circular (calibration) and expected misses."""
    out: dict[str, dict[str, int]] = {}
    for kind in ("calibration", "independent"):
        mine = [r for r in rows if r["kind"] == kind]
        out[kind] = {
            "rows": len(mine),
            "passed": sum(r["passed"] for r in mine),
            "missed": sum(not r["passed"] for r in mine),
            "circular": sum(bool(r["circular"]) for r in mine),
            "expected_misses": sum(bool(r["expected_miss"]) for r in mine),
            "fitted": sum(r["role"] == "fitted" for r in mine),
        }
    return out


def sc(
    title: str,
    hours: float,
    *,
    step_min: float = 5.0,
    prior_days: float = 0.0,
    oral: tuple = (),
    it: tuple = (),
    **kw: Any,
) -> Scenario:
    """A scenario for a target (compact keyword names for the tables)."""
    return Scenario(
        duration_h=hours,
        output_step_min=step_min,
        oral=oral,
        intrathecal=it,
        prior_therapy_days=prior_days,
        title=title,
        **kw,
    )


# ---------------------------------------------------------------------------------------------- measures
# Small factories: each returns a function of one or more SimulationResults giving one number.


def values(r: SimulationResult, name: str) -> np.ndarray:
    return r.table[name].to_numpy(dtype=float)


def peak(name: str, after_h: float = -math.inf) -> Callable[[SimulationResult], float]:
    def measure(r: SimulationResult) -> float:
        return float(values(r, name)[r.times_h >= after_h - 1e-9].max())

    return measure


def peak_time(name: str) -> Callable[[SimulationResult], float]:
    def measure(r: SimulationResult) -> float:
        return float(r.times_h[np.argmax(values(r, name))])

    return measure


def mean_last(name: str, hours: float = 24.0) -> Callable[[SimulationResult], float]:
    def measure(r: SimulationResult) -> float:
        last = r.times_h >= r.times_h[-1] - hours - 1e-9
        return float(np.trapezoid(values(r, name)[last], r.times_h[last]) / (r.times_h[last][-1] - r.times_h[last][0]))

    return measure


def at(name: str, t_h: float) -> Callable[[SimulationResult], float]:
    def measure(r: SimulationResult) -> float:
        return float(values(r, name)[np.argmin(np.abs(r.times_h - t_h))])

    return measure


def drop_at(name: str, t_h: float) -> Callable[[SimulationResult], float]:
    """The value at ``t_h`` (a relief column is already a drop from baseline)."""
    return at(name, t_h)


def first_time(name: str, level: float, after_h: float = 0.0) -> Callable[[SimulationResult], float]:
    """Hours after ``after_h`` until ``name`` first reaches ``level`` (NaN if never)."""

    def measure(r: SimulationResult) -> float:
        t, v = r.times_h, values(r, name)
        hit = (v >= level) & (t >= after_h - 1e-9)
        return float(t[np.argmax(hit)] - after_h) if hit.any() else math.nan

    return measure


def last_time(name: str, level: float, after_h: float = 0.0) -> Callable[[SimulationResult], float]:
    """Hours after ``after_h`` until ``name`` is last at or above ``level`` (0 if never)."""

    def measure(r: SimulationResult) -> float:
        t, v = r.times_h, values(r, name)
        hit = (v >= level) & (t >= after_h - 1e-9)
        return float(t[hit][-1] - after_h) if hit.any() else 0.0

    return measure


def ratio(num: Callable[..., float], den: Callable[..., float]) -> Callable[..., float]:
    """``num(first) / den(second)`` for two runs, or of one run when only one is given."""

    def measure(*runs: SimulationResult) -> float:
        a, b = (runs[0], runs[-1])
        d = den(b)
        return num(a) / d if d else math.nan

    return measure


def auc(name: str) -> Callable[[SimulationResult], float]:
    def measure(r: SimulationResult) -> float:
        return float(np.trapezoid(values(r, name), r.times_h))

    return measure


def log_slope_half_life(name: str, t0: float, t1: float) -> Callable[[SimulationResult], float]:
    """ln 2 / slope of a straight-line fit to log(``name``) between ``t0`` and ``t1`` hours."""

    def measure(r: SimulationResult) -> float:
        t, v = r.times_h, values(r, name)
        sel = (t >= t0) & (t <= t1) & (v > 0)
        return float(math.log(2) / -np.polyfit(t[sel], np.log(v[sel]), 1)[0])

    return measure


def csf_at(x_cm: float, t_h: float | None = None) -> Callable[[SimulationResult], float]:
    """CSF concentration (ng/mL) at ``x_cm`` below the foramen magnum, at ``t_h`` (default: the end of the run),
    read from the segment amounts of the result table."""

    def measure(r: SimulationResult) -> float:
        i = -1 if t_h is None else int(np.argmin(np.abs(r.times_h - t_h)))
        state = np.array([r.table[col.amount(name)].to_numpy()[i] for name in STATES[: ELIMINATED + 1]])
        row = csf_point_row(r.params, x_cm)[0, : ELIMINATED + 1]
        return float(row @ state)

    return measure


def column(name: str) -> str:
    """A column name, checked to exist in the result table's documentation."""
    if name not in {c.name for c in col.COLUMNS}:
        raise KeyError(name)
    return name
