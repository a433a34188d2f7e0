"""Exact first-order filters ``dy/dt = (u - y) / tau`` for inputs linear between grid points.

The pharmacodynamics' adaptation and symptom stages are such filters (:mod:`pkmodels.pd`).  Each is a linear
recurrence along time, vectorised over patients (never a loop over patients): through
``scipy.signal.lfilter`` when the rows share few rates, else one loop over time with vector operations.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import lfilter

__all__ = ["filter_coefficients", "first_order_filter", "first_order_filters"]


def _linear_recurrence(a: np.ndarray, c: np.ndarray, x0: np.ndarray) -> np.ndarray:
    """x_k = a_k x_{k-1} + c_k for k = 1..K along the last axis; returns x (..., K+1) with x[..., 0] = x0.

    Rows that share one rate (one patient, or a shared time constant on a uniform grid) run in C through
    ``scipy.signal.lfilter``, one call per distinct rate; otherwise a loop over time with vector operations
    over the rows (cost ~K steps of a few microseconds, whatever the number of rows).  The result has the
    memory layout of ``c``: time-major input (a transposed view) gives a time-major result.
    """
    c = np.asarray(c, dtype=float)
    x0 = np.broadcast_to(np.asarray(x0, dtype=float), c.shape[:-1])
    a = np.broadcast_to(np.asarray(a, dtype=float), c.shape)
    time_major = _is_time_major(c)
    out_t = np.empty((c.shape[-1] + 1, *c.shape[:-1]))  # time first
    out_t[0] = x0
    out_t[1:] = np.moveaxis(c, -1, 0)
    if a.ndim == 2 and a.strides[-1] == 0:  # one rate per row, the same at every step (a uniform grid)
        rate = a[:, 0]
        uniq = np.unique(rate)
        if uniq.size <= _LFILTER_MAX_RATES:
            for r in uniq:
                rows = slice(None) if uniq.size == 1 else np.flatnonzero(rate == r)
                y = lfilter([1.0], [1.0, -float(r)], out_t[1:, rows], axis=0, zi=(float(r) * out_t[0, rows])[None])[0]
                out_t[1:, rows] = y
            return _like(out_t, time_major)
        _recurrence_loop(rate, out_t)
        return _like(out_t, time_major)
    a_t = np.moveaxis(a, -1, 0)
    tmp = np.empty(out_t.shape[1:])
    for k in range(1, out_t.shape[0]):
        np.multiply(a_t[k - 1], out_t[k - 1], out=tmp)
        out_t[k] += tmp
    return _like(out_t, time_major)


def _is_time_major(u: np.ndarray) -> bool:
    """A (rows, times) array laid out time-major (a transposed view): neighbouring rows are adjacent in memory."""
    return u.ndim == 2 and u.shape[0] > 1 and u.shape[1] > 1 and abs(u.strides[0]) < abs(u.strides[1])


_LFILTER_MAX_RATES = 8  # up to this many distinct rates: one lfilter call per rate beats the loop over time


def _like(out_t: np.ndarray, time_major: bool) -> np.ndarray:
    """Time-first buffer (K+1, ...) back to (..., K+1): a view when the caller works time-major, else a copy."""
    moved = np.moveaxis(out_t, 0, -1)
    return moved if time_major else np.ascontiguousarray(moved)


def _recurrence_loop(rate: np.ndarray, out_t: np.ndarray) -> None:
    """out_t[k] += rate * out_t[k-1] for k = 1..K, in place (rows along the last axis)."""
    tmp = np.empty(out_t.shape[1:])
    for k in range(1, out_t.shape[0]):
        np.multiply(rate, out_t[k - 1], out=tmp)
        out_t[k] += tmp


def filter_coefficients(
    times_h: np.ndarray, tau_h: np.ndarray | float, n_pat: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decay a, and the weights (1 - b) of u_k and (a - b) of u_{k-1}, each (n_pat, 1) on a uniform grid or
    (n_pat, n_times - 1) otherwise (see :func:`first_order_filter`)."""
    tau = np.broadcast_to(np.asarray(tau_h, dtype=float), (n_pat,))[:, None]
    h = np.diff(times_h)
    if np.ptp(h) <= 1e-9 * h[0]:  # uniform up to rounding of k * step (1e-12 failed beyond ~16 days)
        h = h[:1]  # uniform grid: one decay factor per patient
    h = h[None, :]
    a = np.exp(-h / tau)
    b = tau * (1.0 - a) / h
    return a, 1.0 - b, a - b


def first_order_filter(
    u: np.ndarray, times_h: np.ndarray, tau_h: np.ndarray | float, y0: np.ndarray | float = 0.0
) -> np.ndarray:
    """Solve ``dy/dt = (u - y) / tau`` exactly for ``u`` linear between grid points.

    ``u`` has shape (n_patients, n_times); ``tau_h`` is a scalar or (n_patients,); ``y0`` the value at
    ``times_h[0]``.  Over a step of length h with u going from u0 to u1 (slope s = (u1 - u0)/h):
    ``y1 = u1 - tau s + (y0 - u0 + tau s) exp(-h / tau)``.
    """
    return first_order_filters([u], times_h, [tau_h], [y0])[0]


def first_order_filters(
    inputs: list[np.ndarray],
    times_h: np.ndarray,
    taus_h: list[np.ndarray | float],
    y0s: list[np.ndarray | float],
) -> list[np.ndarray]:
    """:func:`first_order_filter` of several inputs at once (one recurrence over their stacked rows).

    Each input is (n_patients, n_times), patient-major or a transposed view of a time-major array; each result
    has the same layout.  Same numbers as one call per input.
    """
    us = [np.atleast_2d(u) for u in inputs]
    n_pat, n_t = us[0].shape
    y0 = [np.broadcast_to(np.asarray(v, dtype=float), (n_pat,)) for v in y0s]
    if n_t == 1:
        return [v[:, None].copy() for v in y0]
    time_major = all(_is_time_major(u) for u in us)
    coef = [filter_coefficients(times_h, tau, n_pat) for tau in taus_h]
    uniform = all(a.shape[1] == 1 for a, _, _ in coef)
    if not (time_major and uniform and n_pat > _LFILTER_MAX_RATES):
        out = []
        for u, (a, w1, w0), v in zip(us, coef, y0, strict=True):
            c = w1 * u[:, 1:] - w0 * u[:, :-1]
            out.append(_linear_recurrence(a, c, v))
        return out
    # Many patients, time-major: one loop over time for every filter, rows (filter, patient) side by side.
    buf = np.empty((n_t, len(us), n_pat))
    tmp = np.empty((n_t - 1, n_pat)).T
    for f, (u, (_a, w1, w0), v) in enumerate(zip(us, coef, y0, strict=True)):
        col = buf[1:, f, :].T  # (n_pat, n_t - 1) view
        np.multiply(w1, u[:, 1:], out=col)
        np.multiply(w0, u[:, :-1], out=tmp)
        col -= tmp
        buf[0, f] = v
    rate = np.stack([a[:, 0] for a, _, _ in coef])  # (n_filters, n_pat)
    _recurrence_loop(rate, buf)
    return [buf[:, f, :].T for f in range(len(us))]
