"""pkmodels: oral vs intrathecal baclofen, a teaching model of plasma and CSF exposure.

A teaching model, not dosing advice.  The pure science behind the dashboard: parameters with sources,
the dosing vocabulary, an exact linear PK engine, pharmacodynamics (relief, sedation, adaptation and
withdrawal), metrics, dose equivalence, populations and lecture scenes.  It never imports Streamlit or
Plotly.
"""

import os as _os

from threadpoolctl import threadpool_limits as _threadpool_limits

from .equivalence import oral_equivalent
from .model import SimulationResult, individual_params, simulate, simulate_arrays
from .parameters import PARAMETER_SPECS, ModelParams, Patient, default_params, individualize
from .regimens import (
    Failure,
    ITBolus,
    ITContinuous,
    ITFlex,
    ITTaper,
    ITTitration,
    OralDoses,
    OralTaper,
    OralTitration,
    Pump,
    compile_events,
    oral_to_intrathecal_switch,
)
from .scenario import Scenario, ScenarioError, load_scenario, parse_scenario, scenario_from_json, scenario_to_json

# Every matrix in this package is 8x8 or 16x16.  Multi-threaded BLAS only adds contention for such
# sizes (measured: scipy expm of a 16x16 matrix 63 us with one thread, 1.7-8 ms with two threads on the
# 2-core development machine), so importing pkmodels limits BLAS to one thread for the process.
# Set PKMODELS_BLAS_THREADS to change it.
_threadpool_limits(limits=int(_os.environ.get("PKMODELS_BLAS_THREADS", "1")), user_api="blas")

__version__ = "0.1.0"

__all__ = [
    "PARAMETER_SPECS",
    "Failure",
    "ITBolus",
    "ITContinuous",
    "ITFlex",
    "ITTaper",
    "ITTitration",
    "ModelParams",
    "OralDoses",
    "OralTaper",
    "OralTitration",
    "Patient",
    "Pump",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "compile_events",
    "default_params",
    "individual_params",
    "individualize",
    "load_scenario",
    "oral_equivalent",
    "oral_to_intrathecal_switch",
    "parse_scenario",
    "scenario_from_json",
    "scenario_to_json",
    "simulate",
    "simulate_arrays",
]
