"""Pharmacodynamics on top of the effect-site concentrations.

Three receptor sites: the lumbosacral cord (legs; driven by the CSF at the conus, T12), the cervical cord (arms;
CSF at C5-C6) and the brain (supraspinal: brain tissue exposed to plasma through the blood-brain barrier and to
the cranial CSF through the pia, in a fast and a slowly equilibrating part).  Per site:

* stimulation ``S = C^n / (EC50^n + C^n)`` of GABA-B receptors at the effect site;
* adaptation on two time scales (tolerance): a fast part (days: receptor down-regulation, tolerance to
  sedation) and a slow part (months: the creep of dose needs), each following S, ``dA/dt = (S - A) / tau``;
* net inhibitory tone ``N = S (1 - g_s A_s) - g_f A_f``: the slow part desensitises (scales the drug's effect
  down: tolerance without rebound), the fast part counter-regulates (subtracts).  Positive tone is the drug
  effect (spasticity relief at the cord sites, CNS depression at the brain).  When the drug falls away faster
  than the counter-regulation can undo itself, ``N`` turns negative: the withdrawal drive ``D = max(-N, 0)`` is
  the unopposed counter-regulation;
* symptoms follow the drive through two first-order stages (``tau_symptom_h``), and are weighted per site
  (spinal: the legs' cord; supraspinal) into a severity index with named stages.

Co-medication acts by mechanism (:data:`COMEDICATIONS`): each adds CNS depression as an equivalent baclofen
concentration at the brain (Loewe additivity); opioids and benzodiazepines also depress breathing directly,
alcohol and sleep medicines impair coordination.  Respiratory depression and impaired coordination are indices
of their own (independent mechanisms combine as ``1 - (1 - a)(1 - b)``).  Every number is a labelled teaching
assumption (:mod:`pkmodels.assumptions`).

The adaptation and symptom filters (:mod:`pkmodels.filters`) are solved exactly for inputs linear between grid
points, as linear recurrences vectorised over patients (never a loop over patients).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .filters import first_order_filter, first_order_filters
from .parameters import ModelParams

__all__ = [
    "COMEDICATIONS",
    "COORDINATION_STAGES",
    "COORDINATION_THRESHOLDS",
    "PD_SITES",
    "RESPIRATORY_STAGES",
    "RESPIRATORY_THRESHOLDS",
    "SEDATION_STAGES",
    "SEDATION_THRESHOLDS",
    "WITHDRAWAL_STAGES",
    "WITHDRAWAL_SYMPTOMS",
    "WITHDRAWAL_THRESHOLDS",
    "Comedication",
    "PDCourse",
    "PDReadouts",
    "PDSettings",
    "PDState",
    "brain_concentration",
    "coordination_impairment",
    "first_order_filter",
    "first_order_filters",
    "hill",
    "net_tone",
    "pd_course",
    "pharmacodynamics",
    "readouts",
    "relief_ashworth",
    "respiratory_depression",
    "sedation_index",
    "sedation_of",
    "stage_of",
    "stimulation",
    "stimulation_for_net",
    "withdrawal_drive",
    "withdrawal_indices",
]

PD_SITES = ("spinal", "cervical", "supraspinal")  # legs' cord, arms' cord, brain

SEDATION_STAGES = ("none", "drowsy", "marked", "stupor", "coma risk")
SEDATION_THRESHOLDS = (0.15, 0.40, 0.65, 0.85)  # sedation index at which each stage after "none" begins
WITHDRAWAL_STAGES = ("none", "mild", "moderate", "severe", "life-threatening")
WITHDRAWAL_THRESHOLDS = (0.10, 0.25, 0.50, 0.75)
RESPIRATORY_STAGES = ("none", "mild", "moderate", "severe")
RESPIRATORY_THRESHOLDS = (0.10, 0.30, 0.60)  # slowed breathing; hypoventilation; apnoea risk
COORDINATION_STAGES = ("none", "mild", "marked", "severe")
COORDINATION_THRESHOLDS = (0.15, 0.40, 0.65)  # unsteady; ataxia and falls; cannot stand or walk
# CNS depression deeper than this (sedation index) depresses breathing by itself: ventilation is needed in
# 35-43 % of baclofen self-poisonings (Leger 2017; Przegl Lek 2005), i.e. from stupor on.
RESPIRATORY_EXPONENT = 2.0  # breathing follows CNS depression squared: negligible when drowsy, large in coma

# What each stage looks like, by site (from the seed documents and Coffey 2002).
WITHDRAWAL_SYMPTOMS: dict[str, dict[int, str]] = {
    "spinal": {
        1: "rebound spasticity, itching (pruritus)",
        2: "marked rebound spasticity and spasms, itching, fast heart rate, sweating, blood-pressure swings",
        3: "rigidity, high fever, muscle breakdown (rhabdomyolysis)",
        4: "rigidity with hyperthermia, rhabdomyolysis, clotting failure and multi-organ failure",
    },
    "supraspinal": {
        1: "anxiety, restlessness, insomnia",
        2: "hallucinations, confusion, agitation (altered mental status)",
        3: "delirium, seizures, high fever",
        4: "status epilepticus, coma, multi-organ failure",
    },
}


@dataclass(frozen=True)
class Comedication:
    """A co-medication's effects at a usual dose (intensity 1), each a labelled teaching assumption."""

    label: str
    equivalent_ng_per_ml: float  # CNS depression as a brain-effect-site baclofen equivalent
    respiratory: float  # direct respiratory depression (0-1) besides the CNS depression
    coordination: float  # impaired coordination (0-1) besides the CNS depression
    note: str  # what the seed documents say
    mechanism: str  # why the numbers differ


COMEDICATIONS: dict[str, Comedication] = {
    "none": Comedication("None", 0.0, 0.0, 0.0, "", ""),
    "alcohol": Comedication(
        "Alcohol",
        40.0,
        0.0,
        0.30,
        "intensifies drowsiness, dizziness, impaired coordination",
        "GABA-A and NMDA effects: a usual amount (about two drinks) first impairs coordination and reaction time; "
        "breathing is depressed only through deep CNS depression (intoxication).",
    ),
    "opioid": Comedication(
        "Opioid",
        60.0,
        0.20,
        0.05,
        "extreme sedation, respiratory depression, death",
        "Mu-opioid receptors in the brainstem's respiratory centres depress breathing directly, on top of the "
        "sedation (opioid + baclofen: opioid-overdose hazard 1.8-2.5-fold, Li 2020; Neurology 2022).",
    ),
    "benzodiazepine": Comedication(
        "Benzodiazepine",
        50.0,
        0.08,
        0.25,
        "additive or synergistic sedation, respiratory depression",
        "GABA-A modulators: sedation and ataxia; alone they rarely stop breathing, but with other CNS "
        "depressants they do (FDA boxed warning 2016; coma with benzodiazepine co-ingestion, Franchitto 2014).",
    ),
    "sleep_medicine": Comedication(
        "Sleep medicine",
        45.0,
        0.03,
        0.30,
        "excessive sleepiness, impaired coordination",
        "Z-drugs and sedating antihistamines: sleepiness and impaired coordination (falls, next-day impairment); "
        "little direct effect on breathing.",
    ),
}


def hill(conc: np.ndarray, ec50: np.ndarray | float, n: np.ndarray | float) -> np.ndarray:
    """Fractional stimulation ``C^n / (EC50^n + C^n)``, written as ``1 / (1 + (EC50/C)^n)``.

    Concentrations at or below zero (and NaN) give 0.
    """
    c = np.fmax(np.asarray(conc, dtype=float), 0.0)  # C <= 0: EC50/C = inf, stimulation 0
    n = np.asarray(n, dtype=float)
    if n.size > 1 and np.all(n == n.flat[0]):
        n = n.flat[0]  # one exponent for everyone: a scalar power is several times faster
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        ratio = np.array(np.asarray(ec50) / c, dtype=float)  # an array even for 0-d input (out= needs one)
        np.power(ratio, n, out=ratio)
        ratio += 1.0
        return np.reciprocal(ratio, out=ratio)


def stage_of(index: np.ndarray, thresholds: tuple[float, ...]) -> np.ndarray:
    """Stage number (0..len(thresholds)) of each index value: how many thresholds it reaches."""
    index = np.asarray(index)
    stage = np.zeros(index.shape, dtype=np.int8)
    for t in thresholds:
        stage += index >= t
    return stage


def _times_intensity(effect: float, intensity: float) -> float:
    """An effect (0-1) at a usual dose, scaled to ``intensity`` usual doses as independent fractions."""
    return 1.0 - (1.0 - effect) ** intensity


def stimulation(conc: np.ndarray, ec50: np.ndarray, n: np.ndarray) -> np.ndarray:
    """GABA-B stimulation (0..1) at an effect site; ``ec50`` and ``n`` per patient, shape (n,)."""
    return hill(conc, ec50[:, None], n[:, None])


def brain_concentration(ce_fast: np.ndarray, ce_slow: np.ndarray, p: ModelParams) -> np.ndarray:
    """Brain receptor exposure (ng/mL): the fast and the slowly equilibrating brain tissue, by their shares."""
    phi = p.brain_slow_fraction[:, None]
    return (1.0 - phi) * ce_fast + phi * ce_slow


def net_tone(stim: np.ndarray, adapt_fast: np.ndarray, adapt_slow: np.ndarray, p: ModelParams) -> np.ndarray:
    """Net inhibitory tone ``S (1 - g_s A_s) - g_f A_f``: the drug effect that adaptation leaves.

    The two adaptations differ in kind.  Slow adaptation is desensitisation (fewer or less coupled receptors):
    it scales the drug's own effect down, so more drug is needed, but leaves nothing behind when the drug goes.
    Fast adaptation is counter-regulation (excitatory tone turned up against the drug): it subtracts, and when
    the drug falls away faster than it can undo itself the tone turns negative -- withdrawal.
    """
    g_f, g_s = p.adaptation_gain_fast[:, None], p.adaptation_gain_slow[:, None]
    return stim * (1.0 - g_s * adapt_slow) - g_f * adapt_fast


def stimulation_for_net(net: float, adapt_fast: float, adapt_slow: float, g_f: float, g_s: float) -> float:
    """The stimulation ``S`` that leaves net tone ``net`` given the adaptation states: :func:`net_tone` solved for
    ``S`` (``S = (N + g_f A_f) / (1 - g_s A_s)``; infinite when desensitisation has removed every effect)."""
    scale = 1.0 - g_s * adapt_slow
    return (net + g_f * adapt_fast) / scale if scale > 0 else float("inf")


def withdrawal_drive(net: np.ndarray) -> np.ndarray:
    """Unopposed counter-regulation: the negative part of the net tone."""
    return np.maximum(-net, 0.0)


def relief_ashworth(net: np.ndarray, p: ModelParams, baseline_ashworth: float) -> np.ndarray:
    """Spasticity relief (Ashworth points): the positive part of the net tone removes up to
    ``relief_max_fraction`` of the baseline score."""
    return baseline_ashworth * p.relief_max_fraction[:, None] * np.clip(net, 0.0, 1.0)


def sedation_index(
    c_brain: np.ndarray,
    adapt_fast: np.ndarray,
    adapt_slow: np.ndarray,
    p: ModelParams,
    comedication: str = "none",
    intensity: float = 1.0,
) -> np.ndarray:
    """Sedation / CNS depression (0..1): brain stimulation by baclofen plus the co-medication (Loewe
    additivity: equivalent concentrations add), minus the adaptation."""
    eq = COMEDICATIONS[comedication].equivalent_ng_per_ml * intensity
    stim = stimulation(c_brain + eq, p.ec50_sedation_ng_per_ml, p.hill_sedation)
    return np.clip(net_tone(stim, adapt_fast, adapt_slow, p), 0.0, 1.0)


def respiratory_depression(sedation: np.ndarray, comedication: str, intensity: float) -> np.ndarray:
    """Respiratory depression (0..1): CNS depression itself (sedation to the power
    :data:`RESPIRATORY_EXPONENT`: a drowsy patient breathes almost normally, a comatose one does not) and the
    co-medication's direct effect on breathing, combined as independent mechanisms.  Because the own part grows
    with any sedation, baclofen adds to an opioid's risk at usual doses too (Li 2020)."""
    own = np.clip(sedation, 0.0, 1.0) ** RESPIRATORY_EXPONENT
    direct = _times_intensity(COMEDICATIONS[comedication].respiratory, intensity)
    return 1.0 - (1.0 - own) * (1.0 - direct)


def coordination_impairment(sedation: np.ndarray, comedication: str, intensity: float) -> np.ndarray:
    """Impaired coordination (0..1): CNS depression (drowsiness, dizziness, weakness) and the co-medication's
    own effect on balance and reaction time, combined as independent mechanisms."""
    direct = _times_intensity(COMEDICATIONS[comedication].coordination, intensity)
    return 1.0 - (1.0 - sedation) * (1.0 - direct)


@dataclass(frozen=True)
class PDSettings:
    """The patient-level inputs of the PD that are not parameters: untreated spasticity and co-medication.

    ``baseline_ashworth_upper_limb`` is the arms' untreated score (``None``: the same as the legs').
    """

    baseline_ashworth: float = 4.0
    comedication: str = "none"
    comedication_intensity: float = 1.0
    baseline_ashworth_upper_limb: float | None = None

    @property
    def upper_limb_baseline(self) -> float:
        given = self.baseline_ashworth_upper_limb
        return self.baseline_ashworth if given is None else given


@dataclass(frozen=True)
class PDState:
    """Slow PD states carried from one stretch of simulation to the next (each shape (n_patients,)).

    ``adapt[site]`` is (fast, slow) adaptation; ``symptoms[site]`` the two symptom stages (spinal, supraspinal).
    """

    adapt: dict[str, tuple[np.ndarray, np.ndarray]]
    symptoms: dict[str, tuple[np.ndarray, np.ndarray]]

    @staticmethod
    def zeros(n: int) -> PDState:
        z = np.zeros(n)
        return PDState(dict.fromkeys(PD_SITES, (z, z)), dict.fromkeys(("spinal", "supraspinal"), (z, z)))


@dataclass(frozen=True)
class PDReadouts:
    """Every PD readout, arrays of shape (n_patients, n_times); field names are the result-table columns
    (:mod:`pkmodels.columns`).  Adaptation columns are the combined offset ``(g_f A_f + g_s A_s) / (g_f + g_s)``
    on the stimulation's 0-1 scale, with the fast and slow parts beside them."""

    stimulation_spinal: np.ndarray
    stimulation_cervical: np.ndarray
    stimulation_supraspinal: np.ndarray
    adaptation_spinal: np.ndarray
    adaptation_cervical: np.ndarray
    adaptation_supraspinal: np.ndarray
    adaptation_spinal_fast: np.ndarray
    adaptation_spinal_slow: np.ndarray
    adaptation_supraspinal_fast: np.ndarray
    adaptation_supraspinal_slow: np.ndarray
    net_tone_spinal: np.ndarray
    spasticity_relief_ashworth: np.ndarray
    spasticity_relief_upper_limb_ashworth: np.ndarray
    ashworth_score: np.ndarray
    ashworth_score_upper_limb: np.ndarray
    sedation_index: np.ndarray
    sedation_stage: np.ndarray
    respiratory_depression_index: np.ndarray
    respiratory_stage: np.ndarray
    respiratory_warning: np.ndarray
    coordination_impairment_index: np.ndarray
    coordination_stage: np.ndarray
    withdrawal_drive_spinal: np.ndarray
    withdrawal_drive_supraspinal: np.ndarray
    withdrawal_spinal_index: np.ndarray
    withdrawal_supraspinal_index: np.ndarray
    withdrawal_index: np.ndarray
    withdrawal_stage: np.ndarray
    withdrawal_spinal_stage: np.ndarray
    withdrawal_supraspinal_stage: np.ndarray

    def columns(self) -> dict[str, np.ndarray]:
        """Column name -> array, in table order."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


def _combined(fast: np.ndarray, slow: np.ndarray, p: ModelParams) -> np.ndarray:
    g_f, g_s = p.adaptation_gain_fast[:, None], p.adaptation_gain_slow[:, None]
    total = g_f + g_s
    return np.where(total > 0, (g_f * fast + g_s * slow) / np.where(total > 0, total, 1.0), 0.0)


def sedation_of(
    c_brain: np.ndarray,
    adapt: tuple[np.ndarray, np.ndarray],
    net: np.ndarray,
    p: ModelParams,
    settings: PDSettings,
) -> np.ndarray:
    """Sedation index (0..1) from the brain exposure, the supraspinal adaptation and its net tone (which already
    holds the stimulation by baclofen alone: without co-medication no second Hill evaluation is needed)."""
    comed, intensity = settings.comedication, settings.comedication_intensity
    if COMEDICATIONS[comed].equivalent_ng_per_ml * intensity:
        return sedation_index(c_brain, *adapt, p, comed, intensity)
    return np.clip(net, 0.0, 1.0)


def withdrawal_indices(symptoms: dict[str, np.ndarray], p: ModelParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Spinal, supraspinal and overall (the worse of the two) withdrawal severity from the symptom states."""
    w_sp = p.withdrawal_weight_spinal[:, None] * symptoms["spinal"]
    w_sup = p.withdrawal_weight_supraspinal[:, None] * symptoms["supraspinal"]
    return w_sp, w_sup, np.maximum(w_sp, w_sup)


