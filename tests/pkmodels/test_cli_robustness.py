"""Hostile scenario files at `python -m pkmodels run`: never a traceback, exit 0 or 2, one line on error.

The property tests call `pkmodels.cli.main` in-process (the same code path as `python -m pkmodels`) so that
500+ files take seconds; one subprocess test checks the real entry point with hostile bytes.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pkmodels.cli import main

HOSTILE_NUMBERS = st.one_of(
    st.sampled_from([0, -1, -1e308, 1e308, 1e-320, 2**63, -(2**63), 0.5, 3, 24, 72, 400, 20, 8, 1.5]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(10**20), 10**20),
)
HOSTILE_SCALARS = st.one_of(
    HOSTILE_NUMBERS,
    st.none(),
    st.booleans(),
    st.text(max_size=20),
    st.sampled_from(["NaN", "Infinity", "1e999", "__import__('os')", "<script>", "\u0000"]),
)
ORAL_KEYS = [
    "kind",
    "dose_mg",
    "every_h",
    "start_h",
    "stop_h",
    "at_h",
    "target_mg_per_day",
    "from_mg",
    "step_percent",
    "step_mg",
    "step_every_days",
    "end_percent",
    "max_mg_per_day",
    "start_mg",
    "bogus",
]
IT_KEYS = [
    "kind",
    "bolus_ug",
    "at_h",
    "rate_ug_per_day",
    "start_h",
    "stop_h",
    "every_h",
    "schedule",
    "from_ug_per_day",
    "target_ug_per_day",
    "step_percent",
    "step_ug_per_day",
    "step_every_days",
    "bogus",
]


def entries(keys: list[str]) -> st.SearchStrategy:
    return st.lists(st.dictionaries(st.sampled_from(keys), HOSTILE_SCALARS, max_size=6), max_size=4)


scenarios = st.fixed_dictionaries(
    {"version": st.sampled_from([1, 1, 1, 2, "1", None])},
    optional={
        "duration_h": st.one_of(st.sampled_from([1, 24, 72, 500, 3000]), HOSTILE_SCALARS),
        "output_step_min": st.one_of(st.sampled_from([1, 5, 15, 60]), HOSTILE_SCALARS),
        "prior_therapy_days": st.one_of(st.sampled_from([0, 1, 30, 400]), HOSTILE_SCALARS),
        "patient": st.dictionaries(
            st.sampled_from(
                [
                    "weight_kg",
                    "age_y",
                    "crcl_ml_per_min",
                    "baseline_ashworth",
                    "comedication",
                    "comedication_intensity",
                    "sex",
                    "serum_creatinine_mg_per_dl",
                    "baseline_ashworth_upper_limb",
                    "x",
                ]
            ),
            HOSTILE_SCALARS,
            max_size=5,
        ),
        "oral": st.one_of(entries(ORAL_KEYS), HOSTILE_SCALARS),
        "intrathecal": st.one_of(entries(IT_KEYS), HOSTILE_SCALARS),
        "pump": st.dictionaries(
            st.sampled_from(["concentration_ug_per_ml", "reservoir_ml", "filled_at_h", "y"]),
            HOSTILE_SCALARS,
            max_size=3,
        ),
        "failure": st.dictionaries(st.sampled_from(["at_h", "restart_h"]), HOSTILE_SCALARS, max_size=2),
        "parameters": st.dictionaries(
            st.sampled_from(
                ["ka_per_h", "csf_dispersion_cm2_per_h", "tau_adapt_slow_days", "ke0_spinal_per_h", "nope"]
            ),
            HOSTILE_SCALARS,
            max_size=2,
        ),
        "catheter_tip": st.one_of(st.sampled_from(["T10", "C2", "L4", "L5", "T99", "t10", ""]), HOSTILE_SCALARS),
        "title": HOSTILE_SCALARS,
        "extra": HOSTILE_SCALARS,
    },
)


BASE = {
    "version": 1,
    "duration_h": 48,
    "output_step_min": 15,
    "prior_therapy_days": 3,
    "catheter_tip": "T8",
    "patient": {
        "weight_kg": 70,
        "sex": "female",
        "serum_creatinine_mg_per_dl": 1.1,
        "baseline_ashworth_upper_limb": 2,
        "comedication": "opioid",
    },
    "oral": [{"dose_mg": 20, "every_h": 8, "stop_h": 24}, {"kind": "taper", "from_mg": 10}],
    "intrathecal": [
        {"bolus_ug": 50, "at_h": 1},
        {"rate_ug_per_day": 400, "start_h": 2},
        {"kind": "flex", "schedule": [{"clock_h": 7, "rate_ug_per_day": 500}]},
    ],
    "pump": {"concentration_ug_per_ml": 500, "reservoir_ml": 2},
    "failure": {"at_h": 30, "restart_h": 40},
}
PATHS = [
    ("duration_h",),
    ("output_step_min",),
    ("prior_therapy_days",),
    ("patient", "weight_kg"),
    ("patient", "crcl_ml_per_min"),  # absent from BASE: the mutation adds it
    ("patient", "serum_creatinine_mg_per_dl"),
    ("patient", "sex"),
    ("patient", "baseline_ashworth_upper_limb"),
    ("catheter_tip",),
    ("patient", "age_y"),
    ("patient", "comedication"),
    ("oral", 0, "dose_mg"),
    ("oral", 0, "every_h"),
    ("oral", 1, "step_percent"),
    ("intrathecal", 0, "at_h"),
    ("intrathecal", 1, "rate_ug_per_day"),
    ("intrathecal", 2, "schedule"),
    ("pump", "reservoir_ml"),
    ("failure", "restart_h"),
    ("parameters",),
]


@st.composite
def mutated(draw: st.DrawFn) -> dict:
    """A valid scenario with one value replaced by a plausible or a hostile one."""
    data = json.loads(json.dumps(BASE))
    path = draw(st.sampled_from(PATHS))
    target = data
    for key in path[:-1]:
        target = target[key]
    plausible = st.sampled_from([0.5, 1, 2, 10, 100, 1000, "T6", "C2", "male", "L5"])
    target[path[-1]] = draw(st.one_of(plausible, plausible, HOSTILE_SCALARS))
    return data


def run_cli(tmp_path, text: str | bytes, capsys) -> tuple[int, str, str]:
    path = tmp_path / "s.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    code = main(["run", str(path), "--out", str(tmp_path / "r.csv")])
    out, err = capsys.readouterr()
    return code, out, err


def check(code: int, out: str, err: str) -> None:
    event(f"exit status {code}")
    assert code in (0, 2)
    assert "Traceback" not in err
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1
        assert lines[0].startswith("error: ")
        assert out == ""
    else:
        assert json.loads(out)["rows"] >= 1


def test_the_base_scenario_runs(tmp_path, capsys):
    """The mutations start from a valid scenario (so most of them probe one bad value at a time)."""
    code, out, err = run_cli(tmp_path, json.dumps(BASE), capsys)
    assert code == 0, err
    assert json.loads(out)["rows"] == 48 * 4 + 1


@settings(
    max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.one_of(mutated(), mutated(), scenarios))
def test_hostile_scenario_structures(tmp_path, capsys, data):
    check(*run_cli(tmp_path, json.dumps(data, allow_nan=True), capsys))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300)))
def test_hostile_bytes(tmp_path, capsys, blob):
    check(*run_cli(tmp_path, blob, capsys))


@pytest.mark.parametrize(
    "blob",
    [
        b"\x00\xff" * 10,
        b'{"version": 1, "oral": [{"dose_mg": 1e999}]}',
        b"[" * 50000,
        b'{"version": 1}' + b" " * 300000,
    ],
)
def test_real_entry_point(tmp_path, blob):
    path = tmp_path / "s.json"
    path.write_bytes(blob)
    proc = subprocess.run(
        [sys.executable, "-m", "pkmodels", "run", str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr
