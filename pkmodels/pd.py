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

The adaptation and symptom filters are solved exactly for inputs that are linear between grid points,
with a vectorised linear-recurrence scan (no loop over patients or time in Python).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .parameters import ModelParams

__all__ = [
    "COMEDICATIONS",
    "SEDATION_STAGES",
    "SEDATION_THRESHOLDS",
    "WITHDRAWAL_STAGES",
    "WITHDRAWAL_SYMPTOMS",
    "WITHDRAWAL_THRESHOLDS",
    "PDState",
    "first_order_filter",
    "hill",
    "pharmacodynamics",
    "stage_of",
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
    "benzodiazepine": Comedication("Benzodiazepine", 50.0, True,
                                   "additive or synergistic sedation, respiratory depression"),
    "sleep_medicine": Comedication("Sleep medicine", 45.0, False, "excessive sleepiness, impaired coordination"),
}


def hill(conc: np.ndarray, ec50: np.ndarray | float, n: np.ndarray | float) -> np.ndarray:
    """Fractional stimulation ``C^n / (EC50^n + C^n)``, written as ``1 / (1 + (EC50/C)^n)``.

    Concentrations at or below zero give 0.
    """
    c = np.maximum(np.asarray(conc, dtype=float), 0.0)
    with np.errstate(divide="ignore", over="ignore"):
        ratio = np.where(c > 0, (np.asarray(ec50) / np.where(c > 0, c, 1.0)) ** np.asarray(n), np.inf)
    return 1.0 / (1.0 + ratio)


def stage_of(index: np.ndarray, thresholds: tuple[float, ...]) -> np.ndarray:
    """Stage number (0..len(thresholds)) of each index value."""
    return np.searchsorted(np.asarray(thresholds), np.asarray(index), side="right").astype(np.int8)


def _linear_recurrence(a: np.ndarray, c: np.ndarray, x0: np.ndarray) -> np.ndarray:
    """x_k = a_k x_{k-1} + c_k for k = 1..K, along the last axis, by a log-depth scan.

    ``a`` and ``c`` have shape (..., K); returns x of shape (..., K+1) with x[..., 0] = x0.
    """
    a = a.copy()
    c = c.copy()
    c[..., 0] += a[..., 0] * x0
    s = 1
    k = a.shape[-1]
    while s < k:
        c[..., s:] = c[..., s:] + a[..., s:] * c[..., :-s]
        a[..., s:] = a[..., s:] * a[..., :-s]
        s *= 2
    return np.concatenate([np.asarray(x0, dtype=float)[..., None] * np.ones_like(c[..., :1]), c], axis=-1)


def first_order_filter(u: np.ndarray, times_h: np.ndarray, tau_h: np.ndarray | float,
                       y0: np.ndarray | float = 0.0) -> np.ndarray:
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
    h = np.diff(times_h)[None, :]
    a = np.exp(-h / tau)
    slope = np.diff(u, axis=1) / h
    # y_k = a y_{k-1} + [u_k - a u_{k-1} - tau s (1 - a)]
    c = u[:, 1:] - a * u[:, :-1] - tau * slope * (1.0 - a)
    return _linear_recurrence(np.broadcast_to(a, c.shape), c, y0)


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


def _col(x: np.ndarray | float, n: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(x, dtype=float), (n,))[:, None]


def _symptoms(drive: np.ndarray, times_h: np.ndarray, tau_h: np.ndarray,
              state: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    first = first_order_filter(drive, times_h, tau_h, state[0])
    second = first_order_filter(first, times_h, tau_h, state[1])
    return second, (first[:, -1], second[:, -1])


def pharmacodynamics(
    times_h: np.ndarray,
    ce_spinal: np.ndarray,
    ce_brain: np.ndarray,
    params: ModelParams,
    *,
    baseline_ashworth: float = 4.0,
    comedication: str = "none",
    comedication_intensity: float = 1.0,
    state: PDState | None = None,
) -> tuple[dict[str, np.ndarray], PDState]:
    """All PD readouts on the grid ``times_h`` (arrays of shape (n_patients, n_times)).

    Returns the readouts and the slow states at the last time, to continue a later stretch.
    """
    ce_spinal = np.atleast_2d(ce_spinal)
    ce_brain = np.atleast_2d(ce_brain)
    n = ce_spinal.shape[0]
    p = params.as_arrays(n)
    state = PDState.zeros(n) if state is None else state
    tau_adapt_h = p.tau_adapt_days * 24.0
    gain = p.adaptation_gain[:, None]

    s_sp = hill(ce_spinal, p.ec50_spinal_ng_per_ml[:, None], p.hill_spinal[:, None])
    s_sup = hill(ce_brain, p.ec50_sedation_ng_per_ml[:, None], p.hill_sedation[:, None])
    a_sp = first_order_filter(s_sp, times_h, tau_adapt_h, state.adapt_spinal)
    a_sup = first_order_filter(s_sup, times_h, tau_adapt_h, state.adapt_supraspinal)

    net_sp = s_sp - gain * a_sp
    relief = baseline_ashworth * p.relief_max_fraction[:, None] * np.clip(net_sp, 0.0, 1.0)

    co = COMEDICATIONS[comedication]
    eq = co.equivalent_ng_per_ml * comedication_intensity
    s_sup_total = hill(ce_brain + eq, p.ec50_sedation_ng_per_ml[:, None], p.hill_sedation[:, None])
    sedation = np.clip(s_sup_total - gain * a_sup, 0.0, 1.0)

    drive_sp = np.maximum(gain * a_sp - s_sp, 0.0)
    drive_sup = np.maximum(gain * a_sup - s_sup, 0.0)
    sym_sp, st_sp = _symptoms(drive_sp, times_h, p.tau_symptom_h, state.symptom_spinal)
    sym_sup, st_sup = _symptoms(drive_sup, times_h, p.tau_symptom_h, state.symptom_supraspinal)
    w_sp = _col(p.withdrawal_weight_spinal, n) * sym_sp
    w_sup = _col(p.withdrawal_weight_supraspinal, n) * sym_sup
    w_all = np.maximum(w_sp, w_sup)

    sed_stage = stage_of(sedation, SEDATION_THRESHOLDS)
    respiratory = (sed_stage >= 3) | (co.respiratory & (sed_stage >= 2))
    out = {
        "stimulation_spinal": s_sp,
        "stimulation_supraspinal": s_sup,
        "adaptation_spinal": a_sp,
        "adaptation_supraspinal": a_sup,
        "net_tone_spinal": net_sp,
        "spasticity_relief_ashworth": relief,
        "ashworth_score": baseline_ashworth - relief,
        "sedation_index": sedation,
        "sedation_stage": sed_stage,
        "respiratory_warning": respiratory,
        "withdrawal_drive_spinal": drive_sp,
        "withdrawal_drive_supraspinal": drive_sup,
        "withdrawal_spinal_index": w_sp,
        "withdrawal_supraspinal_index": w_sup,
        "withdrawal_index": w_all,
        "withdrawal_stage": stage_of(w_all, WITHDRAWAL_THRESHOLDS),
        "withdrawal_spinal_stage": stage_of(w_sp, WITHDRAWAL_THRESHOLDS),
        "withdrawal_supraspinal_stage": stage_of(w_sup, WITHDRAWAL_THRESHOLDS),
    }
    final = PDState(a_sp[:, -1], a_sup[:, -1], st_sp, st_sup)
    return out, final
