"""Heavy runs in a worker process: results come back unchanged, and runs that take too long or too much
memory end with a clear error while the runner keeps working."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from dashboard.runner import BoundedRunner, RunFailed, RunTimeout, RunTooBig, is_heavy, work_units
from pkmodels.model import simulate
from pkmodels.regimens import ITContinuous, OralDoses
from pkmodels.scenario import Scenario


def _table(scenario: Scenario) -> pd.DataFrame:
    return simulate(scenario).table


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def _allocate(mb: int) -> int:
    block = np.ones(mb * 1024 * 1024 // 8)
    return int(block.size)


def _fail() -> None:
    raise ValueError("secret detail that must not reach the browser")


@pytest.fixture(scope="module")
def runner():
    r = BoundedRunner(workers=1, timeout_s=20.0, memory_mb=700)
    yield r
    r.close()


def test_a_worker_run_gives_the_same_table_as_in_process(runner):
    s = Scenario(duration_h=48, oral=(OralDoses(20, 8),), intrathecal=(ITContinuous(200),))
    pd.testing.assert_frame_equal(runner.call(_table, s), _table(s))


def test_a_run_past_its_time_is_killed_and_the_next_run_works():
    r = BoundedRunner(workers=1, timeout_s=1.5, memory_mb=700)
    try:
        r.call(_sleep, 0.0)  # warm worker: the limit then measures the run, not the start
        t0 = time.monotonic()
        with pytest.raises(RunTimeout, match=r"more than 1\.5 s"):
            r.call(_sleep, 30.0)
        assert time.monotonic() - t0 < 6.0  # killed, not waited for
        assert r.call(_sleep, 0.01) == 0.01  # a fresh worker took over
        assert r.stats().timeouts == 1
        assert r.stats().restarts == 1
    finally:
        r.close()


def test_a_run_past_its_memory_fails_cleanly(runner):
    with pytest.raises(RunTooBig, match="700 MB"):
        runner.call(_allocate, 2000)
    assert runner.call(_allocate, 10) == 10 * 1024 * 1024 // 8


def test_an_error_in_the_worker_shows_a_fixed_message(runner):
    with pytest.raises(RunFailed) as info:
        runner.call(_fail)
    assert "secret" not in str(info.value)
    assert str(info.value) == "the run failed"


def test_heavy_means_large_scenarios_only():
    assert not is_heavy(Scenario())
    assert not is_heavy(Scenario(duration_h=24 * 28, output_step_min=15, prior_therapy_days=90,
                                 oral=(OralDoses(20, 8),)))  # fmt: skip
    biggest = Scenario(duration_h=24 * 700, output_step_min=60, prior_therapy_days=700, oral=(OralDoses(1, 0.5),))
    assert is_heavy(biggest)
    assert work_units(biggest) > 10 * work_units(Scenario())


def test_the_pages_heavy_runs_go_to_the_worker_and_stop_at_its_limit(monkeypatch):
    """ui.run sends a heavy scenario to the bounded runner (here with a 0.5 s limit: it times out with the
    runner's fixed message) and keeps light scenarios in process (they finish)."""
    import dashboard.runner as runner_module
    from dashboard import ui

    tight = BoundedRunner(workers=1, timeout_s=0.5, memory_mb=700)
    monkeypatch.setattr(runner_module, "_DEFAULT", tight)
    monkeypatch.setattr(ui, "_RESULTS", type(ui._RESULTS)(max_bytes=50 * 1024 * 1024))
    try:
        heavy = Scenario(duration_h=24 * 700, output_step_min=60, prior_therapy_days=700, oral=(OralDoses(1, 0.5),))
        with pytest.raises(RunTimeout):
            ui.run(heavy)
        assert tight.stats().timeouts == 1
        light = Scenario(duration_h=24, oral=(OralDoses(10),))
        assert len(ui.run(light)) == light.n_points
        assert tight.stats().calls == 1  # the light run never went to the worker
    finally:
        tight.close()
