"""Fixtures shared by the model tests."""

from __future__ import annotations

import pytest

from pkmodels.calibration import CALIBRATION
from pkmodels.observations import OBSERVATIONS
from pkmodels.validation import evaluate


@pytest.fixture(scope="session")
def validation_rows() -> dict[str, dict]:
    """pkmodels.validation.evaluate of both tables, once per session (it simulates each distinct scenario once):
    key -> row with the model value and the verdict."""
    return {r["key"]: r for r in evaluate((*CALIBRATION, *OBSERVATIONS))}
