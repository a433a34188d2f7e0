"""The result table's columns: the one place their names (with units) are spelled.

Every result table (:func:`pkmodels.simulate`, the command line's CSV, the app's downloads) uses these names,
and every module that reads a table imports them from here.  :data:`COLUMNS` documents each one.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ADAPTATION",
    "ASHWORTH",
    "COLUMNS",
    "COMEDICATION",
    "CSF_CRANIAL",
    "CSF_LUMBAR",
    "DOSED",
    "DRIVE",
    "EFFECT_BRAIN",
    "EFFECT_SPINAL",
    "IT_RATE",
    "NET_TONE_SPINAL",
    "PLASMA",
    "RELIEF",
    "RESPIRATORY_WARNING",
    "SEDATION",
    "SEDATION_STAGE",
    "SEDATION_STAGE_NAME",
    "SITES",
    "STIMULATION",
    "TIME",
    "WITHDRAWAL",
    "WITHDRAWAL_SITE",
    "WITHDRAWAL_SITE_STAGE",
    "WITHDRAWAL_STAGE",
    "WITHDRAWAL_STAGE_NAME",
    "Column",
    "amount",
]

SITES = ("spinal", "supraspinal")  # the two receptor sites of the pharmacodynamics

TIME = "time_h"
PLASMA = "plasma_ng_per_ml"
CSF_LUMBAR = "csf_lumbar_ng_per_ml"
CSF_CRANIAL = "csf_cranial_ng_per_ml"
EFFECT_SPINAL = "effect_spinal_ng_per_ml"
EFFECT_BRAIN = "effect_brain_ng_per_ml"
STIMULATION = {site: f"stimulation_{site}" for site in SITES}
ADAPTATION = {site: f"adaptation_{site}" for site in SITES}
NET_TONE_SPINAL = "net_tone_spinal"
RELIEF = "spasticity_relief_ashworth"
ASHWORTH = "ashworth_score"
SEDATION = "sedation_index"
SEDATION_STAGE = "sedation_stage"
SEDATION_STAGE_NAME = "sedation_stage_name"
RESPIRATORY_WARNING = "respiratory_warning"
DRIVE = {site: f"withdrawal_drive_{site}" for site in SITES}
WITHDRAWAL_SITE = {site: f"withdrawal_{site}_index" for site in SITES}
WITHDRAWAL_SITE_STAGE = {site: f"withdrawal_{site}_stage" for site in SITES}
WITHDRAWAL = "withdrawal_index"
WITHDRAWAL_STAGE = "withdrawal_stage"
WITHDRAWAL_STAGE_NAME = "withdrawal_stage_name"
DOSED = "dosed_ug"
IT_RATE = "it_rate_ug_per_day"
COMEDICATION = "comedication"


def amount(state: str) -> str:
    """Column of the drug amount in an engine state (micrograms): ``amount("gut")`` -> ``"gut_ug"``."""
    return f"{state}_ug"


@dataclass(frozen=True)
class Column:
    """One documented column: name, unit and what it means."""

    name: str
    unit: str
    description: str


COLUMNS: tuple[Column, ...] = (
    Column(TIME, "h", "time since the start of the run"),
    Column(PLASMA, "ng/mL", "plasma concentration"),
    Column(CSF_LUMBAR, "ng/mL", "lumbar CSF concentration"),
    Column(CSF_CRANIAL, "ng/mL", "cranial (cisternal) CSF concentration"),
    Column(EFFECT_SPINAL, "ng/mL", "spinal effect-site concentration (cord, delayed after lumbar CSF)"),
    Column(EFFECT_BRAIN, "ng/mL", "brain effect-site concentration"),
    *(Column(STIMULATION[s], "0-1", f"GABA-B stimulation at the {s} site") for s in SITES),
    *(Column(ADAPTATION[s], "0-1", f"receptor adaptation (tolerance) at the {s} site") for s in SITES),
    Column(NET_TONE_SPINAL, "-", "stimulation minus adaptation at the spinal site"),
    Column(RELIEF, "Ashworth points", "spasticity relief"),
    Column(ASHWORTH, "Ashworth points", "Ashworth score (baseline minus relief)"),
    Column(SEDATION, "0-1", "sedation / CNS-depression index"),
    Column(SEDATION_STAGE, "0-4", "sedation stage number"),
    Column(RESPIRATORY_WARNING, "true/false", "respiratory-depression warning"),
    *(Column(DRIVE[s], "-", f"withdrawal drive (unopposed adaptation) at the {s} site") for s in SITES),
    *(Column(WITHDRAWAL_SITE[s], "index", f"withdrawal severity at the {s} site") for s in SITES),
    Column(WITHDRAWAL, "index", "withdrawal severity (the worse site)"),
    Column(WITHDRAWAL_STAGE, "0-4", "withdrawal stage number"),
    *(Column(WITHDRAWAL_SITE_STAGE[s], "0-4", f"withdrawal stage at the {s} site") for s in SITES),
    Column(WITHDRAWAL_STAGE_NAME, "-", "withdrawal stage name"),
    Column(SEDATION_STAGE_NAME, "-", "sedation stage name"),
    *(
        Column(amount(s), "µg", f"drug amount: {s}")
        for s in ("gut", "plasma", "peripheral", "csf_lumbar", "csf_cranial", "eliminated")
    ),
    Column(DOSED, "µg", "drug given so far (boluses and infusions)"),
    Column(IT_RATE, "µg/day", "intrathecal infusion rate"),
    Column(COMEDICATION, "-", "co-medication of the run"),
)
