"""Every number in the model that is a teaching assumption rather than data, with its reason.

Parameters tagged ``A`` in :data:`pkmodels.parameters.PARAMETER_SPECS` are listed with their notes; the
structural choices and constants below (the CSF chain, the cord effect sites, stage thresholds, breathing and
coordination, co-medication strengths, paediatric scaling, kidney function, the dose-equivalence ceiling) are
listed here so the command line and the model page show one complete list.
"""

from __future__ import annotations

from .engine import CORD_STEPS
from .neuraxis import CANAL_LENGTH_CM, N_SEGMENTS
from .parameters import PARAMETER_SPECS
from .pd import (
    COMEDICATIONS,
    COORDINATION_STAGES,
    COORDINATION_THRESHOLDS,
    RESPIRATORY_EXPONENT,
    RESPIRATORY_STAGES,
    RESPIRATORY_THRESHOLDS,
    SEDATION_STAGES,
    SEDATION_THRESHOLDS,
    WITHDRAWAL_STAGES,
    WITHDRAWAL_THRESHOLDS,
)
from .thresholds import MAX_STUDIED_MG_PER_DAY, OVERDOSE_PLASMA_NG_PER_ML

__all__ = ["model_assumptions"]


def _stages(names: tuple[str, ...], thresholds: tuple[float, ...]) -> str:
    return ", ".join(f"{n} >= {t:g}" for n, t in zip(names[1:], thresholds, strict=True))


def model_assumptions() -> list[dict[str, str]]:
    """Rows of (name, value, reason) for every assumption in the model."""
    rows = [
        {"name": s.name, "value": f"{s.value:g} {s.unit}", "reason": s.note} for s in PARAMETER_SPECS if s.assumption
    ]
    rows += [
        {
            "name": "spinal CSF as a chain",
            "value": f"{N_SEGMENTS} equal segments along {CANAL_LENGTH_CM:g} cm, exchanging with their neighbours",
            "reason": "Intrathecal baclofen stays mainly near the catheter tip (Heetla 2016) and its concentration "
            "falls along the canal (Kroin 1993). The chain's two rates (mixing and spinal outflow) are derived from "
            "the monographs' apparent clearance and lumbar:cisternal ratio; no study measured them directly.",
        },
        {
            "name": "effect sites on the cord",
            "value": "legs: CSF at T12 (lumbosacral enlargement, cord L1-S2); arms: CSF at C5-C6 (cervical "
            f"enlargement, cord C5-T1); the same potency and delay ({CORD_STEPS} equal first-order steps)",
            "reason": "Anatomy places these cord segments behind those vertebrae; no study compares GABA-B "
            "potency between them. Several steps rather than one: a single effect compartment slow enough to put "
            "a bolus's peak near 4 h keeps its effect for 10 h, longer than the 4-8 h observed.",
        },
        {
            "name": "two kinds of adaptation",
            "value": "slow: desensitisation, scales the drug's effect down; fast: counter-regulation, subtracted "
            "(net tone S (1 - g_s A_s) - g_f A_f)",
            "reason": "Dose needs creep for a year or more, yet a taper over 2-3 weeks avoids withdrawal and "
            "withdrawal resolves within days of a restart: an adaptation slow enough for the creep cannot also be "
            "the source of rebound, or every taper would end in weeks of withdrawal.",
        },
        {
            "name": "large ingestions",
            "value": "each oral dose: up to the absorption capacity as usual; the rest held back and released to "
            "the gut with a half-life (piecewise linear in the dose)",
            "reason": "Baclofen's absorption window is narrow and carrier-mediated (Lal 2009); after overdoses "
            "plasma falls with a half-life of 12-36 h instead of 3-7 h (Franchitto 2018). Whether held-back drug "
            "is partly lost (less bioavailable) is not known; the model absorbs all of it.",
        },
        {
            "name": "sedation stages",
            "value": _stages(SEDATION_STAGES, SEDATION_THRESHOLDS),
            "reason": "No concentration-sedation data exist; cut-offs place single 20 mg at 'none', 60-80 mg/day at "
            "'drowsy' and 200 mg overdoses at 'coma risk'.",
        },
        {
            "name": "withdrawal stages",
            "value": _stages(WITHDRAWAL_STAGES, WITHDRAWAL_THRESHOLDS),
            "reason": "Withdrawal severity is not quantified in the literature; only timing windows and episode "
            "rates are data (Coffey 2002). Cut-offs reproduce the qualitative patterns.",
        },
        {
            "name": "respiratory depression",
            "value": f"CNS depression to the power {RESPIRATORY_EXPONENT:g}, plus the co-medication's "
            f"direct effect (independent mechanisms); stages {_stages(RESPIRATORY_STAGES, RESPIRATORY_THRESHOLDS)}",
            "reason": "Deep CNS depression from baclofen needs ventilation in 35-43 % of self-poisonings (Leger "
            "2017), while usual doses leave breathing alone; opioids depress breathing directly through brainstem "
            "mu receptors, and baclofen with an opioid raises the overdose hazard 1.8-fold (Li 2020, the "
            "independent check of this choice).",
        },
        {
            "name": "impaired coordination",
            "value": f"CNS depression plus the co-medication's own effect; stages "
            f"{_stages(COORDINATION_STAGES, COORDINATION_THRESHOLDS)}",
            "reason": "Alcohol and sleep medicines impair coordination beyond their sedation (the seed documents); "
            "baclofen itself causes dizziness and weakness.",
        },
    ]
    rows += [
        {
            "name": f"co-medication: {c.label.lower()}",
            "value": f"{c.equivalent_ng_per_ml:g} ng/mL baclofen-equivalent CNS depression; breathing "
            f"{c.respiratory:g}; coordination {c.coordination:g} (at a usual dose)",
            "reason": c.mechanism,
        }
        for key, c in COMEDICATIONS.items()
        if key != "none"
    ]
    rows += [
        {
            "name": "co-medication kinetics",
            "value": "constant over the run",
            "reason": "The co-medication is present throughout at the chosen intensity (1 = a usual dose; effects "
            "compound as independent fractions for more); it does not drive adaptation or withdrawal.",
        },
        {
            "name": "paediatric CSF",
            "value": "volumes and CSF flows x (weight/70)^0.5, floor 0.25",
            "reason": "Infant total CSF 30-50 mL vs adult ~150 mL (Bale; StatPearls); no paediatric ITB PK data.",
        },
        {
            "name": "paediatric clearance",
            "value": "CL/F 0.273 L/h/kg, Vss/F 1.16 L/kg for age < 18 y (He 2014)",
            "reason": "He 2014 studied 2-17 y with cerebral palsy; applied to every child.",
        },
        {
            "name": "kidney function",
            "value": "renal clearance = creatinine clearance; Cockcroft-Gault from age, weight, sex and serum "
            "creatinine when none is given (adults)",
            "reason": "Apparent renal clearance equals creatinine clearance (Wuis 1989); Cockcroft-Gault is the "
            "usual bedside estimate and captures the fall with age.",
        },
        {
            "name": "adaptation drives withdrawal only from baclofen",
            "value": "-",
            "reason": "Adaptation follows baclofen stimulation; the co-medication's own tolerance is not modelled.",
        },
        {
            "name": "dose-equivalence ceiling",
            "value": f"min({MAX_STUDIED_MG_PER_DAY:g} mg/day, dose with steady-state peak plasma "
            f"{OVERDOSE_PLASMA_NG_PER_ML:g} ng/mL)",
            "reason": "Highest studied oral doses (Simon 2018) and the start of the plasma range reported in "
            "intoxications.",
        },
    ]
    return rows
