"""Series made ready for drawing: thinning keeps every extreme."""

from __future__ import annotations

import numpy as np

from dashboard.charts.series import decimate


def test_decimate_keeps_every_extreme():
    rng = np.random.default_rng(0)
    t = np.arange(20000.0)
    ys = [rng.normal(size=t.size).cumsum(), np.sin(t / 50.0)]
    tt, kept = decimate(t, ys, 800)
    assert len(tt) <= 800 + 2
    for y, k in zip(ys, kept, strict=True):
        assert k.max() == y.max()
        assert k.min() == y.min()
    assert np.all(np.diff(tt) > 0)
