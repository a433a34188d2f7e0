"""Kidney function and baclofen exposure: the same patient in each kidney-function group.

Renal clearance of baclofen is about equal to creatinine clearance (Wuis 1989), so kidney disease lengthens the
half-life and raises exposure (Vlavonou 2014).  :func:`renal_comparison` simulates one typical patient in each
group of :data:`pkmodels.covariates.CKD_STAGES`; :func:`terminal_half_life_h` reads the half-life off the rate
matrix.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from . import engine
from .covariates import CKD_STAGES, Patient, individualize
from .engine import CSF_STATES, PERIPHERAL, PLASMA
from .events import compile_events
from .parameters import ModelParams, default_params
from .regimens import OralDoses

__all__ = ["renal_comparison", "terminal_half_life_h"]

_DISPOSITION = (PLASMA, PERIPHERAL, *CSF_STATES)


def terminal_half_life_h(params: ModelParams) -> np.ndarray:
    """Terminal plasma half-life (h) per parameter set, shape (n,).

    ``ln 2 / |lambda_z|`` with ``lambda_z`` the slowest eigenvalue of the disposition block (plasma,
    peripheral and the CSF compartments) of the rate matrix.  Absorption (gut) is left out: it sets the
    terminal slope only in flip-flop kinetics (ka below lambda_z), which typical baclofen values do not show.
    """
    a = engine.rate_matrix(params)
    idx = np.array(_DISPOSITION)
    lam = np.linalg.eigvals(a[:, idx[:, None], idx[None, :]])
    slowest = np.min(np.abs(lam.real), axis=-1)
    return np.log(2.0) / slowest


def _stack(sets: list[ModelParams]) -> ModelParams:
    return ModelParams(
        **{f.name: np.array([float(getattr(p, f.name)) for p in sets]) for f in dataclasses.fields(ModelParams)}
    )


def _plasma_course(params: ModelParams, regimen: OralDoses, end_h: float, step_h: float) -> tuple:
    events = engine.absorbed(compile_events([regimen], end_h), params)
    n_times = round(end_h / step_h) + 1
    obs = engine.observation_matrix(params, ("plasma",))
    out, _ = engine.solve_linear(engine.rate_matrix(params), events, 0.0, step_h, n_times, observe=obs)
    return step_h * np.arange(n_times), out[..., 0]


def renal_comparison(
    dose_mg: float = 5.0,
    every_h: float = 8.0,
    days: float = 7.0,
    *,
    patient: Patient | None = None,
    base: ModelParams | None = None,
    step_min: float = 5.0,
) -> pd.DataFrame:
    """Plasma exposure of one typical patient in each of :data:`CKD_STAGES` (one row per stage).

    Columns: single ``dose_mg`` -- AUC 0-24 h (ng*h/mL), Cmax (ng/mL), Tmax (h); ``dose_mg`` every
    ``every_h`` h for ``days`` days -- AUC over the last 24 h and Cmax over the last 24 h (steady state),
    and the steady-state AUC at the suggested reduced dose (exact by linearity); terminal half-life (h,
    :func:`terminal_half_life_h`).  ``patient`` gives weight and age (its CrCL is replaced per stage).
    """
    if not (dose_mg > 0 and every_h > 0 and days >= 1):
        raise ValueError("dose_mg and every_h must be positive and days at least 1")
    who = Patient() if patient is None else patient
    typical = default_params() if base is None else base
    params = _stack(
        [individualize(typical, Patient(who.weight_kg, who.age_y, st.crcl_ml_per_min)) for st in CKD_STAGES.values()]
    )
    step_h = step_min / 60.0
    t1, single = _plasma_course(params, OralDoses(dose_mg), 24.0, step_h)
    end_h = days * 24.0
    tm, multi = _plasma_course(params, OralDoses(dose_mg, every_h), end_h, step_h)
    last = tm >= end_h - 24.0 - 1e-9
    auc_ss = np.trapezoid(multi[:, last], tm[last], axis=-1)
    reduction = np.array([st.dose_reduction for st in CKD_STAGES.values()])
    return pd.DataFrame(
        {
            "stage": list(CKD_STAGES),
            "crcl_range": [st.crcl_range for st in CKD_STAGES.values()],
            "crcl_ml_per_min": [st.crcl_ml_per_min for st in CKD_STAGES.values()],
            "suggested_dose_reduction": reduction,
            "auc_single_0_24h_ng_h_per_ml": np.trapezoid(single, t1, axis=-1),
            "cmax_single_ng_per_ml": single.max(axis=-1),
            "tmax_single_h": t1[np.argmax(single, axis=-1)],
            "auc_ss_24h_ng_h_per_ml": auc_ss,
            "cmax_ss_ng_per_ml": multi[:, last].max(axis=-1),
            "auc_ss_24h_reduced_dose_ng_h_per_ml": auc_ss * (1.0 - reduction),
            "half_life_h": terminal_half_life_h(params),
        }
    )
