"""Every number in the model that is a teaching assumption rather than data, with its reason.

Parameters tagged ``A`` in :data:`pkmodels.parameters.PARAMETER_SPECS` are listed with their notes; the
constants below (stage thresholds, co-medication strengths, paediatric CSF scaling, the dose-equivalence
ceiling) are listed here so the command line and the model page show one complete list.
"""

from __future__ import annotations

from .parameters import PARAMETER_SPECS
from .pd import COMEDICATIONS, SEDATION_STAGES, SEDATION_THRESHOLDS, WITHDRAWAL_STAGES, WITHDRAWAL_THRESHOLDS
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
            "name": "co-medication strength",
            "value": ", ".join(
                f"{c.label} {c.equivalent_ng_per_ml:g} ng/mL" for k, c in COMEDICATIONS.items() if k != "none"
            ),
            "reason": "Additive (Loewe) CNS depression expressed as an equivalent baclofen concentration at the brain "
            "effect site for a usual dose (intensity 1); opioids and benzodiazepines add a "
            "respiratory-depression warning from 'marked' sedation.",
        },
        {
            "name": "co-medication kinetics",
            "value": "constant over the run",
            "reason": "The co-medication is present throughout at the chosen intensity; it does not drive "
            "adaptation or withdrawal.",
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
