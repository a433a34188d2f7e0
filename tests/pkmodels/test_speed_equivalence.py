"""The fast paths give the numbers of the straightforward ones (issue 15).

Batched matrix exponential against scipy; the block-output engine against an mpmath reference and against
step-by-step propagation with scipy's expm; the population path (four PK rows, two PD sites, time-major,
optional numba kernel) against the population computed through ``model.simulate_arrays``; the stop run
continued from the therapy's end against simulating it on its own.  No timing assertions.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.linalg import expm

from pkmodels import _kernels, engine, pd, population
from pkmodels.compare import stop_now
from pkmodels.covariates import Patient
from pkmodels.events import EVENT_TOL_H
from pkmodels.expm import expm_batch
from pkmodels.filters import filter_coefficients
from pkmodels.model import individual_params, scenario_events, simulate_arrays, typical_params
from pkmodels.reference import solve_mpmath
from pkmodels.regimens import Failure, ITBolus, ITContinuous, OralDoses, OralTitration, Pump
from pkmodels.scenario import Scenario

H = 24.0


def _population_params(n: int = 40, seed: int = 3):
    sampled = population.sample_params(individual_params(Scenario()), Patient(), max(n, population.N_MIN), seed)
    return sampled.take(slice(0, n))


def _augmented(p, d: float) -> np.ndarray:
    a, b = engine.rate_matrix(p), engine.input_matrix(p)
    n, s = a.shape[1], b.shape[2]
    aug = np.zeros((a.shape[0], n + s, n + s))
    aug[:, :n, :n] = a * d
    aug[:, :n, n:] = b * d
    return aug


# ------------------------------------------------------------------------------------ matrix exponential


@pytest.mark.parametrize("d", [1 / 60, 5 / 60, 0.25, 1.0, 8.0, 24.0, 24.0 * 28])
def test_expm_batch_matches_scipy_on_the_model_matrices(d):
    aug = _augmented(_population_params(), d)
    ref = expm(aug)
    got = expm_batch(aug)
    normwise = np.abs(got - ref).max(axis=(1, 2)) / np.abs(ref).max(axis=(1, 2))
    assert normwise.max() < 5e-13


def test_expm_batch_edge_cases():
    assert np.array_equal(expm_batch(np.zeros((3, 4, 4))), np.broadcast_to(np.eye(4), (3, 4, 4)))
    nilpotent = np.array([[0.0, 1.0, 2.0], [0.0, 0.0, 3.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(expm_batch(nilpotent), expm(nilpotent), rtol=1e-15, atol=1e-15)
    rng = np.random.default_rng(0)
    mixed = rng.standard_normal((6, 5, 5)) * np.array([1e-3, 0.1, 1.0, 3.0, 20.0, 200.0])[:, None, None]
    ref = expm(mixed)
    got = expm_batch(mixed)
    for g, r in zip(got, ref, strict=True):
        assert np.abs(g - r).max() <= 1e-12 * np.abs(r).max()
    with pytest.raises(ValueError, match="square"):
        expm_batch(np.zeros((2, 3)))


# ------------------------------------------------------------------------------------------- engine

CASES = {
    "oral": Scenario(duration_h=3 * H, oral=(OralDoses(20, 8),)),
    "intrathecal": Scenario(
        duration_h=3 * H,
        intrathecal=(ITBolus(50, 2.0), ITContinuous(400, 0, 1.5 * H), ITContinuous(500, 1.5 * H)),
    ),
    "off-grid": Scenario(
        duration_h=2 * H,
        oral=(OralTitration(60, every_h=7.3),),
        intrathecal=(ITBolus(30, 1.13), ITContinuous(200, 3.7, 30.1)),
    ),
    "large dose": Scenario(duration_h=2 * H, oral=(OralDoses(400, 12),)),  # absorption split (retained site)
}


def _rel_err(x: np.ndarray, ref: np.ndarray) -> float:
    peak = np.abs(ref).max(axis=0)
    mask = np.abs(ref) > 1e-6 * peak
    return float((np.abs(x - ref)[mask] / np.abs(ref)[mask]).max())


@pytest.mark.parametrize("name", list(CASES))
def test_engine_within_1e_12_of_an_mpmath_reference(name):
    sc = CASES[name]
    p = individual_params(sc)
    ev = engine.absorbed(scenario_events(sc), p)
    a, b = engine.rate_matrix(p), engine.input_matrix(p)
    n = round(sc.duration_h / sc.step_h) + 1
    ref, idx = solve_mpmath(a[0], ev, 0.0, sc.step_h, n, inputs=b[0], every=23, dps=30)
    out, x_end = engine.solve_linear(a, ev, 0.0, sc.step_h, n, inputs=b)
    assert _rel_err(out[0, idx], ref) < 1e-12
    np.testing.assert_allclose(x_end[0], ref[-1], rtol=1e-12, atol=1e-12 * np.abs(ref[-1]).max())


def _step_by_step(a, events, t_start, step, n_times, b_in, x0=None):
    """The plain algorithm: scipy expm per interval, one step per grid point (no tables, no blocks)."""
    n_pat, n = a.shape[:2]
    s = b_in.shape[2]
    times = t_start + step * np.arange(n_times)
    x = np.zeros((n_pat, n)) if x0 is None else x0.copy()
    out = np.empty((n_pat, n_times, n))
    bps, jumps = engine.breakpoints(events, t_start, float(times[-1]))

    def go(d, r):
        nonlocal x
        if d <= 1e-12:
            return
        aug = np.zeros((n_pat, n + s, n + s))
        aug[:, :n, :n] = a * d
        aug[:, :n, n:] = b_in * d
        e = expm(aug)
        x = np.einsum("pab,pb->pa", e[:, :n, :n], x) + np.einsum("pab,b->pa", e[:, :n, n:], r)

    k = 0
    for i, (t0, t1) in enumerate(itertools.pairwise(bps)):
        x = x + np.einsum("pab,b->pa", b_in, jumps[i])
        r = engine.input_rates(events, t0, t1)
        t = t0
        while k < n_times - 1 and times[k] < t1 - EVENT_TOL_H:
            go(times[k] - t, r)
            t = times[k]
            out[:, k] = x
            k += 1
        go(t1 - t, r)
    x = x + np.einsum("pab,b->pa", b_in, jumps[-1])
    out[:, -1] = x
    return out, x


@pytest.mark.parametrize("name", ["off-grid", "intrathecal"])
def test_block_output_matches_step_by_step_propagation(name):
    sc = CASES[name]
    p = _population_params(6)
    ev = engine.absorbed(scenario_events(sc), p)
    a, b = engine.rate_matrix(p), engine.input_matrix(p)
    n = round(sc.duration_h / sc.step_h) + 1
    ref, ref_end = _step_by_step(a, ev, 0.0, sc.step_h, n, b)
    for block in (1, 7, None):
        out, x_end = engine.solve_linear(a, ev, 0.0, sc.step_h, n, inputs=b, block=block)
        for i in range(a.shape[0]):
            assert _rel_err(out[i], ref[i]) < 1e-11
        np.testing.assert_allclose(x_end, ref_end, rtol=1e-11, atol=1e-11 * np.abs(ref_end).max())


def test_reduced_state_gives_the_same_observed_values():
    sc = CASES["off-grid"]
    p = _population_params(5)
    ev = engine.absorbed(scenario_events(sc), p)
    a, b = engine.rate_matrix(p), engine.input_matrix(p)
    obs = engine.observation_matrix(p, ("plasma", "csf_lumbar", "ce_legs"))
    n = round(sc.duration_h / sc.step_h) + 1
    full = engine.solve_observed(a, ev, 0.0, sc.step_h, n, inputs=b, observe=obs)
    reduced = engine.solve_observed(a, ev, 0.0, sc.step_h, n, inputs=b, observe=obs, full_state=False)
    assert reduced.states.size < engine.N_STATES  # the arms' cord and the eliminated drug are left out
    np.testing.assert_allclose(reduced.values, full.values, rtol=1e-12, atol=1e-13 * np.abs(full.values).max())
    np.testing.assert_allclose(reduced.state, full.state[:, reduced.states], rtol=1e-12, atol=1e-300)
    with pytest.raises(ValueError, match="kept only"):
        reduced.full_state()


def test_cache_is_shared_and_bounded_in_bytes(monkeypatch):
    sc = CASES["oral"]
    p = _population_params(30)
    ev = scenario_events(sc)
    a = engine.rate_matrix(p)
    n = round(sc.duration_h / sc.step_h) + 1
    engine.clear_cache()
    first, _ = engine.solve_linear(a, ev, 0.0, sc.step_h, n, observe=(engine.PLASMA,))
    assert engine.cache_info()["entries"] == 1  # any batch size is kept (the old cache skipped > 16)
    again, _ = engine.solve_linear(a, ev.scaled(2.0), 0.0, sc.step_h, n, observe=(engine.PLASMA,))
    assert engine.cache_info()["entries"] == 1  # same matrices: same propagators
    np.testing.assert_allclose(again, 2.0 * first, rtol=1e-13, atol=0)
    monkeypatch.setattr(engine, "CACHE_BYTES", 1)
    engine.solve_linear(engine.rate_matrix(_population_params(7, 9)), ev, 0.0, sc.step_h, n)
    assert engine.cache_info()["entries"] == 1  # over the bound: only the newest stays
    engine.clear_cache()
    assert engine.cache_info() == {"entries": 0, "bytes": 0}


def test_unshared_solves_leave_the_cache_alone_and_give_the_same_values():
    sc = CASES["intrathecal"]
    a = engine.rate_matrix(_population_params(12))
    ev = scenario_events(sc)
    n = round(sc.duration_h / sc.step_h) + 1
    engine.clear_cache()
    with engine.unshared_propagators():
        private, _ = engine.solve_linear(a, ev, 0.0, sc.step_h, n)
    assert engine.cache_info()["entries"] == 0
    shared, _ = engine.solve_linear(a, ev, 0.0, sc.step_h, n)
    assert engine.cache_info()["entries"] == 1  # outside the block the cache is used again
    np.testing.assert_array_equal(private, shared)


def test_a_population_beyond_the_dashboards_sizes_keeps_no_propagators(monkeypatch):
    sc = Scenario(duration_h=48.0, oral=(OralDoses(20.0, 8.0),))
    engine.clear_cache()
    small = population.simulate_population(sc, 60, 5, 30.0, chunk_size=20)
    held = engine.cache_info()["entries"]
    assert held >= 3  # one entry per chunk (plus the prior-therapy stretch's, if any)
    monkeypatch.setattr(population, "N_MAX", 50)  # 60 patients are now a library run
    engine.clear_cache()
    big = population.simulate_population(sc, 60, 5, 30.0, chunk_size=20, max_n=population.N_LIBRARY_MAX)
    assert engine.cache_info()["entries"] == 0
    for out, bands in small.bands.items():
        for q, values in bands.items():
            np.testing.assert_array_equal(big.bands[out][q], values, err_msg=f"{out} p{q}")


# ------------------------------------------------------------------------------------------------ PD


def test_stacked_and_time_major_filters_equal_one_filter_at_a_time():
    rng = np.random.default_rng(1)
    times = 0.25 * np.arange(400)
    us = [rng.random((30, times.size)) for _ in range(3)]
    taus = [rng.uniform(2, 50, 30), 7.0, rng.uniform(100, 3000, 30)]
    y0s = [rng.random(30), 0.3, 0.0]
    one = [pd.first_order_filter(u, times, t, y) for u, t, y in zip(us, taus, y0s, strict=True)]
    stacked = pd.first_order_filters(us, times, taus, y0s)
    time_major = pd.first_order_filters([np.ascontiguousarray(u.T).T for u in us], times, taus, y0s)
    for a, b, c in zip(one, stacked, time_major, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-14, atol=1e-15)
        np.testing.assert_allclose(c, a, rtol=1e-14, atol=1e-15)
    # the loop and lfilter agree (one rate for every row takes lfilter)
    u = rng.random((12, times.size))
    same_tau = pd.first_order_filter(u, times, np.full(12, 9.0))
    loop = pd.first_order_filter(u, times, np.full(12, 9.0) * (1 + 1e-15 * np.arange(12)))
    np.testing.assert_allclose(loop, same_tau, rtol=1e-12)


def test_uniform_28_day_5_minute_grid_takes_the_recurrence_not_a_python_loop():
    times = 5.0 / 60.0 * np.arange(28 * 288 + 1)
    a, _, _ = filter_coefficients(times, 120.0, 1)
    assert a.shape == (1, 1)  # one decay factor: lfilter, not a loop over 8065 points


# ---------------------------------------------------------------------------------------- population

POPULATION_CASES = {
    "oral": Scenario(duration_h=3 * H, oral=(OralDoses(20.0, 8.0),)),
    "intrathecal": Scenario(duration_h=2 * H, intrathecal=(ITContinuous(400.0),)),
    "opioid, prior therapy": Scenario(
        duration_h=2 * H, oral=(OralDoses(30.0, 8.0),), comedication="opioid", prior_therapy_days=20
    ),
    "large dose": Scenario(duration_h=2 * H, oral=(OralDoses(300.0, 12.0),)),
}


def _reference_population(sc: Scenario, n: int, seed: int, step_min: float):
    """The population as before the rewrite: every readout through simulate_arrays, then the same percentiles."""
    params = population.sample_params(typical_params(sc), sc.patient, n, seed)
    r = simulate_arrays(
        params, scenario_events(sc), sc.duration_h, step_min / 60.0,
        prior_h=sc.prior_therapy_days * 24.0, settings=sc.pd_settings, prior_step_h=population.PRIOR_STEP_H,
    )  # fmt: skip
    bands = {
        out: population._percentiles_of_rows(np.ascontiguousarray(r.column(key).T, dtype=np.float32))
        for out, key in population.BAND_OUTPUTS.items()
    }
    t = r.times_h
    summary = {
        "plasma_cavg_ng_per_ml": population.mean_over_last(t, r.plasma_ng_per_ml, 24.0),
        "plasma_cmax_ng_per_ml": r.plasma_ng_per_ml.max(axis=-1),
        "relief_mean_last_24h_ashworth": population.mean_over_last(t, r.pd.spasticity_relief_ashworth, 24.0),
        "sedation_peak_stage": r.pd.sedation_stage.max(axis=-1),
        "withdrawal_peak_stage": r.pd.withdrawal_stage.max(axis=-1),
        "withdrawal_onset_h": population.first_time_at_or_above(t, r.pd.withdrawal_stage, 2),
    }
    return bands, summary


def _assert_same_population(res, bands, summary, rtol=1e-11):
    for out, by_p in bands.items():
        for q, ref in by_p.items():
            # float32 storage: a value that moved by rounding can land on the neighbouring float32
            np.testing.assert_allclose(res.bands[out][q], ref, rtol=1e-6, atol=1e-30, err_msg=f"{out} p{q}")
    for key, ref in summary.items():
        got = getattr(res, key)
        if ref.dtype.kind == "f":
            np.testing.assert_allclose(got, ref, rtol=rtol, atol=1e-13, err_msg=key)
        else:
            np.testing.assert_array_equal(got, ref, err_msg=key)


@pytest.fixture(params=["numpy", "numba"])
def kernel(request, monkeypatch):
    if request.param == "numba" and not _kernels.NUMBA_AVAILABLE:
        pytest.skip("numba is not installed (optional: the 'fast' extra); the numpy path is tested")
    monkeypatch.setenv("PKMODELS_NUMBA", "1" if request.param == "numba" else "0")
    assert _kernels.numba_enabled() == (request.param == "numba")
    return request.param


@pytest.mark.parametrize("name", list(POPULATION_CASES))
def test_population_equals_the_simulate_arrays_path(name, kernel):
    sc = POPULATION_CASES[name]
    res = population.simulate_population(sc, 60, seed=5, step_min=15.0, chunk_size=25)
    bands, summary = _reference_population(sc, 60, 5, 15.0)
    _assert_same_population(res, bands, summary)


def test_numba_and_numpy_paths_are_identical(monkeypatch):
    if not _kernels.NUMBA_AVAILABLE:
        pytest.skip("numba is not installed")
    sc = POPULATION_CASES["opioid, prior therapy"]
    monkeypatch.setenv("PKMODELS_NUMBA", "0")
    a = population.simulate_population(sc, 50, seed=2)
    monkeypatch.setenv("PKMODELS_NUMBA", "1")
    b = population.simulate_population(sc, 50, seed=2)
    for out in a.bands:
        for q in a.bands[out]:
            np.testing.assert_array_equal(a.bands[out][q], b.bands[out][q])
    np.testing.assert_array_equal(a.relief_mean_last_24h_ashworth, b.relief_mean_last_24h_ashworth)


STOP_CASES = {
    "oral 3 days": (Scenario(duration_h=3 * H, oral=(OralDoses(20.0, 8.0),)), True),
    "intrathecal with prior therapy": (
        Scenario(duration_h=2 * H, intrathecal=(ITContinuous(300.0),), prior_therapy_days=10),
        True,
    ),
    "both routes": (Scenario(duration_h=2 * H, oral=(OralDoses(25.0, 8.0),), intrathecal=(ITContinuous(200.0),)), True),
    "duration off the 1-h grid": (Scenario(duration_h=30.5, oral=(OralDoses(20.0, 8.0),)), False),
    "doses out of phase": (Scenario(duration_h=20.0, oral=(OralDoses(20.0, 8.0),)), False),
    "pump runs empty": (
        Scenario(duration_h=3 * H, intrathecal=(ITContinuous(400.0),), pump=Pump(500.0, 1.5)),
        False,
    ),
    "catheter failure": (Scenario(duration_h=3 * H, intrathecal=(ITContinuous(400.0),), failure=Failure(40.0)), False),
}


@pytest.mark.parametrize("name", list(STOP_CASES))
def test_stop_run_continued_from_the_therapy_equals_simulating_it(name, kernel):
    sc, continued = STOP_CASES[name]
    stop = stop_now(sc)
    step = 15.0
    params = population.sample_params(typical_params(sc), sc.patient, 50, 4)
    run = population._Run(sc, params, 4, step, 20)
    follow = population._Run(stop, population.sample_params(typical_params(stop), stop.patient, 50, 4), 4, 60.0, 20)
    assert (population._continuation_subsample(run, follow) is not None) == continued
    therapy, stopped = population.simulate_population_and_stop(sc, stop, 50, 4, step, 60.0, chunk_size=20)
    a = population.simulate_population(sc, 50, 4, step, chunk_size=20)
    b = population.simulate_population(stop, 50, 4, 60.0, chunk_size=20)
    for ref, got in ((a, therapy), (b, stopped)):
        bands = {out: dict(by_p) for out, by_p in ref.bands.items()}
        summary = {k: getattr(ref, k) for k in ("plasma_cavg_ng_per_ml", "withdrawal_onset_h", "withdrawal_peak_stage")}
        summary["relief_mean_last_24h_ashworth"] = ref.relief_mean_last_24h_ashworth
        _assert_same_population(got, bands, summary, rtol=1e-10)
        assert got.fractions == ref.fractions


def test_population_beyond_the_dashboard_limit_keeps_patient_identity():
    typical = individual_params(Scenario())
    small = population.sample_params(typical, Patient(), population.N_MAX, 8)
    large = population.sample_params(typical, Patient(), population.N_MAX + 500, 8, max_n=population.N_LIBRARY_MAX)
    np.testing.assert_array_equal(large.take(slice(0, population.N_MAX)).vc_l, small.vc_l)
    with pytest.raises(ValueError, match="from 50 to 2000"):
        population.check_n(population.N_MAX + 1)


# ------------------------------------------------------------------------------------- parameters as arrays
def test_parameters_as_arrays_are_computed_once_per_length_and_cannot_be_changed_by_a_caller():
    from pkmodels.parameters import default_params

    p = default_params()
    one = p.as_arrays(1)
    assert p.as_arrays(1) is one  # asked for again: the same arrays
    assert one.as_arrays(1) is one
    three = p.as_arrays(3)
    assert three.n_patients == 3
    assert three.as_arrays() is three
    for (name, value), (_, arr) in zip(p.items(), three.items(), strict=True):
        np.testing.assert_array_equal(arr, np.full(3, float(value)), err_msg=name)
    with pytest.raises(ValueError, match="read-only"):
        three.vc_l[0] = 1.0
    given = np.array([10.0, 20.0, 30.0])
    mixed = p.replace(vc_l=given).as_arrays()
    assert mixed.vc_l is given  # arrays of the right length are used as they are, as before
