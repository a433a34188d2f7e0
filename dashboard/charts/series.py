"""Time series made ready for drawing: the time axis's unit, fewer points that keep every peak, the columns of
a result table, the spans where a flag is on."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["columns", "decimate", "float_points", "segments", "time_axis"]


def float_points(x: object, y: object) -> tuple[np.ndarray, np.ndarray] | None:
    """A drawn line's points as 1-d float arrays of one length with some finite x, or None where they are not
    (category or date axes, ragged or empty traces)."""
    try:
        xs = np.asarray(x, dtype=float)
        ys = np.asarray(y, dtype=float)
    except (TypeError, ValueError):
        return None
    return (xs, ys) if xs.ndim == 1 and xs.shape == ys.shape and np.isfinite(xs).any() else None


def time_axis(times_h: np.ndarray) -> tuple[np.ndarray, str]:
    """Hours for runs up to 3 days, days beyond."""
    times_h = np.asarray(times_h, dtype=float)
    if times_h.size and times_h[-1] - times_h[0] > 72.0:
        return times_h / 24.0, "Time (days)"
    return times_h, "Time (hours)"


def decimate(times: np.ndarray, series: Sequence[np.ndarray], max_points: int = 1500) -> tuple[np.ndarray, list]:
    """Fewer points for drawing, keeping every peak and trough.

    Each bucket of consecutive points keeps the indices of the minimum and maximum of every series, so an
    oral dose spike or a withdrawal peak never disappears from a chart.  Returns the kept times and series.
    """
    n = len(times)
    if n <= max_points:
        return np.asarray(times), [np.asarray(s) for s in series]
    n_buckets = max(1, max_points // (2 * max(1, len(series))))
    size = -(-n // n_buckets)  # ceil
    pad = n_buckets * size - n
    offsets = np.arange(n_buckets)[:, None] * size
    keep = [np.array([0, n - 1])]
    for s in series:
        s = np.asarray(s, dtype=float)
        blocks = np.pad(s, (0, pad), mode="edge").reshape(n_buckets, size)
        keep += [offsets[:, 0] + blocks.argmin(axis=1), offsets[:, 0] + blocks.argmax(axis=1)]
    idx = np.unique(np.minimum(np.concatenate(keep), n - 1))
    return np.asarray(times)[idx], [np.asarray(s)[idx] for s in series]


def columns(tab: pd.DataFrame, x: np.ndarray, cols: Sequence[str], max_points: int) -> tuple[np.ndarray, list]:
    """Result-table columns ``cols`` against ``x``, decimated together (see :func:`decimate`)."""
    return decimate(x, [tab[c].to_numpy(dtype=float) for c in cols], max_points)


def segments(x: np.ndarray, flag: np.ndarray) -> list[tuple[float, float]]:
    """(start, end) of each run of True in ``flag`` (for shading)."""
    flag = np.asarray(flag, dtype=bool)
    if not flag.any():
        return []
    edges = np.flatnonzero(np.diff(np.concatenate([[0], flag.astype(np.int8), [0]])))
    return [(float(x[a]), float(x[min(b, len(x) - 1)])) for a, b in zip(edges[::2], edges[1::2], strict=True)]