def readouts(
    c_brain: np.ndarray,
    stim: dict[str, np.ndarray],
    adapt: dict[str, tuple[np.ndarray, np.ndarray]],
    symptoms: dict[str, np.ndarray],
    p: ModelParams,
    settings: PDSettings,
    net: dict[str, np.ndarray] | None = None,
) -> PDReadouts:
    """The algebraic part of the PD: relief, sedation, breathing, coordination, withdrawal indices and stages
    from the stimulation, adaptation and symptom states (all (n_patients, n_times); ``p`` as arrays (n,));
    ``net`` is the net tone per site if already computed."""
    comed, intensity = settings.comedication, settings.comedication_intensity
    if net is None:
        net = {s: net_tone(stim[s], *adapt[s], p) for s in PD_SITES}
    relief_legs = relief_ashworth(net["spinal"], p, settings.baseline_ashworth)
    relief_arms = relief_ashworth(net["cervical"], p, settings.upper_limb_baseline)
    sedation = sedation_of(c_brain, adapt["supraspinal"], net["supraspinal"], p, settings)
    resp = respiratory_depression(sedation, comed, intensity)
    coord = coordination_impairment(sedation, comed, intensity)
    resp_stage = stage_of(resp, RESPIRATORY_THRESHOLDS)
    w_sp, w_sup, w_all = withdrawal_indices(symptoms, p)
    return PDReadouts(
        stimulation_spinal=stim["spinal"],
        stimulation_cervical=stim["cervical"],
        stimulation_supraspinal=stim["supraspinal"],
        adaptation_spinal=_combined(*adapt["spinal"], p),
        adaptation_cervical=_combined(*adapt["cervical"], p),
        adaptation_supraspinal=_combined(*adapt["supraspinal"], p),
        adaptation_spinal_fast=adapt["spinal"][0],
        adaptation_spinal_slow=adapt["spinal"][1],
        adaptation_supraspinal_fast=adapt["supraspinal"][0],
        adaptation_supraspinal_slow=adapt["supraspinal"][1],
        net_tone_spinal=net["spinal"],
        spasticity_relief_ashworth=relief_legs,
        spasticity_relief_upper_limb_ashworth=relief_arms,
        ashworth_score=settings.baseline_ashworth - relief_legs,
        ashworth_score_upper_limb=settings.upper_limb_baseline - relief_arms,
        sedation_index=sedation,
        sedation_stage=stage_of(sedation, SEDATION_THRESHOLDS),
        respiratory_depression_index=resp,
        respiratory_stage=resp_stage,
        respiratory_warning=resp_stage >= 2,
        coordination_impairment_index=coord,
        coordination_stage=stage_of(coord, COORDINATION_THRESHOLDS),
        withdrawal_drive_spinal=withdrawal_drive(net["spinal"]),
        withdrawal_drive_supraspinal=withdrawal_drive(net["supraspinal"]),
        withdrawal_spinal_index=w_sp,
        withdrawal_supraspinal_index=w_sup,
        withdrawal_index=w_all,
        withdrawal_stage=stage_of(w_all, WITHDRAWAL_THRESHOLDS),
        withdrawal_spinal_stage=stage_of(w_sp, WITHDRAWAL_THRESHOLDS),
        withdrawal_supraspinal_stage=stage_of(w_sup, WITHDRAWAL_THRESHOLDS),
    )


