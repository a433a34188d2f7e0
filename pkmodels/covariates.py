"""Covariates: what makes one patient differ from the typical 70-kg adult.

:class:`Patient` holds body weight, age, sex and kidney function (creatinine clearance given, or estimated by
Cockcroft-Gault from age, weight, sex and serum creatinine); :func:`individualize` applies them to the typical
parameters (allometric size, the paediatric clearance and volume of He 2014, renal clearance from creatinine
clearance, smaller CSF volumes in children).  :data:`CKD_STAGES` are the kidney-function groups of Vlavonou
2014 with their suggested oral dose cuts, and :func:`crcl_for_stage` turns a group into a creatinine clearance
for a patient of any size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .fields import Num, ScenarioError, check_fields, shown
from .parameters import ModelParams

__all__ = [
    "CKD_STAGES",
    "PAEDIATRIC_CL_F_L_PER_H_PER_KG",
    "PAEDIATRIC_VSS_F_L_PER_KG",
    "SEXES",
    "TYPICAL_SERUM_CREATININE_MG_PER_DL",
    "CKDStage",
    "ChildDoses",
    "Patient",
    "child_doses",
    "cockcroft_gault_ml_per_min",
    "crcl_for_stage",
    "individualize",
]


SEXES = ("male", "female")
# Typical serum creatinine when none is given (mg/dL): reference ranges 0.7-1.3 (men) and 0.6-1.1 (women).
TYPICAL_SERUM_CREATININE_MG_PER_DL = {"male": 1.0, "female": 0.8}


def cockcroft_gault_ml_per_min(age_y: float, weight_kg: float, sex: str, serum_creatinine_mg_per_dl: float) -> float:
    """Creatinine clearance (mL/min) by Cockcroft-Gault: (140 - age) x weight / (72 x SCr), x 0.85 for women.

    For adults (the formula was derived in adults); creatinine production falls with age and muscle mass, so at
    the same serum creatinine an older or lighter patient clears less.
    """
    crcl = (140.0 - age_y) * weight_kg / (72.0 * serum_creatinine_mg_per_dl)
    return crcl * (0.85 if sex == "female" else 1.0)


@dataclass(frozen=True)
class Patient:
    """Covariates of one patient.

    ``crcl_ml_per_min=None`` means: estimated by Cockcroft-Gault from age, weight, sex and serum creatinine
    (typical for the sex when not given) in adults, normal for the body size in children.
    """

    FIELDS: ClassVar[dict[str, Num]] = {
        "weight_kg": Num(3.0, 250.0, 70.0),
        "age_y": Num(2.0, 110.0, 40.0),
        "crcl_ml_per_min": Num(0.0, 250.0, None),
        "serum_creatinine_mg_per_dl": Num(0.2, 15.0, None),
    }

    weight_kg: float = 70.0
    age_y: float = 40.0
    crcl_ml_per_min: float | None = None
    sex: str = "male"
    serum_creatinine_mg_per_dl: float | None = None

    def __post_init__(self) -> None:
        check_fields(self, self.FIELDS)
        if self.sex not in SEXES:
            raise ScenarioError(f"sex must be one of {', '.join(SEXES)}, got {shown(self.sex)}", "patient")

    @property
    def is_child(self) -> bool:
        return self.age_y < 18.0

    @property
    def normal_crcl_ml_per_min(self) -> float:
        """Normal creatinine clearance for the body size: 100 mL/min at 70 kg, allometric (^0.75)."""
        return 100.0 * (self.weight_kg / 70.0) ** 0.75

    @property
    def crcl(self) -> float:
        """Creatinine clearance the model uses (mL/min): given, else Cockcroft-Gault (adults) or size-normal."""
        if self.crcl_ml_per_min is not None:
            return float(self.crcl_ml_per_min)
        if self.is_child:
            return self.normal_crcl_ml_per_min
        scr = self.serum_creatinine_mg_per_dl or TYPICAL_SERUM_CREATININE_MG_PER_DL[self.sex]
        return cockcroft_gault_ml_per_min(self.age_y, self.weight_kg, self.sex, scr)

    @property
    def csf_scale(self) -> float:
        """CSF volume and flow relative to an adult (teaching assumption).

        Adults 1.0.  Children: (weight/70)^0.5, floored at 0.25 (infant total CSF 30-50 mL vs adult ~150 mL,
        Bale; StatPearls).  Volumes and CSF flows scale together, so CSF half-lives stay adult-like while the
        concentration per microgram rises in small children.
        """
        if not self.is_child:
            return 1.0
        return float(min(1.0, max(0.25, (self.weight_kg / 70.0) ** 0.5)))


# Paediatric oral PK (He 2014, children 2-17 y with cerebral palsy): apparent values per kg.
PAEDIATRIC_CL_F_L_PER_H_PER_KG = 0.273
PAEDIATRIC_VSS_F_L_PER_KG = 1.16
_REFERENCE_CRCL_ML_PER_MIN = 100.0  # the typical parameters are those of a 70-kg adult at this CrCL


def individualize(params: ModelParams, patient: Patient) -> ModelParams:
    """Apply covariates to typical (70-kg adult) parameters.

    - Adults: allometric scaling from 70 kg, exponent 0.75 for clearances and 1 for volumes.
    - Children (age < 18 y): total clearance and volumes scaled so that CL/F = 0.273 L/h/kg and
      Vss/F = 1.16 L/kg at normal renal function (He 2014), whatever the adult typical values are.
    - Renal clearance = ``renal_cl_per_crcl`` x creatinine clearance (Wuis 1989); the non-renal part scales
      with size like the rest.  With CrCL at the normal value for the body size, the adult 70-kg total is
      unchanged.
    - CSF volumes and flows are multiplied by :attr:`Patient.csf_scale`.
    """
    w = patient.weight_kg / 70.0
    if patient.is_child:
        typical = params.replace(crcl_ml_per_min=_REFERENCE_CRCL_ML_PER_MIN)
        cl_scale = PAEDIATRIC_CL_F_L_PER_H_PER_KG * patient.weight_kg / (typical.cl_total_l_per_h / params.f_oral)
        v_scale = PAEDIATRIC_VSS_F_L_PER_KG * patient.weight_kg / ((params.vc_l + params.vp_l) / params.f_oral)
    else:
        cl_scale = w**0.75
        v_scale = w
    # Renal clearance follows CrCL; at the size-normal CrCL, CLR = typical CLR x cl_scale.
    normal = patient.normal_crcl_ml_per_min
    crcl_equiv = patient.crcl / normal * _REFERENCE_CRCL_ML_PER_MIN * cl_scale  # CrCL the typical model needs
    s = patient.csf_scale
    return params.replace(
        vc_l=params.vc_l * v_scale,
        vp_l=params.vp_l * v_scale,
        q_l_per_h=params.q_l_per_h * cl_scale,
        cl_nonrenal_l_per_h=params.cl_nonrenal_l_per_h * cl_scale,
        crcl_ml_per_min=crcl_equiv,
        csf_spinal_clearance_ml_per_h=params.csf_spinal_clearance_ml_per_h * s,
        csf_bulk_flow_ml_per_h=params.csf_bulk_flow_ml_per_h * s,
        v_csf_spinal_ml=params.v_csf_spinal_ml * s,  # with the canal length fixed, mixing flows scale too
        v_csf_cranial_ml=params.v_csf_cranial_ml * s,
    )


@dataclass(frozen=True)
class CKDStage:
    """A renal-function group of Vlavonou 2014 and its suggested oral dose reduction."""

    crcl_range: str
    crcl_ml_per_min: float  # representative creatinine clearance used in the model
    dose_reduction: float  # suggested fraction to cut from the usual dose


CKD_STAGES: dict[str, CKDStage] = {
    "normal": CKDStage("> 80 mL/min", 100.0, 0.0),
    "mild": CKDStage("50–80 mL/min", 65.0, 1.0 / 3.0),
    "moderate": CKDStage("30–50 mL/min", 40.0, 0.5),
    "severe": CKDStage("< 30 mL/min", 20.0, 2.0 / 3.0),
}


def crcl_for_stage(ckd: str, weight_kg: float, age_y: float) -> float | None:
    """Creatinine clearance (mL/min) for a kidney-function stage; ``None`` (normal for size) for "normal".

    Adults get the representative value of :data:`CKD_STAGES` (the groups of Vlavonou 2014 are absolute adult
    CrCL ranges, as in :func:`pkmodels.renal.renal_comparison`).  Children get the same share of the normal
    clearance for their size (65 %, 40 %, 20 %), so "mild" is never better than normal in a small child.
    Unknown stages count as normal.
    """
    stage = CKD_STAGES.get(ckd)
    if stage is None or ckd == "normal":
        return None
    patient = Patient(weight_kg, age_y)
    if not patient.is_child:
        return stage.crcl_ml_per_min
    return stage.crcl_ml_per_min / CKD_STAGES["normal"].crcl_ml_per_min * patient.normal_crcl_ml_per_min


# --------------------------------------------------------------------------------------- child doses

# Teaching doses for a child preset (labelled assumptions within published ranges, never dosing advice):
# oral maintenance 1 mg/kg/day in three intakes, inside 0.75-2 mg/kg/day (France, 6-18 y [S]; He 2014 target
# about 2 mg/kg/day [R]), at most 40 mg/day under 8 years and 60 mg/day from 8 (UpToDate table [S]);
# intrathecal 200 ug/day, inside the 100-300 ug/day average of children under 12 (CHEO monograph [S]), 300
# ug/day from 12 (the adult cerebral-origin range starts at 90 ug/day [S]).
CHILD_ORAL_MG_PER_KG_PER_DAY = 1.0
CHILD_ORAL_INTAKES_PER_DAY = 3


@dataclass(frozen=True)
class ChildDoses:
    """What a child preset sets: the oral dose per intake (three a day) and the pump's daily dose."""

    oral_mg_per_intake: float
    it_ug_per_day: float


def child_doses(age_y: float, weight_kg: float, oral_step_mg: float = 2.5) -> ChildDoses:
    """Teaching doses for a child of ``age_y`` years and ``weight_kg`` kg (see the constants above for the
    sources), the oral dose per intake rounded to ``oral_step_mg`` (a slider's step), at least one step."""
    if not 0 < age_y < 18 or not 0 < weight_kg <= 150 or oral_step_mg <= 0:
        raise ValueError("child_doses needs 0 < age_y < 18, 0 < weight_kg <= 150 and a positive step")
    max_mg_per_day = 40.0 if age_y < 8 else 60.0
    mg_per_day = min(CHILD_ORAL_MG_PER_KG_PER_DAY * weight_kg, max_mg_per_day)
    per_intake = max(oral_step_mg, round(mg_per_day / CHILD_ORAL_INTAKES_PER_DAY / oral_step_mg) * oral_step_mg)
    return ChildDoses(per_intake, 200.0 if age_y < 12 else 300.0)
