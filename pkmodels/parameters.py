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
import functools
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
    "Chen2017": "Chen et al. AJNR 2017;38:1061-7, doi:10.3174/ajnr.A5134 (intraspinal CSF 95 mL by MR myelography)",
    "LumbarMRI": "Lumbosacral CSF volume by MRI, PMID 17056974",
    "Bale": "Bale et al., paediatric neurology chapter (intracranial CSF ~75 mL; infant CSF 30-50 mL)",
    "Eide2021": "Eide PK et al. JCI Insight 2021;6:e147063 (a major role of the spinal canal in CSF clearance)",
    "Heetla2016": "Heetla HW et al. Br J Clin Pharmacol 2016;81:101-12, doi:10.1111/bcp.12781",
    "Penn1989": "Penn RD et al. N Engl J Med 1989;320:1517-21, doi:10.1056/NEJM198906083202303",
    "McKenna": "McKenna's Drug Handbook 7e: ITB bolus onset 0.5-1 h, peak ~4 h, duration 4-8 h",
    "Durant2018": "Durant C et al. Front Psychiatry 2018;9:664, doi:10.3389/fpsyt.2018.00664",
    "Sallerin2003": "Sallerin B, Lazorthes Y. Neurochirurgie 2003;49:271-5, PMID 12746702",
    "Leung2006": "Leung NY et al. Emerg Med Australas 2006;18:77-82, doi:10.1111/j.1742-6723.2006.00805.x",
    "KroinBianchiPenn1993": "Kroin JS, Bianchi GD, Penn RD. J Neurosurg 1993;79:544-9, doi:10.3171/jns.1993.79.4.0544",
    "Akman1993": "Akman MN et al. Paraplegia 1993;31:516-20, doi:10.1038/sc.1993.84; Heetla 2009",
    "Heetla2009": "Heetla HW et al. Spinal Cord 2009;47:751-6, doi:10.1038/sc.2009.34 (dose plateau ~350 ug/day "
    "after 12-18 months)",
    "Coffey2002": "Coffey RJ et al. Arch Phys Med Rehabil 2002;83:735-41, doi:10.1053/apmr.2002.32820",
    "SpinalCord2009": "Spinal Cord 2009;47:477-80, doi:10.1038/sc.2008.156 (onset 12-72 h)",
    "Vlavonou2014": "Vlavonou R et al. J Clin Pharmacol 2014;54:584-92, doi:10.1002/jcph.247",
    "IT-label": "Intrathecal baclofen labels (Lioresal Intrathecal, Gablofen): overdose coma up to 72 h",
    "Okuda2022": "Okuda DT et al. Brain Commun 2022;4:fcac300, doi:10.1093/braincomms/fcac300",
    "Meythaler2004": "Meythaler JM et al. J Head Trauma Rehabil 2004;19:101-8, PMID 15247821",
    "Lal2009": "Lal R et al. J Pharmacol Exp Ther 2009;330:911-21, doi:10.1124/jpet.108.149773 (baclofen's narrow "
    "absorption window in the upper small intestine)",
    "Franchitto2018": "Franchitto N et al. Front Psychiatry 2018;9:417, doi:10.3389/fpsyt.2018.00417 (half-life "
    "12-36 h after overdose)",
    "Bernards2006": "Bernards CM. Anesthesiology 2006;105:169-78 (CSF and spinal cord distribution of baclofen "
    "during slow intrathecal infusion in pigs)",
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
    ParamSpec("cl_nonrenal_l_per_h", 1.2, "L/h", "Wuis1989", "D",
              "Non-renal clearance (deamination)", 0.0, 50.0, 25.0,
              "The kidneys remove most absorbed baclofen: 69 % of an oral dose unchanged in urine (Wuis 1989) with "
              "F 0.74 is 93 % of the absorbed drug; Kochak's CLR / (CL/F x F) is 77 %; the label: ~15 % "
              "metabolised. 85 % renal of a systemic CL of ~8 L/h leaves 1.2 L/h. IIV 25 %."),
    ParamSpec("renal_cl_per_crcl", 1.0, "ratio", "Wuis1989", "R",
              "Renal clearance / creatinine clearance", 0.1, 3.0, 20.0,
              "Apparent renal clearance ~ creatinine clearance (glomerular filtration dominant)."),
    ParamSpec("absorption_capacity_mg", 200.0, "mg", "Lal2009", "A",
              "Largest single dose the absorption window takes up at the usual rate", 1.0, 10000.0, 0.0,
              "Baclofen is taken up by carriers in a narrow window of the upper small intestine (Lal 2009). Assumed: "
              "single doses up to 200 mg are taken up as usual (Evans 2009 80 mg; Simon 2018 up to 300 mg/day in "
              "divided doses; ingestions of 200 mg or more cause coma, Leung 2006); what a dose brings beyond this "
              "is held back (next line)."),
    ParamSpec("retained_half_life_h", 20.0, "h", "Franchitto2018", "A",
              "Half-life with which the held-back part of a large ingestion reaches the absorption window",
              0.5, 200.0, 0.0,
              "A mass of tablets leaves the stomach slowly and the saturated carriers take up only so much per hour. "
              "Chosen so the plasma half-life after a massive ingestion sits in the middle of the published 12-36 h "
              "(Franchitto 2018; geometric middle ~21 h) instead of the usual 3-7 h."),
    # --- cerebrospinal fluid: a chain of spinal segments and the cranial CSF ---
    ParamSpec("v_csf_spinal_ml", 95.0, "mL", "Chen2017", "R",
              "Intraspinal CSF volume (split into equal segments along the canal)", 20.0, 300.0, 20.0,
              "95.3 mL in 32 controls (MR myelography); its lowest three segments (T12-S2) hold 36 mL, as measured "
              "for the lumbosacral CSF (35.8 +/- 10.9 mL, PMID 17056974). IIV from that study's spread."),
    ParamSpec("v_csf_cranial_ml", 75.0, "mL", "Bale", "R",
              "Intracranial CSF volume (cisterns, ventricles, cranial subarachnoid space)", 10.0, 400.0, 20.0,
              "~75 mL intracranial of ~150-170 mL total CSF (StatPearls; Bale)."),
    ParamSpec("csf_bulk_flow_ml_per_h", 20.0, "mL/h", "StatPearlsCSF", "R",
              "CSF production = drainage from the cranial CSF to blood (arachnoid villi)", 5.0, 60.0, 15.0,
              "Production 0.3-0.4 mL/min (18-25 mL/h)."),
    ParamSpec("csf_dispersion_cm2_per_h", 183.0, "cm2/h", "CA-IT", "D",
              "Mixing along the spinal canal (pulsatile dispersion)", 5.0, 5000.0, 40.0,
              "No measured human value. Derived: with the spinal clearance below, the chain gives the monograph's "
              "apparent CSF clearance (30 mL/h) and lumbar : cisternal 4 : 1 with the tip at T10. Checks, not "
              "fitted: Kroin 1993 (T2 = 43 % of T12), the opioid gradient by tip level."),
    ParamSpec("csf_spinal_clearance_ml_per_h", 27.2, "mL/h", "CA-IT", "D",
              "Loss of drug from the spinal CSF to blood (spinal veins, nerve-root outflow), total", 0.0, 200.0, 50.0,
              "Derived with the dispersion above from CL 30 mL/h and 4 : 1. Spinal CSF clearance is real (Eide 2021); "
              "bolus clearances of 13-80 mL/h (Mueller 1988) give the 50 % IIV."),
    ParamSpec("csf_plasma_ratio", round(1 / 8.5, 4), "ratio", "SwissFI", "R",
              "CSF : plasma concentration at oral steady state", 0.01, 1.0, 30.0,
              "CSF concentrations 'ca. 8.5 times lower' than plasma. Entry clearances are set to give this ratio in "
              "every CSF segment."),
    # --- pharmacodynamics: spinal efficacy (legs: lumbosacral cord; arms: cervical cord) ---
    ParamSpec("cord_penetration_h", 2.8, "h", "McKenna", "A",
              "Mean delay from the CSF to the cord's receptors (three equal first-order steps)", 0.1, 48.0, 30.0,
              "A hydrophilic drug crosses pia and white matter to the dorsal horn slowly (Bernards 2006). Three "
              "steps rather than one: one step that puts the peak of a 50 ug bolus near 4 h keeps it above 1 "
              "point for 10 h, three steps give onset within 1 h, peak near 4 h and 4-8 h of effect (McKenna)."),
    ParamSpec("ec50_spinal_ng_per_ml", 209.0, "ng/mL", "Penn1989", "A",
              "Cord effect-site concentration for half-maximal GABA-B stimulation", 1.0, 5000.0, 40.0,
              "Chosen so oral 70-80 mg/day gives ~0.3-0.4 Ashworth points (Meythaler 2004 3.5 -> 3.2; arbaclofen "
              "-0.39 vs placebo, Okuda 2022) and a 3-day infusion 2-3 points (Penn 1989 4.0 -> 1.2)."),
    ParamSpec("hill_spinal", 1.25, "-", "Assumption", "A",
              "Hill coefficient, spinal stimulation", 0.5, 5.0, 0.0,
              "Moderately steep concentration-effect curve: near the top, tolerance needs a lot more drug."),
    ParamSpec("relief_max_fraction", 1.0, "fraction", "Penn1989", "A",
              "Fraction of the baseline Ashworth score that full net stimulation removes", 0.1, 1.0, 0.0,
              "Penn 1989 long-term: 4.0 -> 1.0; high intrathecal doses cause hypotonia (tone below normal)."),
    # --- pharmacodynamics: brain exposure and CNS depression ---
    ParamSpec("brain_plasma_ratio", 0.12, "ratio", "Sallerin2003", "A",
              "Brain extracellular : plasma concentration (via the blood-brain barrier)", 0.01, 1.0, 30.0,
              "Brain < 1/10 of blood in animals (Sallerin 2003); CSF 1/8.5 of plasma (Swiss label)."),
    ParamSpec("brain_csf_weight", 0.12, "ratio", "Assumption", "A",
              "Share of the cranial CSF concentration that reaches brain receptors (across the pia and ependyma)",
              0.0, 1.0, 40.0,
              "Chosen so that therapeutic intrathecal doses cause no drowsiness (Penn 1989) while 775 ug/day adapts "
              "the brain enough for hallucinations after a catheter dislocation (D'Aleo 2007) and a ten-fold "
              "intrathecal error sedates (labels)."),
    ParamSpec("ke0_brain_per_h", 1.0, "1/h", "Durant2018", "A",
              "Brain effect site, fast part: equilibration rate", 0.05, 20.0, 30.0,
              "Subjective effects of 60 mg peak at 60-120 min 'in line with PK': short hysteresis."),
    ParamSpec("brain_slow_fraction", 0.4, "fraction", "IT-label", "A",
              "Share of brain receptor exposure in slowly equilibrating brain tissue", 0.0, 0.95, 0.0,
              "Baclofen leaves the brain slowly: coma lasts up to 72 h after an intrathecal overdose although CSF "
              "clears in hours (labels), and days after massive ingestions (Leung 2006; case series)."),
    ParamSpec("brain_slow_half_life_h", 18.0, "h", "IT-label", "A",
              "Half-life of exchange of the slow brain tissue", 1.0, 200.0, 30.0,
              "Chosen with the share above so that coma after a massive ingestion or an intrathecal overdose lasts "
              "1-3 days, while usual doses still peak 1-2 h after a tablet (Durant 2018)."),
    ParamSpec("ec50_sedation_ng_per_ml", 85.0, "ng/mL", "Leung2006", "A",
              "Brain effect-site concentration for half-maximal CNS depression", 5.0, 2000.0, 40.0,
              "No published EC50. Anchors: none at single 20 mg (Cmax ~340 ng/mL), drowsiness at 40-80 mg/day, "
              "coma only in overdose (plasma 700-3300 ng/mL; Leung 2006)."),
    ParamSpec("hill_sedation", 2.0, "-", "Assumption", "A",
              "Hill coefficient, CNS depression", 0.5, 6.0, 0.0,
              "Steep enough to separate 'no sedation' at 20 mg from coma in overdose."),
    # --- adaptation (tolerance) on two time scales, and withdrawal ---
    ParamSpec("tau_adapt_fast_days", 5.0, "days", "KroinBianchiPenn1993", "A",
              "Time constant of fast adaptation (counter-regulation: tolerance to sedation, rebound on a stop)",
              0.25, 60.0,
              30.0,
              "Rat spinal GABA-B binding unchanged at day 1, down at day 3 and 7; drowsiness wanes over days."),
    ParamSpec("adaptation_gain_fast", 0.25, "fraction", "KroinBianchiPenn1993", "A",
              "Share of the stimulation that fast adaptation offsets (subtracted: the source of withdrawal)", 0.0,
              0.9, 0.0,
              "Small enough that relief persists long term (Penn 1989); what it has built up is unmasked as "
              "withdrawal when the drug goes faster than it can undo itself (over days: tapers stay mild), and large "
              "enough that usual tablets started at a pump stop cover the withdrawal only partly (Mohammed & "
              "Hussain 2004)."),
    ParamSpec("tau_adapt_slow_days", 150.0, "days", "Heetla2009", "A",
              "Time constant of slow adaptation (desensitisation: the creep of dose needs over months)", 10.0,
              2000.0, 30.0,
              "Intrathecal dose needs rise for 12-18 months, then level off (Heetla 2009; Akman 1993)."),
    ParamSpec("adaptation_gain_slow", 0.15, "fraction", "Heetla2009", "A",
              "Share of the drug's effect that full desensitisation removes (scales it, leaves no rebound)", 0.0,
              0.9, 40.0,
              "Sets how far doses creep: about three-fold over the first year (83 -> 270-300 ug/day); its IIV "
              "makes some patients 'tolerant' (22 %, Akman 1993)."),
    ParamSpec("tau_symptom_h", 6.0, "h", "SpinalCord2009", "A",
              "Delay from withdrawal drive to symptoms (two first-order stages)", 0.5, 96.0, 30.0,
              "Withdrawal begins 12-72 h after a stop or cut and evolves over 1-3 days (Coffey 2002)."),
    ParamSpec("withdrawal_weight_spinal", 3.6, "-", "Coffey2002", "A",
              "Severity per unit of spinal withdrawal drive", 0.0, 50.0, 30.0,
              "Scaled so an abrupt stop of 400 ug/day ITB reaches 'severe' within 1-3 days (Coffey 2002)."),
    ParamSpec("withdrawal_weight_supraspinal", 18.0, "-", "Coffey2002", "A",
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
    ``crcl_ml_per_min`` is the patient's creatinine clearance (set by :func:`pkmodels.covariates.individualize`)
    and ``catheter_tip_cm`` where the intrathecal catheter ends (cm below the foramen magnum, from the
    scenario's ``catheter_tip``).
    """

    f_oral: Any
    ka_per_h: Any
    absorption_capacity_mg: Any
    retained_half_life_h: Any
    vc_l: Any
    vp_l: Any
    q_l_per_h: Any
    cl_nonrenal_l_per_h: Any
    renal_cl_per_crcl: Any
    v_csf_spinal_ml: Any
    v_csf_cranial_ml: Any
    csf_bulk_flow_ml_per_h: Any
    csf_dispersion_cm2_per_h: Any
    csf_spinal_clearance_ml_per_h: Any
    csf_plasma_ratio: Any
    cord_penetration_h: Any
    ec50_spinal_ng_per_ml: Any
    hill_spinal: Any
    relief_max_fraction: Any
    brain_plasma_ratio: Any
    brain_csf_weight: Any
    ke0_brain_per_h: Any
    brain_slow_fraction: Any
    brain_slow_half_life_h: Any
    ec50_sedation_ng_per_ml: Any
    hill_sedation: Any
    tau_adapt_fast_days: Any
    adaptation_gain_fast: Any
    tau_adapt_slow_days: Any
    adaptation_gain_slow: Any
    tau_symptom_h: Any
    withdrawal_weight_spinal: Any
    withdrawal_weight_supraspinal: Any
    crcl_ml_per_min: Any = 100.0
    catheter_tip_cm: Any = 34.67  # T10 (pkmodels.neuraxis); set from the scenario's catheter_tip

    def replace(self, **changes: Any) -> ModelParams:
        return dataclasses.replace(self, **changes)

    def items(self) -> list[tuple[str, Any]]:
        """(name, value) of every field, without copying (dataclasses.asdict deep-copies every array)."""
        return [(f.name, getattr(self, f.name)) for f in dataclasses.fields(self)]

    def take(self, rows: slice | np.ndarray) -> ModelParams:
        """The parameter sets of patients ``rows`` (a slice or an index array; every field an array of one common
        length)."""
        return ModelParams(**{k: v[rows] for k, v in self.items()})

    @functools.cached_property
    def n_patients(self) -> int:
        """1 for scalar parameters, else the common array length."""
        return max(np.size(v) for _, v in self.items())

    def as_arrays(self, n: int | None = None) -> ModelParams:
        """All fields as float arrays of one common length (scalars broadcast; arrays of that length reused).

        Kept on the instance, per length: one simulation asks for the same parameters as arrays about 18
        times (rate matrix, inputs, observation rows, PD), which took a fifth of a one-patient run.  The
        broadcast arrays are read-only, so a caller cannot change what the next one is given."""
        n = self.n_patients if n is None else n
        if self.__dict__.get("_arrays_of_length") == n:
            return self
        known = self.__dict__.setdefault("_as_arrays", {})
        hit = known.get(n)
        if hit is None:
            out = {}
            for k, v in self.items():
                a = np.asarray(v, dtype=float)
                if a.shape != (n,):
                    a = np.broadcast_to(a, (n,)).copy()
                    a.flags.writeable = False
                out[k] = a
            hit = known[n] = ModelParams(**out)
            hit.__dict__["_arrays_of_length"] = n  # its as_arrays(n) is itself (a marker, not a reference cycle)
        return hit

    # Derived quantities used by the engine (all vectorised) ------------------------------------
    @property
    def cl_renal_l_per_h(self) -> Any:
        return self.renal_cl_per_crcl * self.crcl_ml_per_min * 0.06  # mL/min -> L/h

    @property
    def cl_total_l_per_h(self) -> Any:
        return self.cl_renal_l_per_h + self.cl_nonrenal_l_per_h

    @property
    def adaptation_gain_total(self) -> Any:
        """Share of the stimulation that full (fast and slow) adaptation offsets."""
        return self.adaptation_gain_fast + self.adaptation_gain_slow


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