def site_stimulation(
    ce_legs: np.ndarray, ce_arms: np.ndarray | None, c_brain: np.ndarray, p: ModelParams
) -> dict[str, np.ndarray]:
    """GABA-B stimulation at the three sites (the two cord sites share their potency); without ``ce_arms``
    only the spinal and supraspinal sites."""
    out = {"spinal": stimulation(ce_legs, p.ec50_spinal_ng_per_ml, p.hill_spinal)}
    if ce_arms is not None:
        out["cervical"] = stimulation(ce_arms, p.ec50_spinal_ng_per_ml, p.hill_spinal)
    out["supraspinal"] = stimulation(c_brain, p.ec50_sedation_ng_per_ml, p.hill_sedation)
    return out


@dataclass(frozen=True)
class PDCourse:
    """The filtered PD states of a stretch: stimulation, adaptation (fast, slow) and symptom stage 2 per site,
    the net tone, and the states at its last time (:class:`PDState`; NaN for sites that were not computed)."""

    stim: dict[str, np.ndarray]
    adapt: dict[str, tuple[np.ndarray, np.ndarray]]
    net: dict[str, np.ndarray]
    symptoms: dict[str, np.ndarray]
    state: PDState


def pd_course(
    times_h: np.ndarray,
    stim: dict[str, np.ndarray],
    p: ModelParams,
    state: PDState,
    sites: tuple[str, ...] = PD_SITES,
) -> PDCourse:
    """Adaptation at ``sites`` and the withdrawal symptom stages (spinal, supraspinal among them) from the
    stimulation (n_patients, n_times); ``p`` as arrays.  Every filter of one kind runs in one recurrence."""
    n = next(iter(stim.values())).shape[0]
    tau_f, tau_s = p.tau_adapt_fast_days * 24.0, p.tau_adapt_slow_days * 24.0
    filtered = first_order_filters(
        [stim[s] for s in sites for _ in range(2)],
        times_h,
        [tau for _ in sites for tau in (tau_f, tau_s)],
        [state.adapt[s][i] for s in sites for i in range(2)],
    )
    adapt = {s: (filtered[2 * i], filtered[2 * i + 1]) for i, s in enumerate(sites)}
    net = {s: net_tone(stim[s], *adapt[s], p) for s in sites}
    sym_sites = [s for s in ("spinal", "supraspinal") if s in sites]
    drives = [withdrawal_drive(net[s]) for s in sym_sites]
    taus = [p.tau_symptom_h] * len(sym_sites)
    first = first_order_filters(drives, times_h, taus, [state.symptoms[s][0] for s in sym_sites])
    second = first_order_filters(first, times_h, taus, [state.symptoms[s][1] for s in sym_sites])
    nan = np.full(n, np.nan)
    end = PDState(
        {s: (adapt[s][0][:, -1].copy(), adapt[s][1][:, -1].copy()) if s in adapt else (nan, nan) for s in PD_SITES},
        {
            s: (first[i][:, -1].copy(), second[i][:, -1].copy()) if s in sym_sites else (nan, nan)
            for i, s in enumerate(sym_sites)
        },
    )
    for s in ("spinal", "supraspinal"):
        end.symptoms.setdefault(s, (nan, nan))
    return PDCourse(stim, adapt, net, dict(zip(sym_sites, second, strict=True)), end)


def pharmacodynamics(
    times_h: np.ndarray,
    ce_legs: np.ndarray,
    ce_arms: np.ndarray,
    ce_brain_fast: np.ndarray,
    ce_brain_slow: np.ndarray,
    params: ModelParams,
    settings: PDSettings = PDSettings(),
    state: PDState | None = None,
) -> tuple[PDReadouts, PDState]:
    """All PD readouts on the grid ``times_h`` from the effect-site concentrations (arrays of shape
    (n_patients, n_times)).  Returns the readouts and the slow states at the last time, to continue a later
    stretch."""
    ce_legs = np.atleast_2d(ce_legs)
    n = ce_legs.shape[0]
    p = params.as_arrays(n)
    state = PDState.zeros(n) if state is None else state
    c_brain = brain_concentration(np.atleast_2d(ce_brain_fast), np.atleast_2d(ce_brain_slow), p)
    stim = site_stimulation(ce_legs, np.atleast_2d(ce_arms), c_brain, p)
    course = pd_course(times_h, stim, p, state)
    out = readouts(c_brain, stim, course.adapt, course.symptoms, p, settings, net=course.net)
    return out, course.state
