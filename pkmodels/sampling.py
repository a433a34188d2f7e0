"""Virtual patients: log-normal draws around the individualised typical values, reproducible by seed.

Patient i is the same for any population size (the draws are made for the largest size and truncated), and
clipping to each parameter's spec range, moved by the covariate factor, keeps every draw physical.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from .covariates import Patient, individualize
from .parameters import PARAMETER_SPECS, ModelParams

__all__ = ["N_LIBRARY_MAX", "N_MAX", "N_MIN", "check_n", "omega", "sample_params", "standard_normal_draws"]

N_MIN, N_MAX = 50, 2000  # the sizes the dashboard offers
N_LIBRARY_MAX = 20_000  # largest population a library call may ask for with ``max_n`` (benchmarks, scripts)


def check_n(n: Any, max_n: int = N_MAX) -> int:
    """``n`` as a population size, or a ValueError saying what is allowed (``max_n``: at most
    :data:`N_LIBRARY_MAX`)."""
    max_n = min(int(max_n), N_LIBRARY_MAX)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not N_MIN <= n <= max_n:
        raise ValueError(f"population size n must be a whole number from {N_MIN} to {max_n}, got {n!r}")
    return int(n)


def _check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    return int(seed)


def standard_normal_draws(seed: int, n: int, *, max_n: int = N_MAX) -> np.ndarray:
    """The ``(n, len(PARAMETER_SPECS))`` standard-normal draws of a population; column j is spec j.

    Always drawn as an ``(N_MAX, n_specs)`` matrix (or ``(n, n_specs)`` beyond that) and truncated, so patient
    i is the same for any n: the generator fills rows in order, so a longer draw starts with the shorter one.
    """
    rng = np.random.default_rng(_check_seed(seed))
    n = check_n(n, max_n)
    return rng.standard_normal((max(N_MAX, n), len(PARAMETER_SPECS)))[:n]


def omega(cv_percent: float) -> float:
    """Log-scale standard deviation of a log-normal with coefficient of variation ``cv_percent``."""
    cv = cv_percent / 100.0
    return math.sqrt(math.log1p(cv * cv))


def sample_params(
    typical: ModelParams,
    patient: Patient,
    n: int,
    seed: int,
    *,
    cv_percent: Mapping[str, float] | None = None,
    max_n: int = N_MAX,
) -> ModelParams:
    """``n`` virtual patients (arrays of shape (n,)) around ``typical`` for the covariates of ``patient``.

    ``individualize(typical, patient)`` gives each patient's typical values; every parameter with a CV
    (``cv_percent`` overrides entries of the spec table, in %) is then multiplied by ``exp(eta)``,
    ``eta ~ N(0, ln(1 + CV^2))`` (the median stays at the typical value).

    Clipping keeps draws physical: each parameter is clipped to its spec range ``[lower, upper]``, moved
    by the same covariate factor as the parameter itself (so a child's smaller volumes get smaller
    limits).  For parameters that covariates do not touch -- the fractions ``f_oral``,
    ``relief_max_fraction``, ``adaptation_gain``, and ratios such as ``lumbar_cranial_ratio`` -- this is
    exactly the spec range.  Clipping only acts in the far tails (a few patients per thousand at most).
    """
    n = check_n(n, max_n)
    cvs = {s.name: s.cv_percent for s in PARAMETER_SPECS}
    for name, cv in (cv_percent or {}).items():
        if name not in cvs:
            raise ValueError(f"unknown parameter {name!r} in cv_percent")
        if not (math.isfinite(cv) and 0.0 <= cv <= 500.0):
            raise ValueError(f"cv_percent[{name!r}] = {cv!r} must be within 0..500")
        cvs[name] = float(cv)
    z = standard_normal_draws(seed, n, max_n=max_n)
    ind = individualize(typical, patient)
    changes: dict[str, np.ndarray] = {}
    for j, s in enumerate(PARAMETER_SPECS):
        value = np.broadcast_to(np.asarray(getattr(ind, s.name), dtype=float), (n,))
        if cvs[s.name] > 0:
            value = value * np.exp(omega(cvs[s.name]) * z[:, j])
        changes[s.name] = np.clip(
            value, *_covariate_bounds(s.lower, s.upper, getattr(typical, s.name), getattr(ind, s.name))
        )
    return ind.replace(**changes).as_arrays(n)


def _covariate_bounds(lower: float, upper: float, typical: Any, individual: Any) -> tuple[Any, Any]:
    """Spec range scaled by the covariate factor individual / typical (1 where typical is 0)."""
    t = np.asarray(typical, dtype=float)
    factor = np.divide(individual, t, out=np.ones(np.broadcast(t, np.asarray(individual)).shape), where=t != 0)
    return lower * factor, upper * factor
