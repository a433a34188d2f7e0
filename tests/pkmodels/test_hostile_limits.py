"""Hostile scenarios, each run with its own time and memory limit: a hang or a memory bomb is a failure, not a
stuck CI.

Every example mutates a valid scenario that uses every kind of entry: one to three of its values (found at any
depth: top level, patient, entries, a flex schedule, pump, failure, parameters) become a list, an object, a huge
or tiny number, a huge integer, odd text or a wrong type.  Each example runs ``scenario_from_json`` and then
``simulate`` in a forked child with an address-space limit (1.5 GB) and an alarm (20 s): the child must end with
a result or a :class:`~pkmodels.scenario.ScenarioError`.  Anything else -- another exception, a kill by the
alarm or by the memory limit -- fails the test with the example.
"""

from __future__ import annotations

import copy
import json
import os
import resource
import signal
import traceback

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pkmodels.model import simulate
from pkmodels.scenario import ScenarioError, scenario_from_json

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")

BASE = {
    "version": 1,
    "title": "every kind of entry",
    "duration_h": 48,
    "output_step_min": 30,
    "prior_therapy_days": 3,
    "catheter_tip": "T10",
    "patient": {"weight_kg": 70, "age_y": 40, "sex": "female", "comedication": "opioid", "baseline_ashworth": 3},
    "parameters": {"ka_per_h": 1.5},
    "oral": [
        {"dose_mg": 10, "every_h": 8},
        {"kind": "taper", "from_mg": 20, "step_mg": 5},
        {"kind": "titration", "target_mg_per_day": 60, "step_mg": 5},
    ],
    "intrathecal": [
        {"rate_ug_per_day": 200},
        {"kind": "flex", "schedule": [{"clock_h": 0, "rate_ug_per_day": 100}, {"clock_h": 8, "rate_ug_per_day": 300}]},
        {"kind": "taper", "from_ug_per_day": 200, "step_percent": 10},
        {"kind": "bolus", "bolus_ug": 50},
        {"kind": "titration", "from_ug_per_day": 50, "target_ug_per_day": 300},
        {"kind": "periodic_bolus", "bolus_ug": 20, "every_h": 6},
    ],
    "pump": {"concentration_ug_per_ml": 500, "reservoir_ml": 20},
    "failure": {"at_h": 24},
}

HOSTILE = st.one_of(
    st.sampled_from([
        [1], {"a": 1}, [[[[1]]]], {"kind": ["taper"]}, [], {}, None, True, False,
        10**400, -(10**400), 2**63, 1e-300, -1e-300, 1e308, 5e-324, 0, -1, 0.5, 1e9,
        "x", "T10", "none", "é" * 3000, "\u0000", "\ud800x", "NaN", "1e999", [[0, 100]],
    ]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(10**30), 10**30),
    st.text(max_size=12),
)  # fmt: skip


def _paths(node, prefix=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield (*prefix, k)
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield (*prefix, i)
            yield from _paths(v, (*prefix, i))


PATHS = list(_paths(BASE))


@st.composite
def hostile_scenarios(draw):
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        target = data
        try:
            for k in path[:-1]:
                target = target[k]
            target[path[-1]] = draw(HOSTILE)
        except (KeyError, IndexError, TypeError):  # an earlier mutation replaced a container on this path
            pass
    return data


def _run_limited(text: bytes, seconds: int = 20, memory_gb: float = 1.5) -> tuple[str, str]:
    """("ok" | "error" | "escape" | "killed", detail) of parsing and simulating ``text`` in a forked child."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: limits, work, one line back, exit without running the parent's atexit handlers
        os.close(read_fd)
        status, detail = "ok", ""
        try:
            limit = int(memory_gb * 1024**3)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            signal.alarm(seconds)
            simulate(scenario_from_json(text))
        except ScenarioError:
            status = "error"
        except BaseException:
            status, detail = "escape", traceback.format_exc(limit=4)[-600:]
        os.write(write_fd, f"{status}\n{detail}".encode("utf-8", "replace"))
        os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as fh:
        out = fh.read().decode("utf-8", "replace")
    _, wait_status = os.waitpid(pid, 0)
    if not out:
        return "killed", f"child ended with wait status {wait_status} (alarm or memory limit)"
    status, _, detail = out.partition("\n")
    return status, detail


def test_the_base_scenario_runs_within_the_limits():
    assert _run_limited(json.dumps(BASE).encode())[0] == "ok"


def test_a_bomb_is_refused_not_run():
    """The tiny-step taper of the issue (a 79-byte file that once built 10^303 levels) ends as a ScenarioError."""
    bomb = {"version": 1, "duration_h": 240, "oral": [{"kind": "taper", "from_mg": 20, "step_mg": 1e-300}]}
    assert _run_limited(json.dumps(bomb).encode()) == ("error", "")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_scenarios())
def test_hostile_scenarios_end_cleanly_within_their_limits(data):
    try:
        text = json.dumps(data).encode("utf-8", "surrogatepass")
    except (ValueError, TypeError):  # not expressible as JSON text: nothing to send
        return
    status, detail = _run_limited(text)
    assert status in ("ok", "error"), f"{status}: {detail}\nscenario: {text[:400]!r}"
