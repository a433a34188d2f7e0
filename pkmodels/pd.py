"""Pharmacodynamics on top of the effect-site concentrations.

Per site (spinal cord, driven by lumbar CSF; supraspinal, driven mainly by plasma through brain tissue):

* stimulation ``S = C^n / (EC50^n + C^n)`` of GABA-B receptors at the effect site;
* adaptation ``A`` (tolerance: receptor down-regulation and counter-regulation) that follows S slowly,
  ``dA/dt = (S - A) / tau_adapt``;
* net inhibitory tone ``N = S - g A`` (g = ``adaptation_gain``).  Positive tone is the drug effect
  (spasticity relief at the spinal site, CNS depression at the supraspinal site).  When the drug falls
  away faster than the adaptation can undo itself, ``N`` turns negative: the withdrawal drive
  ``D = max(g A - S, 0)`` is the unopposed counter-regulation.
* symptoms follow the drive through two first-order stages (``tau_symptom_h``), and are weighted per
  site into a severity index with named stages.

Co-medication (alcohol, opioid, benzodiazepine, sleep medicine) adds CNS depression as an equivalent
concentration at the brain effect site (Loewe additivity): a simple, labelled teaching model.

The adaptation and symptom filters are solved exactly for inputs that are linear between grid points, as
linear recurrences vectorised over patients (never a loop over patients).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter

from .parameters import ModelParams

__all__ = [
    "COMEDICATIONS",
    "SEDATION_STAGES",
    "SEDATION_THRESHOLDS",
    "WITHDRAWAL_STAGES",
    "WITHDRAWAL_SYMPTOMS",
    "WITHDRAWAL_THRESHOLDS",
    "PDReadouts",
    "PDSettings",
    "PDState",
    "comedication_equivalent_ng_per_ml",
    "first_order_filter",
    "hill",
    "net_tone",
    "pharmacodynamics",
    "readouts",
    "relief_ashworth",
    "respiratory_warning",
    "sedation_index",
    "spinal_stimulation",
    "stage_of",
    "stimulation",
    "supraspinal_stimulation",
    "withdrawal_drive",
]

SEDATION_STAGES = ("none", "drowsy", "marked", "stupor", "coma risk")
SEDATION_THRESHOLDS = (0.15, 0.40, 0.65, 0.85)  # sedation index at which each stage after "none" begins
WITHDRAWAL_STAGES = ("none", "mild", "moderate", "severe", "life-threatening")
WITHDRAWAL_THRESHOLDS = (0.10, 0.25, 0.50, 0.75)

# What each stage looks like, by site (from the seed documents and Coffey 2002).
WITHDRAWAL_SYMPTOMS: dict[str, dict[int, str]] = {
    "spinal": {
        1: "rebound spasticity, itching (pruritus)",
        2: "marked rebound spasticity and spasms, itching, fast heart rate, sweating, blood-pressure swings",
        3: "rigidity, high fever, muscle breakdown (rhabdomyolysis)",
        4: "rigidity with hyperthermia, rhabdomyolysis, clotting failure and multi-organ failure",
    },
    "supraspinal": {
        1: "anxiety, restlessness, insomnia",
        2: "hallucinations, confusion, agitation (altered mental status)",
        3: "delirium, seizures, high fever",
        4: "status epilepticus, coma, multi-organ failure",
    },
}


@dataclass(frozen=True)
class Comedication:
    label: str
    equivalent_ng_per_ml: float  # brain-effect-site baclofen equivalent at intensity 1 (a usual dose)
    respiratory: bool  # adds a respiratory-depression warning band
    note: str


COMEDICATIONS: dict[str, Comedication] = {
    "none": Comedication("None", 0.0, False, ""),
    "alcohol": Comedication("Alcohol", 40.0, False, "intensifies drowsiness, dizziness, impaired coordination"),
    "opioid": Comedication("Opioid", 60.0, True, "extreme sedation, respiratory depression, death"),
    "benzodiazepine": Comedication(
        "Benzodiazepine", 50.0, True, "additive or synergistic sedation, respiratory depression"
    ),
    "sleep_medicine": Comedication("Sleep medicine", 45.0, False, "excessive sleepiness, impaired coordination"),
}


def hill(conc: np.ndarray, ec50: np.ndarray | float, n: np.ndarray | float) -> np.ndarray:
    """Fractional stimulation ``C^n / (EC50^n + C^n)``, written as ``1 / (1 + (EC50/C)^n)``.

    Concentrations at or below zero give 0.
    """
    c = np.asarray(conc, dtype=float)
    n = np.asarray(n, dtype=float)
    if n.size > 1 and np.all(n == n.flat[0]):
        n = n.flat[0]  # one exponent for everyone: a scalar power is several times faster
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        ratio = (np.asarray(ec50) / c) ** n
        out = 1.0 / (1.0 + ratio)
    return np.where(c > 0, out, 0.0)


def stage_of(index: np.ndarray, thresholds: tuple[float, ...]) -> np.ndarray:
    """Stage number (0..len(thresholds)) of each index value: how many thresholds it reaches."""
    index = np.asarray(index)
    stage = np.zeros(index.shape, dtype=np.int8)
    for t in thresholds:
        stage += index >= t
    return stage


def _linear_recurrence(a: np.ndarray, c: np.ndarray, x0: np.ndarray) -> np.ndarray:
    """x_k = a_k x_{k-1} + c_k for k = 1..K along the last axis; returns x (..., K+1) with x[..., 0] = x0.

    One rate for every row and step (one patient, or a shared time constant on a uniform grid) runs in C
    through ``scipy.signal.lfilter``; otherwise a loop over time with vector operations over patients
    (cost ~T steps of a few microseconds, whatever the number of patients).
    """
    x0 = np.asarray(x0, dtype=float)
    if np.all(a == a.flat[0]):
        rate = float(a.flat[0])
        y = lfilter([1.0], [1.0, -rate], c, axis=-1, zi=(rate * x0)[..., None])[0]
        return np.concatenate([x0[..., None], y], axis=-1)
    a_t = np.ascontiguousarray(np.moveaxis(np.broadcast_to(a, c.shape), -1, 0))
    out = np.empty((c.shape[-1] + 1, *c.shape[:-1]))
    out[1:] = np.moveaxis(c, -1, 0)
    out[0] = x0
    for k in range(1, out.shape[0]):
        out[k] += a_t[k - 1] * out[k - 1]
    return np.moveaxis(out, 0, -1)


def first_order_filter(
    u: np.ndarray, times_h: np.ndarray, tau_h: np.ndarray | float, y0: np.ndarray | float = 0.0
) -> np.ndarray:
    """Solve ``dy/dt = (u - y) / tau`` exactly for ``u`` linear between grid points.

    ``u`` has shape (n_patients, n_times); ``tau_h`` is a scalar or (n_patients,); ``y0`` the value at
    ``times_h[0]``.  Over a step of length h with u going from u0 to u1 (slope s = (u1 - u0)/h):
    ``y1 = u1 - tau s + (y0 - u0 + tau s) exp(-h / tau)``.
    """
    u = np.atleast_2d(u)
    n_pat = u.shape[0]
    y0 = np.broadcast_to(np.asarray(y0, dtype=float), (n_pat,))
    if u.shape[1] == 1:
        return y0[:, None].copy()
    tau = np.broadcast_to(np.asarray(tau_h, dtype=float), (n_pat,))[:, None]
    h = np.diff(times_h)
    if np.ptp(h) <= 1e-12 * h[0]:
        h = h[:1]  # uniform grid: one decay factor per patient
    h = h[None, :]
    a = np.exp(-h / tau)
    # y_k = a y_{k-1} + [u_k - a u_{k-1} - tau s (1 - a)] with s = (u_k - u_{k-1}) / h, i.e.
    # y_k = a y_{k-1} + (1 - b) u_k - (a - b) u_{k-1} with b = tau (1 - a) / h
    b = tau * (1.0 - a) / h
    c = (1.0 - b) * u[:, 1:] - (a - b) * u[:, :-1]
    return _linear_recurrence(a, c, y0)


@dataclass(frozen=True)
class PDState:
    """Slow PD states carried from one stretch of simulation to the next (each shape (n_patients,))."""

    adapt_spinal: np.ndarray
    adapt_supraspinal: np.ndarray
    symptom_spinal: tuple[np.ndarray, np.ndarray]
    symptom_supraspinal: tuple[np.ndarray, np.ndarray]

    @staticmethod
    def zeros(n: int) -> PDState:
        z = np.zeros(n)
        return PDState(z, z, (z, z), (z, z))


def _symptoms(
    drive: np.ndarray, times_h: np.ndarray, tau_h: np.ndarray, state: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    first = first_order_filter(drive, times_h, tau_h, state[0])
    second = first_order_filter(first, times_h, tau_h, state[1])
    return second, (first[:, -1], second[:, -1])


def spinal_stimulation(ce_spinal: np.ndarray, p: ModelParams) -> np.ndarray:
    """GABA-B stimulation (0..1) at the spinal effect site; ``p`` as arrays (n,)."""
    return hill(ce_spinal, p.ec50_spinal_ng_per_ml[:, None], p.hill_spinal[:, None])


def supraspinal_stimulation(ce_brain: np.ndarray, p: ModelParams) -> np.ndarray:
    """GABA-B stimulation (0..1) at the brain effect site; ``p`` as arrays (n,)."""
    return hill(ce_brain, p.ec50_sedation_ng_per_ml[:, None], p.hill_sedation[:, None])


def stimulation(ce_spinal: np.ndarray, ce_brain: np.ndarray, p: ModelParams) -> tuple[np.ndarray, np.ndarray]:
    """GABA-B stimulation (0..1) at the spinal and supraspinal effect sites; ``p`` as arrays (n,)."""
    return spinal_stimulation(ce_spinal, p), supraspinal_stimulation(ce_brain, p)


def net_tone(stim: np.ndarray, adapt: np.ndarray, p: ModelParams) -> np.ndarray:
    """Net inhibitory tone ``S - g A``: the drug effect that adaptation leaves (negative in withdrawal)."""
    return stim - p.adaptation_gain[:, None] * adapt


def withdrawal_drive(s: np.ndarray, adapt: np.ndarray, p: ModelParams) -> np.ndarray:
    """Unopposed counter-regulation: ``max(g A - S, 0)``."""
    return np.maximum(-net_tone(s, adapt, p), 0.0)


def relief_ashworth(net_spinal: np.ndarray, p: ModelParams, baseline_ashworth: float) -> np.ndarray:
    """Spasticity relief (Ashworth points): the positive part of the spinal net tone removes up to
    ``relief_max_fraction`` of the baseline score."""
    return baseline_ashworth * p.relief_max_fraction[:, None] * np.clip(net_spinal, 0.0, 1.0)


def comedication_equivalent_ng_per_ml(comedication: str, intensity: float) -> float:
    """The co-medication's CNS depression as an equivalent baclofen concentration at the brain effect site."""
    return COMEDICATIONS[comedication].equivalent_ng_per_ml * intensity


