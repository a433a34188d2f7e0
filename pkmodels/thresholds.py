"""Published plasma ranges and dose limits that the model's summaries and the app's charts use as thresholds.

Each is a reading of a source, not a model output; the app draws the plasma ranges as bands and the dose
equivalence uses the limits as its tolerable ceiling.
"""

from __future__ import annotations

__all__ = ["MAX_STUDIED_MG_PER_DAY", "OVERDOSE_PLASMA_NG_PER_ML", "USUAL_PLASMA_RANGE_NG_PER_ML"]

# "Therapeutic" serum range quoted by a reference laboratory (NMS Labs; lab guidance, not trial data).
USUAL_PLASMA_RANGE_NG_PER_ML = (80.0, 400.0)
OVERDOSE_PLASMA_NG_PER_ML = 700.0  # start of the plasma range reported in intoxication (review, [S])
MAX_STUDIED_MG_PER_DAY = 300.0  # highest oral doses studied (Simon 2018, 30-300 mg/day)
