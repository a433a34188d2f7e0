"""The result table's columns: the one place their names (with units) are spelled.

Every result table (:func:`pkmodels.simulate`, the command line's CSV, the app's downloads) uses these names,
and every module that reads a table imports them from here.  :data:`COLUMNS` documents each one.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ADAPTATION",
    "ADAPT_SITES",
    "ASHWORTH",
    "ASHWORTH_UPPER_LIMB",
    "COLUMNS",
    "COMEDICATION",
    "CONCENTRATIONS",
    "COORDINATION",
    "COORDINATION_STAGE",
    "CSF_CERVICAL",
    "CSF_CRANIAL",
    "CSF_LUMBAR",
    "CSF_THORACIC",
    "DOSED",
    "DRIVE",
    "EFFECT_BRAIN",
    "EFFECT_CERVICAL",
    "EFFECT_SPINAL",
    "IT_RATE",
    "NET_TONE_SPINAL",
    "PLASMA",
    "RELIEF",
    "RELIEF_UPPER_LIMB",
    "RESPIRATORY",
    "RESPIRATORY_STAGE",
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

SITES = ("spinal", "supraspinal")  # the two withdrawal sites: the legs' cord and the brain
ADAPT_SITES = ("spinal", "cervical", "supraspinal")  # receptor sites that adapt: legs' cord, arms' cord, brain

TIME = "time_h"
PLASMA = "plasma_ng_per_ml"
CSF_LUMBAR = "csf_lumbar_ng_per_ml"  # lumbar-puncture site, L3-L4
CSF_THORACIC = "csf_thoracic_ng_per_ml"  # T6
CSF_CERVICAL = "csf_cervical_ng_per_ml"  # C5
CSF_CRANIAL = "csf_cranial_ng_per_ml"  # cisternal
EFFECT_SPINAL = "effect_spinal_ng_per_ml"  # lumbosacral cord (legs)
EFFECT_CERVICAL = "effect_cervical_ng_per_ml"  # cervical cord (arms)
EFFECT_BRAIN = "effect_brain_ng_per_ml"  # brain receptor exposure (fast and slow brain tissue)
STIMULATION = {site: f"stimulation_{site}" for site in ADAPT_SITES}
ADAPTATION = {site: f"adaptation_{site}" for site in ADAPT_SITES}
NET_TONE_SPINAL = "net_tone_spinal"
RELIEF = "spasticity_relief_ashworth"  # legs
RELIEF_UPPER_LIMB = "spasticity_relief_upper_limb_ashworth"  # arms
ASHWORTH = "ashworth_score"
ASHWORTH_UPPER_LIMB = "ashworth_score_upper_limb"
SEDATION = "sedation_index"
SEDATION_STAGE = "sedation_stage"
SEDATION_STAGE_NAME = "sedation_stage_name"
RESPIRATORY = "respiratory_depression_index"
RESPIRATORY_STAGE = "respiratory_stage"
RESPIRATORY_WARNING = "respiratory_warning"
COORDINATION = "coordination_impairment_index"
COORDINATION_STAGE = "coordination_stage"
DRIVE = {site: f"withdrawal_drive_{site}" for site in SITES}
WITHDRAWAL_SITE = {site: f"withdrawal_{site}_index" for site in SITES}
WITHDRAWAL_SITE_STAGE = {site: f"withdrawal_{site}_stage" for site in SITES}
WITHDRAWAL = "withdrawal_index"
WITHDRAWAL_STAGE = "withdrawal_stage"
WITHDRAWAL_STAGE_NAME = "withdrawal_stage_name"
DOSED = "dosed_ug"
IT_RATE = "it_rate_ug_per_day"
COMEDICATION = "comedication"
CONCENTRATIONS = (PLASMA, CSF_LUMBAR, CSF_THORACIC, CSF_CERVICAL, CSF_CRANIAL)  # where the drug is


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
    Column(CSF_LUMBAR, "ng/mL", "CSF at the lumbar-puncture site (L3-L4)"),
    Column(CSF_THORACIC, "ng/mL", "CSF at T6"),
    Column(CSF_CERVICAL, "ng/mL", "CSF at C5"),
    Column(CSF_CRANIAL, "ng/mL", "cranial (cisternal) CSF"),
    Column(EFFECT_SPINAL, "ng/mL", "lumbosacral cord effect site (legs; follows the CSF at T12)"),
    Column(EFFECT_CERVICAL, "ng/mL", "cervical cord effect site (arms; follows the CSF at C5-C6)"),
    Column(EFFECT_BRAIN, "ng/mL", "brain receptor exposure (fast and slowly equilibrating brain tissue)"),
    *(Column(STIMULATION[s], "0-1", f"GABA-B stimulation at the {s} site") for s in ADAPT_SITES),
    *(Column(ADAPTATION[s], "0-1", f"receptor adaptation (tolerance) at the {s} site") for s in ADAPT_SITES),
    *(
        Column(f"adaptation_{s}_{k}", "0-1", f"{k} adaptation at the {s} site")
        for s in ("spinal", "supraspinal")
        for k in ("fast", "slow")
    ),
    Column(NET_TONE_SPINAL, "-", "stimulation minus adaptation at the legs' cord"),
    Column(RELIEF, "Ashworth points", "spasticity relief, legs"),
    Column(RELIEF_UPPER_LIMB, "Ashworth points", "spasticity relief, arms"),
    Column(ASHWORTH, "Ashworth points", "Ashworth score, legs (baseline minus relief)"),
    Column(ASHWORTH_UPPER_LIMB, "Ashworth points", "Ashworth score, arms"),
    Column(SEDATION, "0-1", "sedation / CNS-depression index"),
    Column(SEDATION_STAGE, "0-4", "sedation stage number"),
    Column(RESPIRATORY, "0-1", "respiratory-depression index"),
    Column(RESPIRATORY_STAGE, "0-3", "respiratory-depression stage number"),
    Column(RESPIRATORY_WARNING, "true/false", "respiratory depression moderate or worse"),
    Column(COORDINATION, "0-1", "impaired-coordination index"),
    Column(COORDINATION_STAGE, "0-3", "impaired-coordination stage number"),
    *(Column(DRIVE[s], "-", f"withdrawal drive (unopposed adaptation) at the {s} site") for s in SITES),
    *(Column(WITHDRAWAL_SITE[s], "index", f"withdrawal severity at the {s} site") for s in SITES),
    Column(WITHDRAWAL, "index", "withdrawal severity (the worse site)"),
    Column(WITHDRAWAL_STAGE, "0-4", "withdrawal stage number"),
    *(Column(WITHDRAWAL_SITE_STAGE[s], "0-4", f"withdrawal stage at the {s} site") for s in SITES),
    Column(WITHDRAWAL_STAGE_NAME, "-", "withdrawal stage name"),
    Column(SEDATION_STAGE_NAME, "-", "sedation stage name"),
    Column(
        amount("<state>"),
        "µg",
        "drug amount in each compartment (gut, plasma, peripheral, csf_cranial, "
        "csf_spinal_1 (C1-C4) .. csf_spinal_8 (L4-S2), eliminated)",
    ),
    Column(DOSED, "µg", "drug given so far (boluses and infusions)"),
    Column(IT_RATE, "µg/day", "intrathecal infusion rate"),
    Column(COMEDICATION, "-", "co-medication of the run"),
)
