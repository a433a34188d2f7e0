"""Optional compiled kernel for the population PD (numba), with the pure-numpy path as the reference.

A population's PD after the stimulation is a chain of recurrences and elementwise steps per patient and time
point: four adaptation filters, the net tone and withdrawal drive of two sites, two symptom stages each, relief,
sedation and the withdrawal index.  Written with numpy each step is a pass over (n_times x n_patients) arrays;
:func:`population_pd` does them all in one pass over the time-major arrays when numba is installed (the
``fast`` extra) and ``PKMODELS_NUMBA`` is not ``0``.  It performs the same floating-point operations in the same
order as :func:`pkmodels.pd.pd_course` and :mod:`pkmodels.pd`'s readouts (no fused multiply-add, no fast-math),
and the tests compare the two paths.  Without numba nothing here is compiled or imported and the numpy path
runs; see ``benchmarks/README.md`` for the measurements behind keeping it optional.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["NUMBA_AVAILABLE", "numba_enabled", "population_pd_kernel"]

_numba: Any
try:  # pragma: no cover - depends on the environment
    _numba = importlib.import_module("numba")
    NUMBA_AVAILABLE = True
except ImportError:  # pragma: no cover
    _numba = None
    NUMBA_AVAILABLE = False


def numba_enabled() -> bool:
    """True when the compiled kernel is used: numba importable and ``PKMODELS_NUMBA`` not set to ``0``."""
    return NUMBA_AVAILABLE and os.environ.get("PKMODELS_NUMBA", "1") != "0"


def _population_pd(
    s_sp: np.ndarray,
    s_sup: np.ndarray,
    coef: np.ndarray,
    state: np.ndarray,
    relief: np.ndarray,
    net_sup: np.ndarray,
    withdrawal: np.ndarray,
    adapt_sup: np.ndarray,
    keep_adapt: bool,
) -> None:  # pragma: no cover - compiled; its numbers are compared with the numpy path by the tests
    """One pass over time (rows) and patients (columns) of the time-major stimulation ``s_sp``, ``s_sup``.

    ``coef`` rows: a, w1, w0 of the fast and the slow adaptation and of the symptom stages, g_f, g_s, relief
    scale, spinal and supraspinal withdrawal weights.  ``state`` rows (updated in place): fast and slow
    adaptation (spinal, supraspinal), symptom stages 1 and 2 (spinal, supraspinal).
    """
    n_t, n = s_sp.shape
    d_sp = np.empty(n)
    d_su = np.empty(n)
    for i in range(n):  # time 0: the net tone and drive of the starting states
        net = s_sp[0, i] * (1.0 - coef[10, i] * state[1, i]) - coef[9, i] * state[0, i]
        d_sp[i] = max(-net, 0.0)
        relief[0, i] = coef[11, i] * min(max(net, 0.0), 1.0)
        net_s = s_sup[0, i] * (1.0 - coef[10, i] * state[3, i]) - coef[9, i] * state[2, i]
        d_su[i] = max(-net_s, 0.0)
        net_sup[0, i] = net_s
        if keep_adapt:
            adapt_sup[0, 0, i] = state[2, i]
            adapt_sup[1, 0, i] = state[3, i]
        withdrawal[0, i] = max(coef[12, i] * state[5, i], coef[13, i] * state[7, i])
    for k in range(1, n_t):  # patients innermost: contiguous rows, vectorised
        for i in range(n):
            a_f, w1_f, w0_f = coef[0, i], coef[1, i], coef[2, i]
            a_s, w1_s, w0_s = coef[3, i], coef[4, i], coef[5, i]
            a_y, w1_y, w0_y = coef[6, i], coef[7, i], coef[8, i]
            g_f, g_s = coef[9, i], coef[10, i]
            u_sp, v_sp, u_su, v_su = s_sp[k - 1, i], s_sp[k, i], s_sup[k - 1, i], s_sup[k, i]
            af_sp = (w1_f * v_sp - w0_f * u_sp) + a_f * state[0, i]
            as_sp = (w1_s * v_sp - w0_s * u_sp) + a_s * state[1, i]
            af_su = (w1_f * v_su - w0_f * u_su) + a_f * state[2, i]
            as_su = (w1_s * v_su - w0_s * u_su) + a_s * state[3, i]
            net = v_sp * (1.0 - g_s * as_sp) - g_f * af_sp
            e_sp = max(-net, 0.0)
            relief[k, i] = coef[11, i] * min(max(net, 0.0), 1.0)
            net_s = v_su * (1.0 - g_s * as_su) - g_f * af_su
            e_su = max(-net_s, 0.0)
            net_sup[k, i] = net_s
            if keep_adapt:
                adapt_sup[0, k, i] = af_su
                adapt_sup[1, k, i] = as_su
            y1_sp, y1_su = state[4, i], state[6, i]
            z1_sp = (w1_y * e_sp - w0_y * d_sp[i]) + a_y * y1_sp
            z1_su = (w1_y * e_su - w0_y * d_su[i]) + a_y * y1_su
            y2_sp = (w1_y * z1_sp - w0_y * y1_sp) + a_y * state[5, i]
            y2_su = (w1_y * z1_su - w0_y * y1_su) + a_y * state[7, i]
            withdrawal[k, i] = max(coef[12, i] * y2_sp, coef[13, i] * y2_su)
            state[0, i], state[1, i], state[2, i], state[3, i] = af_sp, as_sp, af_su, as_su
            state[4, i], state[5, i], state[6, i], state[7, i] = z1_sp, y2_sp, z1_su, y2_su
            d_sp[i], d_su[i] = e_sp, e_su


_compiled: Callable[..., Any] | None = None


def population_pd_kernel() -> Callable[..., Any]:
    """The compiled kernel (compiled on first use, cached on disk by numba)."""
    global _compiled
    if _compiled is None:
        if _numba is None:
            raise RuntimeError("numba is not installed")
        _compiled = _numba.njit(cache=True, nogil=True, fastmath=False)(_population_pd)
    return _compiled
