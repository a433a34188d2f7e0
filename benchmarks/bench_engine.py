"""Engine benchmark: one patient, 28 days, 5-min grid; the exact engine against ODE integrators and peers.

Run by hand from the repository root::

    python benchmarks/bench_engine.py [--days 28] [--repeat 5] [--no-r]

Two problems (README "Tests and benchmarks"): oral 20 mg every 8 h, and intrathecal: a 50 ug bolus at 2 h and a
continuous infusion with 3 rate changes (400 ug/day from 0, 500 from day 7, 300 from day 14, 450 from day 21).
Rows, all in one process (R in a subprocess, timed inside R), each timed as the best of ``--repeat``:

- engine PK: :func:`pkmodels.engine.solve_linear`, every state; cold (propagator cache cleared) and warm;
- whole model: :func:`pkmodels.model.simulate` (PK, PD, result table), warm;
- ``solve_ivp`` LSODA at rtol 1e-8 (the reference the targets are ratios of) and at rtol 1e-12;
- libRoadRunner (CVODE, rtol 1e-8) on the exported SBML (:func:`pkmodels.sbml.scenario_to_sbml`), if installed;
- R deSolve ``lsoda`` (rtol 1e-8) and R ``expm::expm`` step-by-step propagation, via ``Rscript``, if installed.

Errors: largest relative error of plasma and lumbar CSF (where above 1e-6 of the peak) against an mpmath
reference (:func:`pkmodels.reference.solve_mpmath`, 30 digits) at every 12th grid point.  CPU times
(``time.process_time``) are printed beside wall times: on a shared machine CPU time is the steadier one.
Targets: whole model <= 0.1x one LSODA PK run (oral); engine error <= 1e-12.  No assertions.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from pkmodels import engine
from pkmodels.model import individual_params, scenario_events, simulate
from pkmodels.reference import solve_mpmath, solve_reference
from pkmodels.regimens import ITBolus, ITContinuous, OralDoses
from pkmodels.scenario import Scenario

STEP_MIN = 5


def best(fn: Callable[[], Any], repeat: int, before: Callable[[], None] | None = None) -> tuple[float, float, Any]:
    """Best wall and best CPU time (s) of ``repeat`` calls, and the last result."""
    wall, cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        if before is not None:
            before()
        gc.collect()
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall, cpu = min(wall, time.perf_counter() - w0), min(cpu, time.process_time() - c0)
    return wall, cpu, out


def cases(days: float) -> dict[str, Scenario]:
    h = days * 24.0
    q = h / 4.0
    it = (
        ITBolus(50.0, 2.0),
        ITContinuous(400.0, 0.0, q),
        ITContinuous(500.0, q, 2 * q),
        ITContinuous(300.0, 2 * q, 3 * q),
        ITContinuous(450.0, 3 * q),
    )
    return {
        "oral 20 mg q8h": Scenario(duration_h=h, output_step_min=STEP_MIN, oral=(OralDoses(20.0, 8.0),)),
        "IT, 3 rate changes": Scenario(duration_h=h, output_step_min=STEP_MIN, intrathecal=it),
    }


def rel_err(x: np.ndarray, ref: np.ndarray) -> float:
    peak = np.abs(ref).max(axis=0)
    mask = np.abs(ref) > 1e-6 * peak
    return float((np.abs(x - ref)[mask] / np.abs(ref)[mask]).max())


R_SCRIPT = r"""
suppressMessages({library(deSolve); library(expm); library(jsonlite)})
p <- fromJSON(commandArgs(TRUE)[1])
A <- as.matrix(p$a); n <- nrow(A); times <- p$times; reps <- p[["repeat"]]
cuts <- p$cuts; jumps <- as.matrix(p$jumps); rates <- as.matrix(p$rates)
run <- function(method) {
  x <- rep(0, n); out <- matrix(0, length(times), n); k <- 1; cache <- list()
  for (s in seq_len(length(cuts) - 1)) {
    x <- x + jumps[s, ]; u <- rates[s, ]; t0 <- cuts[s]; t1 <- cuts[s + 1]
    sel <- which(times >= t0 - 1e-9 & times < t1 - 1e-9)
    if (method == "lsoda") {
      tt <- unique(c(t0, pmax(times[sel], t0), t1))
      sol <- lsoda(x, tt, function(t, y, parms) list(A %*% y + u), NULL, rtol = 1e-8, atol = 1e-9,
                   jacfunc = function(t, y, parms) A, jactype = "fullusr")
      vals <- sol[, -1, drop = FALSE]
      if (length(sel)) out[sel, ] <- vals[match(pmax(times[sel], t0), tt), ]
      x <- vals[nrow(vals), ]
    } else {
      step <- function(x, d) {
        key <- sprintf("%.10f", d)
        if (is.null(cache[[key]])) {
          aug <- matrix(0, n + 1, n + 1); aug[1:n, 1:n] <- A * d; aug[1:n, n + 1] <- u * d
          cache[[key]] <<- expm(aug)
        }
        (cache[[key]] %*% c(x, 1))[1:n]
      }
      cache <- list(); tc <- t0
      for (i in sel) { x <- step(x, times[i] - tc); tc <- times[i]; out[i, ] <- x }
      x <- step(x, t1 - tc)
    }
  }
  x <- x + jumps[nrow(jumps), ]; out[length(times), ] <- x; out
}
res <- list()
for (m in c("lsoda", "expm")) {
  best <- Inf
  for (r in seq_len(reps)) {
    t0 <- proc.time()[["elapsed"]]; o <- run(m); best <- min(best, proc.time()[["elapsed"]] - t0)
  }
  res[[m]] <- list(seconds = best, plasma = o[p$sample + 1, ] %*% p$plasma, lumbar = o[p$sample + 1, ] %*% p$lumbar)
}
cat(toJSON(res, digits = NA))
"""


def r_peers(a: np.ndarray, b_in: np.ndarray, events: Any, n_times: int, step_h: float, sample: np.ndarray,
            obs: np.ndarray, repeat: int) -> dict[str, Any] | str:  # fmt: skip
    """deSolve lsoda and expm::expm on the same problem, timed inside R; a message if R is not installed."""
    if shutil.which("Rscript") is None:
        return "Rscript not found (apt-get install r-base-core r-cran-desolve r-cran-expm r-cran-jsonlite)"
    times = step_h * np.arange(n_times)
    cuts, jumps = engine.breakpoints(events, 0.0, float(times[-1]))
    rates = np.array([b_in @ engine.input_rates(events, s, e) for s, e in itertools.pairwise(cuts)])
    payload = {
        "a": a.tolist(), "times": times.tolist(), "cuts": cuts.tolist(), "jumps": (jumps @ b_in.T).tolist(),
        "rates": rates.tolist(), "repeat": repeat, "sample": sample.tolist(), "plasma": obs[0].tolist(),
        "lumbar": obs[1].tolist(),
    }  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        data, script = Path(tmp, "problem.json"), Path(tmp, "peer.R")
        data.write_text(json.dumps(payload))
        script.write_text(R_SCRIPT)
        proc = subprocess.run(["Rscript", str(script), str(data)], capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        return "R failed: " + " | ".join(proc.stderr.strip().splitlines()[-3:])
    return json.loads(proc.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=float, default=28.0)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-r", action="store_true", help="skip the R peers")
    args = ap.parse_args()
    rows: list[tuple[str, str, float, float, str]] = []
    notes: list[str] = []
    for name, sc in cases(args.days).items():
        p = individual_params(sc)
        ev = engine.absorbed(scenario_events(sc), p)
        a, b = engine.rate_matrix(p), engine.input_matrix(p)
        n_times = round(sc.duration_h / sc.step_h) + 1
        ref, idx = solve_mpmath(a[0], ev, 0.0, sc.step_h, n_times, inputs=b[0], every=12, dps=30)
        obs = engine.observation_matrix(p, ("plasma", "csf_lumbar"))[0]
        ref_obs = ref @ obs.T

        def err(states: np.ndarray, idx: np.ndarray = idx, obs: np.ndarray = obs, ref_obs: np.ndarray = ref_obs) -> str:
            return f"{rel_err(states[idx] @ obs.T, ref_obs):.1e}"

        def pk(a: np.ndarray = a, ev: Any = ev, b: np.ndarray = b, n: int = n_times, h: float = sc.step_h) -> Any:
            return engine.solve_linear(a, ev, 0.0, h, n, inputs=b)[0][0]

        w_lsoda, c_lsoda, lsoda = best(
            lambda a=a, ev=ev, b=b, n=n_times, h=sc.step_h: solve_reference(
                a[0], ev, 0.0, h, n, inputs=b[0], rtol=1e-8, atol=1e-9
            ),
            args.repeat,
        )
        rows.append((name, "solve_ivp LSODA rtol 1e-8 (reference)", w_lsoda, c_lsoda, err(lsoda)))
        w, c, tight = best(
            lambda a=a, ev=ev, b=b, n=n_times, h=sc.step_h: solve_reference(
                a[0], ev, 0.0, h, n, inputs=b[0], rtol=1e-12, atol=1e-16
            ),
            max(1, args.repeat // 2),
        )
        rows.append((name, "solve_ivp LSODA rtol 1e-12", w, c, err(tight)))
        w, c, out = best(pk, args.repeat, before=engine.clear_cache)
        rows.append((name, "engine PK, cold (cache cleared)", w, c, err(out)))
        w, c, out = best(pk, args.repeat)
        rows.append((name, "engine PK, warm", w, c, err(out)))
        w, c, _ = best(lambda sc=sc: simulate(sc), args.repeat)
        rows.append((name, "whole model (PK + PD + table), warm", w, c, "-"))
        w, c, _ = best(lambda sc=sc: simulate(sc), args.repeat, before=engine.clear_cache)
        rows.append((name, "whole model, cold", w, c, "-"))
        try:
            import roadrunner

            from pkmodels.sbml import scenario_to_sbml

            rr = roadrunner.RoadRunner(scenario_to_sbml(sc))
            rr.integrator.relative_tolerance = 1e-8
            rr.integrator.absolute_tolerance = 1e-9

            def run_rr(rr: Any = rr, h: float = sc.duration_h, n: int = n_times) -> Any:
                rr.reset()
                return rr.simulate(0.0, h, n, ["time", "[plasma]"])

            w, c, sim = best(run_rr, args.repeat)
            plasma_rr = np.asarray(sim)[:, 1]
            e_rr = f"{rel_err(plasma_rr[idx], ref_obs[:, 0]):.1e} (plasma)"
            rows.append((name, "libRoadRunner CVODE rtol 1e-8 (SBML)", w, c, e_rr))
        except ImportError:
            notes.append("libRoadRunner not installed: skipped")
        if not args.no_r:
            peers = r_peers(a[0], b[0], ev, n_times, sc.step_h, idx, obs, max(1, args.repeat // 2))
            if isinstance(peers, str):
                notes.append(peers)
            else:
                for key, label in (("lsoda", "R deSolve lsoda rtol 1e-8"), ("expm", "R expm::expm step by step")):
                    got = np.column_stack([np.ravel(peers[key]["plasma"]), np.ravel(peers[key]["lumbar"])])
                    e_r = f"{rel_err(got, ref_obs):.1e}"
                    rows.append((name, label, float(np.ravel(peers[key]["seconds"])[0]), float("nan"), e_r))
        whole = next(r for r in rows if r[0] == name and r[1].startswith("whole model (PK"))
        ratio = f"=> whole model / LSODA PK: wall {whole[2] / w_lsoda:.3f}x, CPU {whole[3] / c_lsoda:.3f}x"
        rows.append((name, ratio, float("nan"), float("nan"), ""))
    load = os.getloadavg()[0]
    print(f"one patient, {args.days:g} days, {STEP_MIN}-min grid, best of {args.repeat}; load average {load:.1f}")
    head = f"{'problem':<20}{'method':<48}{'wall ms':>9}{'CPU ms':>9}  {'max rel error vs mpmath':<24}"
    print(head)
    print("-" * len(head))
    for name, method, wall, cpu, e in rows:
        ws = f"{wall * 1e3:9.1f}" if np.isfinite(wall) else " " * 9
        cs = f"{cpu * 1e3:9.1f}" if np.isfinite(cpu) else " " * 9
        print(f"{name:<20}{method:<48}{ws}{cs}  {e}")
    for note in notes:
        print("note:", note)


if __name__ == "__main__":
    main()
