"""The Pump & titration page's URL settings and its sections (pure: no Streamlit calls, so tests read them)."""

from __future__ import annotations

from typing import Any

from dashboard.pump.scenarios import ERROR_AT_H, ERROR_FACTOR, WEAN_EVERY_DAYS
from dashboard.shared_fields import TIP
from dashboard.state import Field, Schema
from pkmodels.pump import ORIGINS

__all__ = ["SCHEMA", "SECTIONS", "SHORT", "default_section", "open_key"]

SCHEMA = Schema(
    "pump",
    (
        Field(
            "bolus",
            50,
            "Screening bolus",
            "choice",
            choices=(50, 75, 100),
            labels={50: "50 µg", 75: "75 µg", 100: "100 µg"},
            help="US label: 50 µg first; if no response, 75 µg 24 h later, then 100 µg after another 24 h.",
        ),
        Field(
            "origin",
            "spinal",
            "Origin of the spasticity",
            "choice",
            choices=tuple(ORIGINS),
            labels=ORIGINS,
            help="Titration per 24 h: spinal origin +10-30 %; cerebral origin and children +5-15 % (CMSC 2015).",
        ),
        Field(
            "titr_pct",
            20,
            "Titration step (% per day)",
            "int",
            1,
            50,
            1,
            help="Increase of the daily rate each 24 h after the first day.",
        ),
        Field(
            "target",
            400.0,
            "Target dose (µg/day)",
            "float",
            50.0,
            2000.0,
            25.0,
            help="Spinal origin: usually 300-800 µg/day; cerebral origin 90-700 µg/day; children <12 y 100-300.",
            exact=True,
        ),
        Field(
            "conc",
            2000,
            "Drug concentration",
            "choice",
            choices=(50, 500, 1000, 2000),
            labels={50: "50 µg/mL", 500: "500 µg/mL", 1000: "1000 µg/mL", 2000: "2000 µg/mL"},
            help="50 µg/mL is the screening strength; 500, 1000 and 2000 µg/mL fill the pump.",
        ),
        Field(
            "volume",
            20,
            "Reservoir",
            "choice",
            choices=(20, 40),
            labels={20: "20 mL", 40: "40 mL"},
            help="SynchroMed II reservoirs hold 20 or 40 mL.",
        ),
        Field(
            "rate",
            400.0,
            "Programmed rate (µg/day)",
            "float",
            25.0,
            2000.0,
            25.0,
            help="Also the intended rate of the flex and programming-error sections.",
            exact=True,
        ),
        Field(
            "refill_h",
            0,
            "Refilled after it ran dry (h, 0 = never)",
            "int",
            0,
            96,
            6,
            help="Hours from the last drop to the refill visit: 0 = nobody refills it during the run.",
        ),
        Field(
            "error",
            False,
            "Program the pump ten-fold too high",
            "bool",
            help=f"From {ERROR_AT_H:g} h, the pump delivers {ERROR_FACTOR:g} x the programmed rate.",
        ),
        Field(
            "flex",
            False,
            "Compare with a day/night flex schedule",
            "bool",
            help="Twice the hourly rate 07:00-22:00 as at night; the same daily total.",
        ),
        Field(
            "oral_mg",
            20.0,
            "Oral dose being replaced (mg, 3 times a day)",
            "float",
            2.5,
            30.0,
            2.5,
            help="Usual oral range 40-80 mg/day; US maximum 80 mg/day.",
            exact=True,
        ),
        TIP,
        Field(
            "wean_pct",
            25,
            "Wean step (% of the current dose)",
            "int",
            25,
            50,
            5,
            help=f"CMSC 2015: wean oral baclofen in 25-50 % steps, one drug at a time. One step every "
            f"{WEAN_EVERY_DAYS:g} days (this page's choice).",
        ),
    ),
)

SHORT = {
    "screening": "Screening",
    "titration": "Titration",
    "reservoir": "Reservoir",
    "flex": "Flex",
    "tip": "Tip level",
    "error": "Error",
    "switch": "Tablets → pump",
}
SECTIONS = {
    "screening": "1 · Screening bolus",
    "titration": "2 · Start & titration",
    "reservoir": "3 · Reservoir & refills",
    "flex": "4 · Flex schedule",
    "tip": "5 · Where the catheter ends",
    "error": "6 · Programming error",
    "switch": "7 · Tablets to pump",
}


def default_section(values: dict[str, Any]) -> str:
    """Section a link points at (shown on a projector, open on a laptop): the first whose settings differ from
    the defaults."""
    changed = {k for k, d in SCHEMA.defaults().items() if values[k] != d}
    for section, keys in (
        ("error", {"error"}),
        ("flex", {"flex"}),
        ("tip", {"tip"}),
        ("switch", {"oral_mg", "wean_pct"}),
        ("reservoir", {"conc", "volume", "rate", "refill_h"}),
        ("titration", {"origin", "titr_pct", "target"}),
    ):
        if changed & keys:
            return section
    return "screening"


def open_key(section: str) -> str:
    """Session-state key of a section's expander (True while it is open)."""
    return f"pump_open_{section}"
