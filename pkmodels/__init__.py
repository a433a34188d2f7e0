"""pkmodels: oral vs intrathecal baclofen, a teaching model of plasma and CSF exposure.

A teaching model, not dosing advice.  The pure science behind the dashboard: parameters with sources,
the dosing vocabulary, an exact linear PK engine, pharmacodynamics (relief, sedation, adaptation and
withdrawal), metrics, dose equivalence, populations and lecture scenes.  It never imports Streamlit or
Plotly.
"""

import os as _os

from threadpoolctl import threadpool_limits as _threadpool_limits

from .covariates import Patient, individualize
from .equivalence import oral_equivalent
from .events import EventTable, compile_events
from .model import SimulationArrays, SimulationResult, individual_params, simulate, simulate_arrays
from .parameters import PARAMETER_SPECS, ModelParams, default_params
from .regimens import (
    Failure,
    ITBolus,
    ITContinuous,
    ITFlex,
    ITPeriodicBolus,
    ITTaper,
    ITTitration,
    OralDoses,
    OralTaper,
    OralTitration,
    Pump,
    oral_to_intrathecal_switch,
)
from .scenario import Scenario, ScenarioError, load_scenario, parse_scenario, scenario_from_json, scenario_to_json

# Every matrix in this package is small (8x8 states, 16x16 augmented).  Multi-threaded BLAS only adds
# contention for such sizes (measured: scipy expm of a 16x16 matrix 63 us with one thread, 1.7-8 ms with two
# threads on the 2-core development machine), so importing pkmodels limits BLAS to one thread for the process.
# Set PKMODELS_BLAS_THREADS to change it.
_threadpool_limits(limits=int(_os.environ.get("PKMODELS_BLAS_THREADS", "1")), user_api="blas")

__version__ = "0.1.0"

__all__ = [
    "PARAMETER_SPECS",
    "EventTable",
    "Failure",
    "ITBolus",
    "ITContinuous",
    "ITFlex",
    "ITPeriodicBolus",
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
    "SimulationArrays",
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
