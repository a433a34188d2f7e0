"""Model parameters: values, units, sources, evidence tags and covariate rules.

Every number the model uses lives in :data:`PARAMETER_SPECS`, with its unit, the citation key of its source
(resolved in :data:`SOURCES`), the evidence tag of ``../shared/reference/baclofen_parameters.md``
(R read in source, S secondary, D derived, NV not verified, A teaching assumption) and the bounds an
override must respect.  Values are *typical* values for a 70-kg adult with a creatinine clearance of
100 mL/min; :func:`pkmodels.covariates.individualize` applies the covariates (weight, age, renal function).

Parameters are stored as systemic (not "/F") values, because intrathecal drug reaches the blood without
passing the gut: ``vc_l = Vc/F x F`` and so on.  Every field of :class:`ModelParams` may be a float or a
numpy array of shape ``(n_patients,)``; the engine broadcasts.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "PARAMETER_SPECS",
    "SOURCES",
    "ModelParams",
    "ParamSpec",
    "default_params",
    "parameter_table",
]

# Citation keys used in the table.  Each resolves to the full reference.
SOURCES: dict[str, str] = {
    "Agarwal2015": "Agarwal SK et al. J Child Neurol 2015;30:37-41, doi:10.1177/0883073814535504",
    "Simon2018": "Simon N et al. Front Psychiatry 2018;9:385, doi:10.3389/fpsyt.2018.00385",
    "Kochak1985": "Kochak GM et al. Clin Pharmacol Ther 1985;38:251-7, doi:10.1038/clpt.1985.167",
    "Wuis1989": "Wuis EW et al. Eur J Clin Pharmacol 1989;37:181-4, doi:10.1007/BF00558228",
    "He2014": "He Y et al. J Pediatr 2014;164:1181-8, doi:10.1016/j.jpeds.2014.01.029",
    "SwissFI": "Swissmedic Fachinformation Lioresal (36083), oral tablets",
    "SwissFI-IT": "Swissmedic Fachinformation Lioresal Intrathecal (52535)",
    "CA-IT": "Canadian Lioresal Intrathecal product monograph (French)",
    "Muller1988": "Mueller H et al. Eur J Clin Pharmacol 1988, doi:10.1007/BF00265844",
    "StatPearlsCSF": "StatPearls 'Physiology, Cerebrospinal Fluid', NBK519007",
    "LumbarMRI": "Lumbosacral CSF volume by MRI, PMID 17056974",
    "Bale": "Bale et al., paediatric neurology chapter (infant CSF 30-50 mL)",
    "Heetla2016": "Heetla HW et al. Br J Clin Pharmacol 2016;81:101-12, doi:10.1111/bcp.12781",
    "Penn1989": "Penn RD et al. N Engl J Med 1989;320:1517-21, doi:10.1056/NEJM198906083202303",
    "McKenna": "McKenna's Drug Handbook 7e: ITB bolus onset 0.5-1 h, peak ~4 h, duration 4-8 h",
    "Durant2018": "Durant C et al. Front Psychiatry 2018;9:664, doi:10.3389/fpsyt.2018.00664",
    "Sallerin2003": "Sallerin B, Lazorthes Y. Neurochirurgie 2003;49:271-5, PMID 12746702",
    "Leung2006": "Leung NY et al. Emerg Med Australas 2006;18:77-82, doi:10.1111/j.1742-6723.2006.00805.x",
    "KroinBianchiPenn1993": "Kroin JS, Bianchi GD, Penn RD. J Neurosurg 1993;79:544-9, doi:10.3171/jns.1993.79.4.0544",
    "Akman1993": "Akman MN et al. Paraplegia 1993;31:516-20, doi:10.1038/sc.1993.84; Heetla 2009",
    "Coffey2002": "Coffey RJ et al. Arch Phys Med Rehabil 2002;83:735-41, doi:10.1053/apmr.2002.32820",
    "SpinalCord2009": "Spinal Cord 2009;47:477-80, doi:10.1038/sc.2008.156 (onset 12-72 h)",
    "Vlavonou2014": "Vlavonou R et al. J Clin Pharmacol 2014;54:584-92, doi:10.1002/jcph.247",
    "Assumption": "Teaching assumption: no published value; chosen to meet the anchors listed in 'note'",
}


@dataclass(frozen=True)
class ParamSpec:
    """One model parameter: its typical value and everything a reader needs to trust or doubt it."""

    name: str
    value: float
    unit: str
    source: str
    tag: str  # R, S, D, NV or A
    description: str
    lower: float
    upper: float
    cv_percent: float = 0.0  # between-patient variability (log-normal), 0 = none
    note: str = ""

    @property
    def assumption(self) -> bool:
        """True when the value is a teaching assumption rather than data."""
        return self.tag == "A"


_F = 0.74  # Agarwal 2015 absolute bioavailability, used to turn Kochak's /F values into systemic ones

# A declarative table, one parameter per entry: kept compact by hand rather than by the formatter.
# fmt: off
PARAMETER_SPECS: tuple[ParamSpec, ...] = (
    # --- oral absorption and systemic disposition (2-compartment, Kochak 1985 x F) ---
    ParamSpec("f_oral", _F, "fraction", "Agarwal2015", "R",
              "Oral bioavailability (absolute)", 0.05, 1.0, 0.0,
              "IV 3/5 mg vs oral 5/10 mg in 12 healthy adults; the label says 'rapidly and completely absorbed'."),
    ParamSpec("ka_per_h", 1.64, "1/h", "Simon2018", "R",
              "First-order absorption rate constant", 0.2, 20.0, 44.0,
              "popPK in 57 adults (95 % CI 1.34-2.0, IIV 44 %); gives single-dose Tmax ~1 h, inside the label's "
              "0.5-1.5 h."),
    ParamSpec("vc_l", round(28.8 * _F, 2), "L", "Kochak1985", "D",
              "Central (plasma) volume", 2.0, 200.0, 22.0,
              "Vc/F 28.8 L (Kochak 1985) x F 0.74. IIV 22 % (Simon 2018 V/F)."),
    ParamSpec("vp_l", round(19.7 * _F, 2), "L", "Kochak1985", "D",
              "Peripheral volume", 1.0, 200.0, 44.0,
              "Vp/F 19.7 L derived from Kochak's alpha, beta, Vc and CL; x F. IIV 44 % (He 2014 Vss/F)."),
    ParamSpec("q_l_per_h", round(12.9 * _F, 2), "L/h", "Kochak1985", "D",
              "Intercompartmental clearance plasma <-> peripheral", 0.1, 100.0, 0.0,
              "Q/F 12.9 L/h derived from Kochak 1985; x F."),
    ParamSpec("cl_nonrenal_l_per_h", round(10.8 * _F - 6.0, 2), "L/h", "Kochak1985", "D",
              "Non-renal clearance (deamination, faeces)", 0.0, 50.0, 25.0,
              "CL/F 10.8 L/h x F = 8.0 L/h minus renal 6.0 L/h at CrCL 100 mL/min; ~25 % of CL (label: ~15 % "
              "metabolised, rest in faeces). Total-CL IIV ~21-33 % (Simon 2018, He 2014)."),
    ParamSpec("renal_cl_per_crcl", 1.0, "ratio", "Wuis1989", "R",
              "Renal clearance / creatinine clearance", 0.1, 3.0, 20.0,
              "Apparent renal clearance ~ creatinine clearance (glomerular filtration dominant)."),
    # --- cerebrospinal fluid ---
    ParamSpec("csf_clearance_ml_per_h", 30.0, "mL/h", "CA-IT", "R",
              "Apparent lumbar CSF clearance (infusion rate / lumbar Css)", 5.0, 200.0, 55.0,
              "~30 mL/h in 10 patients; bolus clearances 13-80 mL/h (Mueller 1988) give the 55 % IIV."),
    ParamSpec("lumbar_cranial_ratio", 4.0, "ratio", "CA-IT", "R",
              "Lumbar : cisternal CSF concentration at steady state (lumbar infusion)", 1.5, 20.0, 30.0,
              "~4:1 with 'large between-patient variability'; 30 % IIV is an assumption."),
    ParamSpec("csf_bulk_flow_ml_per_h", 20.0, "mL/h", "StatPearlsCSF", "R",
              "CSF production = drainage from the cranial pool to blood", 5.0, 60.0, 15.0,
              "Production 0.3-0.4 mL/min (18-25 mL/h)."),
    ParamSpec("v_csf_lumbar_ml", 60.0, "mL", "SwissFI-IT", "A",
              "Lumbar (catheter-tip) CSF pool volume", 10.0, 200.0, 40.0,
              "Inside the apparent bolus volume 22-157 mL (Swiss label); lumbosacral CSF alone is 36 mL "
              "(PMID 17056974). 60 mL (lumbosacral + lower thoracic) gives a bolus CSF half-life of ~1.5 h."),
    ParamSpec("v_csf_cranial_ml", 90.0, "mL", "StatPearlsCSF", "D",
              "Cranial (cisternal, ventricular, upper spinal) CSF pool volume", 10.0, 400.0, 20.0,
              "Total CSF ~150 mL minus the lumbar pool."),
    ParamSpec("csf_plasma_ratio", round(1 / 8.5, 4), "ratio", "SwissFI", "R",
              "CSF : plasma concentration at oral steady state", 0.01, 1.0, 30.0,
              "CSF concentrations 'ca. 8.5 times lower' than plasma. Entry clearances are set to give this ratio."),
    # --- pharmacodynamics: spinal efficacy ---
    ParamSpec("ke0_spinal_per_h", 0.15, "1/h", "Heetla2016", "A",
              "Spinal effect-site equilibration rate (lumbar CSF -> cord)", 0.01, 5.0, 30.0,
              "Heetla 2016 used a delayed-effect model but its values were not read. Chosen so a 50 ug bolus acts "
              "within ~1 h, peaks near 4 h and lasts 4-8 h (McKenna; labels)."),
    ParamSpec("ec50_spinal_ng_per_ml", 150.0, "ng/mL", "Penn1989", "A",
              "Effect-site concentration for half-maximal spinal GABA-B stimulation", 1.0, 5000.0, 40.0,
              "Chosen so long-term ITB 300-800 ug/day gives 2-3 Ashworth points (Penn 1989: 4.0 -> ~1.2) and "
              "oral 30-80 mg/day well under 1 point."),
    ParamSpec("hill_spinal", 2.0, "-", "Assumption", "A",
              "Hill coefficient, spinal stimulation", 0.5, 5.0, 0.0,
              "Moderately steep concentration-effect curve."),
    ParamSpec("relief_max_fraction", 0.9, "fraction", "Penn1989", "A",
              "Largest fraction of the baseline Ashworth excess that full stimulation removes", 0.1, 1.0, 0.0,
              "Penn 1989 long-term: 4.0 -> 1.0 (75 %); high ITB doses can cause hypotonia, so near-complete."),
    # --- pharmacodynamics: brain effect site and sedation ---
    ParamSpec("ke0_brain_per_h", 1.0, "1/h", "Durant2018", "A",
              "Brain effect-site equilibration rate", 0.05, 20.0, 30.0,
              "Subjective effects of 60 mg peak at 60-120 min 'in line with PK': short hysteresis."),
    ParamSpec("brain_plasma_ratio", 0.12, "ratio", "Sallerin2003", "A",
              "Brain extracellular : plasma concentration (via the blood-brain barrier)", 0.01, 1.0, 30.0,
              "Brain < 1/10 of blood in animals (Sallerin 2003); CSF 1/8.5 of plasma (Swiss label)."),
    ParamSpec("brain_csf_weight", 0.05, "ratio", "Assumption", "A",
              "Share of cranial CSF concentration that reaches brain receptors", 0.0, 1.0, 50.0,
              "Little: CSF touches the brain surface only; ITB causes no drowsiness at therapeutic doses "
              "(Penn 1989) but an ITB overdose sedates (labels)."),
    ParamSpec("ec50_sedation_ng_per_ml", 85.0, "ng/mL", "Leung2006", "A",
              "Brain effect-site concentration for half-maximal CNS depression", 5.0, 2000.0, 40.0,
              "No published EC50. Anchors: none at single 20 mg (Cmax ~340 ng/mL), drowsiness at 40-80 mg/day, "
              "coma only in overdose (plasma 700-3300 ng/mL; Leung 2006)."),
    ParamSpec("hill_sedation", 2.0, "-", "Assumption", "A",
              "Hill coefficient, CNS depression", 0.5, 6.0, 0.0,
              "Steep enough to separate 'no sedation' at 20 mg from coma in overdose."),
    # --- adaptation and withdrawal ---
    ParamSpec("tau_adapt_days", 5.0, "days", "KroinBianchiPenn1993", "A",
              "Time constant of receptor adaptation (tolerance)", 0.25, 120.0, 30.0,
              "Rat spinal GABA-B binding unchanged at day 1, down at day 3 and 7. Humans adapt more slowly "
              "(dose creep over 12-18 months); adjustable."),
    ParamSpec("adaptation_gain", 0.3, "fraction", "Akman1993", "A",
              "Fraction of the stimulation that adaptation offsets at steady state", 0.0, 0.95, 0.0,
              "Partial tolerance: relief persists long term but doses creep (22 % 'tolerant'). Stopping unmasks it."),
    ParamSpec("tau_symptom_h", 8.0, "h", "SpinalCord2009", "A",
              "Delay from withdrawal drive to symptoms (two first-order stages)", 0.5, 96.0, 30.0,
              "Withdrawal begins 12-72 h after a stop or cut and evolves over 1-3 days (Coffey 2002)."),
    ParamSpec("withdrawal_weight_spinal", 3.6, "-", "Coffey2002", "A",
              "Severity per unit of spinal withdrawal drive", 0.0, 50.0, 30.0,
              "Scaled so an abrupt stop of 400 ug/day ITB reaches 'severe' (Coffey 2002)."),
    ParamSpec("withdrawal_weight_supraspinal", 12.0, "-", "Coffey2002", "A",
              "Severity per unit of supraspinal withdrawal drive", 0.0, 200.0, 30.0,
              "Brain withdrawal shows as delirium and seizures; scaled so a usual oral regimen stopped after months "
              "reaches 'moderate' (hallucinations after ~1 day; D'Aleo 2007, Leo & Baer 2005)."),
)
# fmt: on

_SPEC_BY_NAME: dict[str, ParamSpec] = {s.name: s for s in PARAMETER_SPECS}


@dataclass(frozen=True)
class ModelParams:
    """Individual (or population) model parameters, in the units of :data:`PARAMETER_SPECS`.

    Fields are floats for one patient or arrays of shape ``(n,)`` for ``n`` virtual patients.
    ``crcl_ml_per_min`` and ``csf_scale`` are patient-specific covariate values applied by
    :func:`pkmodels.covariates.individualize`.
    """

    f_oral: Any
    ka_per_h: Any
    vc_l: Any
    vp_l: Any
    q_l_per_h: Any
    cl_nonrenal_l_per_h: Any
    renal_cl_per_crcl: Any
    csf_clearance_ml_per_h: Any
    lumbar_cranial_ratio: Any
    csf_bulk_flow_ml_per_h: Any
    v_csf_lumbar_ml: Any
    v_csf_cranial_ml: Any
    csf_plasma_ratio: Any
    ke0_spinal_per_h: Any
    ec50_spinal_ng_per_ml: Any
    hill_spinal: Any
    relief_max_fraction: Any
    ke0_brain_per_h: Any
    brain_plasma_ratio: Any
    brain_csf_weight: Any
    ec50_sedation_ng_per_ml: Any
    hill_sedation: Any
    tau_adapt_days: Any
    adaptation_gain: Any
    tau_symptom_h: Any
    withdrawal_weight_spinal: Any
    withdrawal_weight_supraspinal: Any
    crcl_ml_per_min: Any = 100.0

    def replace(self, **changes: Any) -> ModelParams:
        return dataclasses.replace(self, **changes)

    def items(self) -> list[tuple[str, Any]]:
        """(name, value) of every field, without copying (dataclasses.asdict deep-copies every array)."""
        return [(f.name, getattr(self, f.name)) for f in dataclasses.fields(self)]

    def take(self, rows: slice) -> ModelParams:
        """The parameter sets of patients ``rows`` (every field an array of one common length)."""
        return ModelParams(**{k: v[rows] for k, v in self.items()})

    @property
    def n_patients(self) -> int:
        """1 for scalar parameters, else the common array length."""
        return max(np.size(v) for _, v in self.items())

    def as_arrays(self, n: int | None = None) -> ModelParams:
        """All fields as float arrays of one common length (scalars broadcast; arrays of that length reused)."""
        n = self.n_patients if n is None else n
        out = {}
        for k, v in self.items():
            a = np.asarray(v, dtype=float)
            out[k] = a if a.shape == (n,) else np.broadcast_to(a, (n,)).copy()
        return ModelParams(**out)

    # Derived quantities used by the engine (all vectorised) ------------------------------------
    @property
    def cl_renal_l_per_h(self) -> Any:
        return self.renal_cl_per_crcl * self.crcl_ml_per_min * 0.06  # mL/min -> L/h

    @property
    def cl_total_l_per_h(self) -> Any:
        return self.cl_renal_l_per_h + self.cl_nonrenal_l_per_h

    @property
    def csf_flows_l_per_h(self) -> tuple[Any, Any, Any]:
        """(lumbar drainage to blood, lumbar<->cranial mixing, cranial drainage to blood), L/h.

        Derived from the apparent lumbar clearance CL_app, the lumbar:cranial ratio r and the bulk flow
        CL_c (cranial drainage): at steady state of a lumbar infusion, r = (Q + CL_c) / Q and
        CL_app = CL_l + Q (1 - 1/r), hence Q = CL_c / (r - 1) and CL_l = CL_app - CL_c / r.
        CL_l is floored at 1 % of CL_app so that extreme population draws stay physical.
        """
        cl_app = np.asarray(self.csf_clearance_ml_per_h) / 1000.0
        ratio = np.asarray(self.lumbar_cranial_ratio)
        cl_c = np.asarray(self.csf_bulk_flow_ml_per_h) / 1000.0
        q_mix = cl_c / (ratio - 1.0)
        cl_l = np.maximum(cl_app - cl_c / ratio, 0.01 * cl_app)
        return cl_l, q_mix, cl_c


def default_params() -> ModelParams:
    """Typical values for a 70-kg adult with CrCL 100 mL/min."""
    return ModelParams(**{s.name: s.value for s in PARAMETER_SPECS})


def check_override(name: str, value: Any) -> float:
    """Validate one parameter override; returns the float or raises ``ValueError`` with one clear line."""
    spec = _SPEC_BY_NAME.get(name)
    if spec is None:
        raise ValueError(f"unknown parameter {name!r} (see 'python -m pkmodels params')")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"parameter {name} must be a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v) or not (spec.lower <= v <= spec.upper):
        raise ValueError(f"parameter {name} = {v:g} is outside {spec.lower:g}..{spec.upper:g} {spec.unit}")
    return v


def spec(name: str) -> ParamSpec:
    return _SPEC_BY_NAME[name]


def parameter_table() -> list[dict[str, Any]]:
    """Rows for display: name, value, unit, source key and full reference, tag, assumption flag, note."""
    return [
        {
            "name": s.name,
            "value": s.value,
            "unit": s.unit,
            "description": s.description,
            "source": s.source,
            "reference": SOURCES[s.source],
            "tag": s.tag,
            "assumption": s.assumption,
            "cv_percent": s.cv_percent,
            "range": f"{s.lower:g}..{s.upper:g}",
            "note": s.note,
        }
        for s in PARAMETER_SPECS
    ]
