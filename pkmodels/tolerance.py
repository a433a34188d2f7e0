"""Why intrathecal doses creep: the daily dose that keeps the relief constant while the receptors adapt.

The CSF and the cord effect site settle within a day (half-lives of hours), adaptation over days and months, so
day by day the cord concentration is the steady state of that day's dose: ``C = k x dose`` with ``k`` the cord
concentration per ug/day (:func:`pkmodels.equivalence.steady_profiles`).  A clinician who keeps the relief at
``target`` points titrates the dose so that the net tone (:func:`pkmodels.pd.net_tone`, here solved for the
stimulation by :func:`pkmodels.pd.stimulation_for_net`) stays at ``target / (baseline x relief_max_fraction)``;
the adaptation states then follow that day's stimulation (exactly, for a stimulation held constant over each
day).  The result is the dose curve of Heetla 2009: a rise over the first 12-18 months that
levels off, steeper near the top of the concentration-effect curve.  A teaching model, not dosing advice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .equivalence import steady_profiles
from .parameters import ModelParams
from .pd import stimulation_for_net

__all__ = ["CREEP_RELIEF_ASHWORTH", "DoseCreep", "dose_to_keep_relief"]

# The relief the validation rows keep constant: half of the baseline score of 4, reachable at every time even
# under full adaptation (which leaves at most 1 - g_f - g_s of the baseline).
CREEP_RELIEF_ASHWORTH = 2.0

_MAX_STIMULATION = 1.0 - 1e-6


@dataclass(frozen=True)
class DoseCreep:
    """Daily intrathecal doses (ug/day) that keep the relief at ``target_relief_ashworth`` (legs)."""

    days: np.ndarray  # 0, 1, 2, ...
    dose_ug_per_day: np.ndarray  # inf where no dose can reach the target any more
    target_relief_ashworth: float

    def dose_on_day(self, day: float) -> float:
        return float(np.interp(day, self.days, self.dose_ug_per_day))

    def ratio(self, day_a: float, day_b: float) -> float:
        """Dose on ``day_b`` / dose on ``day_a``."""
        return self.dose_on_day(day_b) / self.dose_on_day(day_a)


def dose_to_keep_relief(
    params: ModelParams, target_relief_ashworth: float, days: int = 730, baseline_ashworth: float = 4.0
) -> DoseCreep:
    """Day-by-day dose for one patient (``params`` of one patient, with its catheter tip) starting drug-naive."""
    if not 0 < days <= 3660:
        raise ValueError("days must be within 1..3660")
    p = params.as_arrays(1)
    k = float(steady_profiles(p, "intrathecal")["ce_spinal"].mean())  # ng/mL at the legs' cord per ug/day
    ec50, n = float(p.ec50_spinal_ng_per_ml[0]), float(p.hill_spinal[0])
    g_f, g_s = float(p.adaptation_gain_fast[0]), float(p.adaptation_gain_slow[0])
    decay_f = math.exp(-1.0 / float(p.tau_adapt_fast_days[0]))
    decay_s = math.exp(-1.0 / float(p.tau_adapt_slow_days[0]))
    net = target_relief_ashworth / (baseline_ashworth * float(p.relief_max_fraction[0]))
    a_f = a_s = 0.0
    doses = np.empty(days + 1)
    for day in range(days + 1):
        s = stimulation_for_net(net, a_f, a_s, g_f, g_s)
        if s >= _MAX_STIMULATION:
            doses[day:] = math.inf
            break
        doses[day] = ec50 * (s / (1.0 - s)) ** (1.0 / n) / k
        a_f = s + (a_f - s) * decay_f
        a_s = s + (a_s - s) * decay_s
    return DoseCreep(np.arange(days + 1, dtype=float), doses, float(target_relief_ashworth))