def sedation_index(
    ce_brain: np.ndarray,
    adapt_supraspinal: np.ndarray,
    p: ModelParams,
    comedication: str = "none",
    intensity: float = 1.0,
) -> np.ndarray:
    """Sedation / CNS depression (0..1): supraspinal stimulation by baclofen plus the co-medication (Loewe
    additivity: equivalent concentrations add), minus the adaptation."""
    eq = comedication_equivalent_ng_per_ml(comedication, intensity)
    return np.clip(net_tone(supraspinal_stimulation(ce_brain + eq, p), adapt_supraspinal, p), 0.0, 1.0)


def respiratory_warning(sedation_stage: np.ndarray, comedication: str) -> np.ndarray:
    """Warning from 'stupor' on, or from 'marked' with an opioid or a benzodiazepine."""
    return (sedation_stage >= 3) | (COMEDICATIONS[comedication].respiratory & (sedation_stage >= 2))


@dataclass(frozen=True)
class PDSettings:
    """The patient-level inputs of the PD that are not parameters: untreated spasticity and co-medication."""

    baseline_ashworth: float = 4.0
    comedication: str = "none"
    comedication_intensity: float = 1.0


@dataclass(frozen=True)
class PDReadouts:
    """Every PD readout, arrays of shape (n_patients, n_times); field names are the result-table columns
    (:mod:`pkmodels.columns`)."""

    stimulation_spinal: np.ndarray
    stimulation_supraspinal: np.ndarray
    adaptation_spinal: np.ndarray
    adaptation_supraspinal: np.ndarray
    net_tone_spinal: np.ndarray
    spasticity_relief_ashworth: np.ndarray
    ashworth_score: np.ndarray
    sedation_index: np.ndarray
    sedation_stage: np.ndarray
    respiratory_warning: np.ndarray
    withdrawal_drive_spinal: np.ndarray
    withdrawal_drive_supraspinal: np.ndarray
    withdrawal_spinal_index: np.ndarray
    withdrawal_supraspinal_index: np.ndarray
    withdrawal_index: np.ndarray
    withdrawal_stage: np.ndarray
    withdrawal_spinal_stage: np.ndarray
    withdrawal_supraspinal_stage: np.ndarray

    def columns(self) -> dict[str, np.ndarray]:
        """Column name -> array, in table order."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


def readouts(
    ce_brain: np.ndarray,
    s_sp: np.ndarray,
    s_sup: np.ndarray,
    a_sp: np.ndarray,
    a_sup: np.ndarray,
    sym_sp: np.ndarray,
    sym_sup: np.ndarray,
    p: ModelParams,
    settings: PDSettings,
) -> PDReadouts:
    """The algebraic part of the PD: relief, sedation, withdrawal indices and stages from the stimulation,
    adaptation and symptom states (all (n_patients, n_times); ``p`` as arrays (n,))."""
    baseline_ashworth, comedication = settings.baseline_ashworth, settings.comedication
    net_sp = net_tone(s_sp, a_sp, p)
    relief = relief_ashworth(net_sp, p, baseline_ashworth)
    if comedication_equivalent_ng_per_ml(comedication, settings.comedication_intensity):
        sedation = sedation_index(ce_brain, a_sup, p, comedication, settings.comedication_intensity)
    else:  # the stimulation is already there: no second Hill evaluation
        sedation = np.clip(net_tone(s_sup, a_sup, p), 0.0, 1.0)
    w_sp = p.withdrawal_weight_spinal[:, None] * sym_sp
    w_sup = p.withdrawal_weight_supraspinal[:, None] * sym_sup
    w_all = np.maximum(w_sp, w_sup)
    sed_stage = stage_of(sedation, SEDATION_THRESHOLDS)
    return PDReadouts(
        stimulation_spinal=s_sp,
        stimulation_supraspinal=s_sup,
        adaptation_spinal=a_sp,
        adaptation_supraspinal=a_sup,
        net_tone_spinal=net_sp,
        spasticity_relief_ashworth=relief,
        ashworth_score=baseline_ashworth - relief,
        sedation_index=sedation,
        sedation_stage=sed_stage,
        respiratory_warning=respiratory_warning(sed_stage, comedication),
        withdrawal_drive_spinal=withdrawal_drive(s_sp, a_sp, p),
        withdrawal_drive_supraspinal=withdrawal_drive(s_sup, a_sup, p),
        withdrawal_spinal_index=w_sp,
        withdrawal_supraspinal_index=w_sup,
        withdrawal_index=w_all,
        withdrawal_stage=stage_of(w_all, WITHDRAWAL_THRESHOLDS),
        withdrawal_spinal_stage=stage_of(w_sp, WITHDRAWAL_THRESHOLDS),
        withdrawal_supraspinal_stage=stage_of(w_sup, WITHDRAWAL_THRESHOLDS),
    )


def pharmacodynamics(
    times_h: np.ndarray,
    ce_spinal: np.ndarray,
    ce_brain: np.ndarray,
    params: ModelParams,
    settings: PDSettings = PDSettings(),
    state: PDState | None = None,
) -> tuple[PDReadouts, PDState]:
    """All PD readouts on the grid ``times_h`` (arrays of shape (n_patients, n_times)).

    Returns the readouts and the slow states at the last time, to continue a later stretch.
    """
    ce_spinal = np.atleast_2d(ce_spinal)
    ce_brain = np.atleast_2d(ce_brain)
    n = ce_spinal.shape[0]
    p = params.as_arrays(n)
    state = PDState.zeros(n) if state is None else state
    tau_adapt_h = p.tau_adapt_days * 24.0
    s_sp, s_sup = stimulation(ce_spinal, ce_brain, p)
    a_sp = first_order_filter(s_sp, times_h, tau_adapt_h, state.adapt_spinal)
    a_sup = first_order_filter(s_sup, times_h, tau_adapt_h, state.adapt_supraspinal)
    sym_sp, st_sp = _symptoms(withdrawal_drive(s_sp, a_sp, p), times_h, p.tau_symptom_h, state.symptom_spinal)
    sym_sup, st_sup = _symptoms(withdrawal_drive(s_sup, a_sup, p), times_h, p.tau_symptom_h, state.symptom_supraspinal)
    out = readouts(
        ce_brain,
        s_sp,
        s_sup,
        a_sp,
        a_sup,
        sym_sp,
        sym_sup,
        p,
        settings,
    )
    return out, PDState(a_sp[:, -1], a_sup[:, -1], st_sp, st_sup)
