"""The spinal canal as a chain of CSF segments: where each vertebral level lies, and how a point on the spine
(a catheter tip, a sampling site, a cord region) maps onto the segments.

Geometry (adult; children are scaled in volume, see :mod:`pkmodels.covariates`): the spinal subarachnoid space
runs about 61 cm from the foramen magnum to the end of the dural sac at S2 (Sincomb 2022: ~60 cm).  Vertebral
levels sit at the mid-points of their bodies, from Gray's regional lengths (cervical 12.5 cm for 7 levels,
thoracic 28 cm for 12, lumbar 18 cm for 5) [D].  The canal is cut into :data:`N_SEGMENTS` equal segments of
CSF; each holds the same volume because the cross-section is nearly uniform (95 mL over 61 cm, Chen 2017; the
lumbosacral part, T12-S2, is then 36 mL, as the MRI study PMID 17056974 measured).

A point between two segment centres is shared between them in proportion to its distance (linear
interpolation, the "hat" functions of a finite-volume chain), so moving a catheter tip by one level moves the
dose smoothly rather than in jumps, and a sampling site reads the interpolated concentration.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "ARMS_SITE_CM",
    "CANAL_LENGTH_CM",
    "CATHETER_LEVELS",
    "DEFAULT_TIP",
    "LEGS_SITE_CM",
    "LEVEL_CM",
    "N_SEGMENTS",
    "SAMPLING_CM",
    "SEGMENT_CENTRES_CM",
    "SEGMENT_LENGTH_CM",
    "SEGMENT_NAMES",
    "level_cm",
    "point_weights",
    "segment_of",
]

CANAL_LENGTH_CM = 61.0  # foramen magnum to the end of the dural sac (S2)


def _levels() -> dict[str, float]:
    """Mid-vertebral-body position (cm below the foramen magnum) of each level, C1 to L5 [D]."""
    out: dict[str, float] = {}
    top = 0.0
    for prefix, count, length in (("C", 7, 12.5), ("T", 12, 28.0), ("L", 5, 18.0)):
        step = length / count
        for k in range(1, count + 1):
            out[f"{prefix}{k}"] = round(top + (k - 0.5) * step, 2)
        top += length
    return out


LEVEL_CM: dict[str, float] = _levels()
# Catheter tips the scenario format accepts, from the lowest (L4) to the highest (C2).
CATHETER_LEVELS: tuple[str, ...] = (
    *(f"L{k}" for k in range(4, 0, -1)),
    *(f"T{k}" for k in range(12, 0, -1)),
    *(f"C{k}" for k in range(7, 1, -1)),
)
DEFAULT_TIP = "T10"  # the usual tip for leg spasticity (Heetla 2016: tip at Th10)

N_SEGMENTS = 8
SEGMENT_LENGTH_CM = CANAL_LENGTH_CM / N_SEGMENTS
SEGMENT_CENTRES_CM: np.ndarray = (np.arange(N_SEGMENTS) + 0.5) * SEGMENT_LENGTH_CM
# Named by the vertebral levels each holds (top to bottom).
SEGMENT_NAMES: tuple[str, ...] = ("C1-C4", "C5-T1", "T2-T4", "T5-T8", "T9-T11", "T12-L1", "L2-L3", "L4-S2")

# Where the result columns are read (cm below the foramen magnum).
SAMPLING_CM: dict[str, float] = {
    "lumbar": round((LEVEL_CM["L3"] + LEVEL_CM["L4"]) / 2, 2),  # the lumbar-puncture site, L3-L4 interspace
    "thoracic": LEVEL_CM["T6"],
    "cervical": LEVEL_CM["C5"],
}
# Cord regions whose GABA-B receptors set spasticity: the lumbosacral enlargement (legs; cord segments L1-S2 lie
# behind vertebrae T10-L1, centred near T12) and the cervical enlargement (arms; cord C5-T1 behind C4-C7).
LEGS_SITE_CM = LEVEL_CM["T12"]
ARMS_SITE_CM = round((LEVEL_CM["C5"] + LEVEL_CM["C6"]) / 2, 2)


def level_cm(level: str) -> float:
    """Position of a vertebral level (``"T10"``) in cm below the foramen magnum (KeyError if unknown)."""
    return LEVEL_CM[level]


def point_weights(x_cm: np.ndarray | float) -> np.ndarray:
    """Share of each segment in a point at ``x_cm`` (shape (..., N_SEGMENTS), each row summing to 1).

    Between two segment centres the point is split linearly between them; above the first centre or below the
    last it belongs to that end segment.
    """
    x = np.clip(np.asarray(x_cm, dtype=float), SEGMENT_CENTRES_CM[0], SEGMENT_CENTRES_CM[-1])
    i = np.clip(np.floor(x / SEGMENT_LENGTH_CM - 0.5).astype(int), 0, N_SEGMENTS - 2)
    frac = (x - SEGMENT_CENTRES_CM[i]) / SEGMENT_LENGTH_CM
    w = np.zeros((*x.shape, N_SEGMENTS))
    np.put_along_axis(w, i[..., None], (1.0 - frac)[..., None], axis=-1)
    np.put_along_axis(w, (i + 1)[..., None], frac[..., None], axis=-1)
    return w


def segment_of(x_cm: float) -> int:
    """Index of the segment that holds the point ``x_cm`` (0 = C1-C4 at the top)."""
    return int(np.clip(x_cm // SEGMENT_LENGTH_CM, 0, N_SEGMENTS - 1))
