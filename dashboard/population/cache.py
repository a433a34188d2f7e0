"""Cached population runs for the Population page (``st.cache_data``, at most 8 entries each).

A population of 1000 patients costs 0.1-1 s, so the same settings never simulate twice.  The run on the
therapy and the run after an abrupt stop come from one call, ``simulate_population_and_stop``: the stop run
continues from the therapy run's end instead of simulating the whole therapy again (the numbers are those of
two separate calls to rounding; tests/pkmodels/test_speed_equivalence.py).  An earlier version ran the two
as independent calls, optionally on two threads; on the 2-core machine the threads were not faster.  No
model math here: every function only calls ``pkmodels``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.population.scenarios import STOP_STEP_MIN, stop_scenario
from pkmodels import Patient, Scenario, default_params
from pkmodels.covariates import CKD_STAGES, crcl_for_stage
from pkmodels.equivalence import (
    Equivalence,
    PopulationEquivalence,
    UnitProfiles,
    oral_equivalent,
    population_equivalence,
    population_profiles,
)
from pkmodels.model import individual_params
from pkmodels.population import (
    PopulationResult,
    chunk_size,
    grid_step_min,
    sample_params,
    simulate_population_and_stop,
)
from pkmodels.renal import renal_comparison, terminal_half_life_h

__all__ = ["PopulationRuns", "equivalence", "half_lives", "population_runs", "renal", "typical_equivalence"]

EQUIVALENCE_CHUNK = 1000  # patients per call of the equivalence search (~60 MB each)


class PopulationRuns(NamedTuple):
    """The same simulated patients on the therapy, and after an abrupt stop at its end."""

    therapy: PopulationResult
    stopped: PopulationResult


@st.cache_data(max_entries=8, show_spinner="Simulating the virtual patients...")
def population_runs(scenario: Scenario, n: int, seed: int) -> PopulationRuns:
    """The population on ``scenario`` and after an abrupt stop at its end (``stop_now``), same patients."""
    step = grid_step_min(scenario.duration_h / 24.0)
    therapy, stopped = simulate_population_and_stop(
        scenario, stop_scenario(scenario), n, seed, step, STOP_STEP_MIN, chunk_size=chunk_size(n, scenario, step)
    )
    return PopulationRuns(therapy, stopped)


@st.cache_resource(max_entries=4, show_spinner="Simulating the virtual patients at steady state...")
def _profiles(scenario: Scenario, n: int, seed: int) -> UnitProfiles:
    """Unit-dose steady-state profiles of the population: independent of the intrathecal dose, so moving that
    slider only reruns the search (read-only arrays, shared; cache_resource avoids copying them)."""
    return population_profiles(scenario, n, seed)


@st.cache_data(max_entries=8, show_spinner="Searching the matching oral dose for every patient...")
def equivalence(scenario: Scenario, it_ug_per_day: float, n: int, seed: int) -> PopulationEquivalence:
    """Oral dose matching ``it_ug_per_day`` for each of the ``n`` simulated patients."""
    return population_equivalence(
        scenario, it_ug_per_day, n, seed, chunk_size=min(n, EQUIVALENCE_CHUNK), profiles=_profiles(scenario, n, seed)
    )


@st.cache_data(max_entries=8, show_spinner=False)
def typical_equivalence(scenario: Scenario, it_ug_per_day: float) -> Equivalence:
    """The same for the typical patient of the scenario's covariates (no between-patient variability)."""
    return oral_equivalent(individual_params(scenario), it_ug_per_day, baseline_ashworth=scenario.baseline_ashworth)


@st.cache_data(max_entries=8, show_spinner=False)
def renal(dose_mg: float, weight_kg: float, age_y: float) -> pd.DataFrame:
    """:func:`pkmodels.population.renal_comparison` for ``dose_mg`` three times a day for 7 days."""
    return renal_comparison(dose_mg, 8.0, 7.0, patient=Patient(weight_kg, age_y))


@st.cache_data(max_entries=8, show_spinner=False)
def half_lives(n: int, seed: int, weight_kg: float, age_y: float) -> dict[str, np.ndarray]:
    """Terminal plasma half-life (h) of the ``n`` simulated patients in each kidney stage."""
    out = {}
    for stage in CKD_STAGES:
        patient = Patient(weight_kg, age_y, crcl_for_stage(stage, weight_kg, age_y))
        out[stage] = terminal_half_life_h(sample_params(default_params(), patient, n, seed))
    return out
