"""The compartment model as matrices: the states, where drug enters, how it moves, what is read.

The pharmacokinetics -- gut (and the held-back part of a large ingestion), plasma, peripheral tissue, a chain
of spinal CSF segments and the cranial CSF -- and the effect sites (which are linear in the amounts) form a
linear system ``dx/dt = A x + B r(t)``.  Drug enters through *sites* (``"gut"`` for oral doses, ``"intrathecal"``
for the catheter, ``"plasma"`` for checks); the input matrix ``B`` says where each site's drug goes (the
catheter tip shares its dose between the two CSF segments around it, :func:`pkmodels.neuraxis.point_weights`);
the observation matrix reads concentrations at named places.  :mod:`pkmodels.engine` solves the system.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from . import neuraxis
from .events import Bolus, EventTable
from .parameters import ModelParams

__all__ = [
    "CE_ARMS",
    "CE_BRAIN",
    "CE_BRAIN_SLOW",
    "CE_LEGS",
    "CORD_ARMS",
    "CORD_LEGS",
    "CORD_STEPS",
    "CRANIAL",
    "CSF_STATES",
    "EFFECT_STATES",
    "ELIMINATED",
    "GUT",
    "MASS_STATES",
    "N_STATES",
    "OBSERVABLES",
    "PERIPHERAL",
    "PLASMA",
    "RETAINED",
    "SITES",
    "SPINAL",
    "STATES",
    "absorbed",
    "csf_point_row",
    "input_matrix",
    "observation_matrix",
    "rate_matrix",
    "state_volumes_l",
]

SPINAL_STATES = tuple(f"csf_spinal_{k}" for k in range(1, neuraxis.N_SEGMENTS + 1))  # top (C1-C4) to bottom
CORD_STEPS = 3  # CSF -> pia and white matter -> dorsal horn: a delay of three equal first-order steps
_CORD = {site: (*(f"cord_{site}_{k}" for k in range(1, CORD_STEPS)), f"ce_{site}") for site in ("legs", "arms")}
STATES = (
    "gut",
    "retained",
    "plasma",
    "peripheral",
    "csf_cranial",
    *SPINAL_STATES,
    "eliminated",
    *_CORD["legs"],
    *_CORD["arms"],
    "ce_brain",
    "ce_brain_slow",
)
N_STATES = len(STATES)
_INDEX = {name: k for k, name in enumerate(STATES)}
GUT, RETAINED, PLASMA, PERIPHERAL, CRANIAL = (
    _INDEX[s] for s in ("gut", "retained", "plasma", "peripheral", "csf_cranial")
)
SPINAL = np.array([_INDEX[s] for s in SPINAL_STATES])
ELIMINATED = _INDEX["eliminated"]
CE_LEGS, CE_ARMS, CE_BRAIN, CE_BRAIN_SLOW = (_INDEX[s] for s in ("ce_legs", "ce_arms", "ce_brain", "ce_brain_slow"))
CORD_LEGS, CORD_ARMS = (np.array([_INDEX[s] for s in _CORD[site]]) for site in ("legs", "arms"))
EFFECT_STATES = np.array([*CORD_LEGS, *CORD_ARMS, CE_BRAIN, CE_BRAIN_SLOW])  # concentrations, not amounts
CSF_STATES = np.array([CRANIAL, *SPINAL])
MASS_STATES = slice(GUT, ELIMINATED + 1)  # amounts in micrograms; the effect sites are concentrations
SITES = ("gut", "retained", "plasma", "intrathecal")  # where drug can enter (pkmodels.events; retained: model.absorbed)
_SITE = {s: k for k, s in enumerate(SITES)}

# Places whose concentration (ng/mL) the engine reports: name -> (spinal position in cm, or a state).
_POINTS = {f"csf_{k}": x for k, x in neuraxis.SAMPLING_CM.items()}
OBSERVABLES = (
    "plasma",
    "csf_lumbar",
    "csf_thoracic",
    "csf_cervical",
    "csf_cranial",
    "ce_legs",
    "ce_arms",
    "ce_brain",
    "ce_brain_slow",
)


def _spinal_geometry(p: ModelParams) -> tuple[np.ndarray, np.ndarray]:
    """Volume of one spinal segment (L) and the exchange flow between neighbouring segments (L/h)."""
    v_seg_l = p.v_csf_spinal_ml / neuraxis.N_SEGMENTS / 1000.0
    area_ml_per_cm = p.v_csf_spinal_ml / neuraxis.CANAL_LENGTH_CM
    q_l = p.csf_dispersion_cm2_per_h * area_ml_per_cm / neuraxis.SEGMENT_LENGTH_CM / 1000.0
    return v_seg_l, q_l


def state_volumes_l(p: ModelParams) -> np.ndarray:
    """The volume (L) that turns each state into a concentration in ng/mL, shape ``(n_patients, N_STATES)``.

    Amounts are micrograms, so amount / volume in litres is ng/mL.  The effect sites already are
    concentrations (volume 1); the gut and the eliminated drug have no concentration (NaN).
    """
    p = p.as_arrays()
    vol = np.full((p.n_patients, N_STATES), np.nan)
    vol[:, PLASMA] = p.vc_l
    vol[:, PERIPHERAL] = p.vp_l
    vol[:, CRANIAL] = p.v_csf_cranial_ml / 1000.0
    vol[:, SPINAL] = _spinal_geometry(p)[0][:, None]
    vol[:, EFFECT_STATES] = 1.0
    return vol


def csf_point_row(p: ModelParams, x_cm: float | np.ndarray) -> np.ndarray:
    """Row vectors (n_patients, N_STATES) reading the CSF concentration (ng/mL) at ``x_cm`` from the amounts."""
    n = p.n_patients
    row = np.zeros((n, N_STATES))
    row[:, SPINAL] = np.broadcast_to(neuraxis.point_weights(x_cm), (n, neuraxis.N_SEGMENTS))
    return row / np.where(np.isnan(state_volumes_l(p)), 1.0, state_volumes_l(p))


def rate_matrix(p: ModelParams) -> np.ndarray:
    """The system matrix ``A``, shape ``(n_patients, N_STATES, N_STATES)``.

    Mass moves between compartments by first-order transfers (each column of the mass states sums to zero:
    nothing is created or lost except into ``eliminated``).  CSF segments exchange with their neighbours and
    with the cranial CSF (pulsatile mixing), lose drug to blood (spinal outflow, and the bulk flow of CSF out of
    the cranial CSF) and gain it from plasma, so that with no intrathecal input every CSF compartment settles at
    ``csf_plasma_ratio`` x plasma.  The effect sites follow their drivers without taking mass away.
    """
    p = p.as_arrays()
    n = p.n_patients
    a = np.zeros((n, N_STATES, N_STATES))

    def move(src: int | np.ndarray, dst: int | np.ndarray, k: np.ndarray) -> None:
        a[:, dst, src] += k
        a[:, src, src] -= k

    vc, vp = p.vc_l, p.vp_l
    move(GUT, PLASMA, p.f_oral * p.ka_per_h)
    move(GUT, ELIMINATED, (1.0 - p.f_oral) * p.ka_per_h)  # presystemic loss counts as eliminated
    move(RETAINED, GUT, np.log(2.0) / p.retained_half_life_h)  # a large ingestion reaches the gut slowly
    move(PLASMA, PERIPHERAL, p.q_l_per_h / vc)
    move(PERIPHERAL, PLASMA, p.q_l_per_h / vp)
    move(PLASMA, ELIMINATED, p.cl_total_l_per_h / vc)

    v_seg, q = _spinal_geometry(p)
    v_cran = p.v_csf_cranial_ml / 1000.0
    drain_cran = p.csf_bulk_flow_ml_per_h / 1000.0
    drain_seg = p.csf_spinal_clearance_ml_per_h / neuraxis.N_SEGMENTS / 1000.0
    chain = [CRANIAL, *SPINAL]  # the cranial CSF sits above the first segment, one segment length away
    volumes = [v_cran, *([v_seg] * neuraxis.N_SEGMENTS)]
    for (i, vi), (j, vj) in itertools.pairwise(zip(chain, volumes, strict=True)):
        move(i, j, q / vi)
        move(j, i, q / vj)
    for k, vk, drain in zip(chain, volumes, [drain_cran, *([drain_seg] * neuraxis.N_SEGMENTS)], strict=True):
        move(k, PLASMA, drain / vk)
        move(PLASMA, k, p.csf_plasma_ratio * drain / vc)

    # Effect sites: dCe/dt = k (driver - Ce); drivers are concentrations read from the amounts.  The cord sites
    # are the last of CORD_STEPS such steps in a row (a hydrophilic drug crossing pia and white matter).
    k_cord = CORD_STEPS / p.cord_penetration_h
    for chain_states, x_cm in ((CORD_LEGS, neuraxis.LEGS_SITE_CM), (CORD_ARMS, neuraxis.ARMS_SITE_CM)):
        driver = csf_point_row(p, x_cm)
        for state in chain_states:
            a[:, state, :] += k_cord[:, None] * driver
            a[:, state, state] -= k_cord
            driver = np.zeros((n, N_STATES))
            driver[:, state] = 1.0
    brain = np.zeros((n, N_STATES))
    brain[:, PLASMA] = p.brain_plasma_ratio / vc
    brain[:, CRANIAL] = p.brain_csf_weight / v_cran
    k_slow = np.log(2.0) / p.brain_slow_half_life_h
    for state, k in ((CE_BRAIN, p.ke0_brain_per_h), (CE_BRAIN_SLOW, k_slow)):
        a[:, state, :] += k[:, None] * brain
        a[:, state, state] -= k
    return a


def input_matrix(p: ModelParams) -> np.ndarray:
    """Where each site's drug enters, shape ``(n_patients, N_STATES, len(SITES))`` (columns sum to 1)."""
    p = p.as_arrays()
    b = np.zeros((p.n_patients, N_STATES, len(SITES)))
    b[:, GUT, _SITE["gut"]] = 1.0
    b[:, RETAINED, _SITE["retained"]] = 1.0
    b[:, PLASMA, _SITE["plasma"]] = 1.0
    b[:, SPINAL, _SITE["intrathecal"]] = neuraxis.point_weights(p.catheter_tip_cm)
    return b


def absorbed(events: EventTable, params: ModelParams) -> EventTable:
    """The events as the body takes them up: of each oral dose, the part beyond ``absorption_capacity_mg`` enters
    the ``retained`` site (held back, reaching the gut slowly) instead of the gut.  Idempotent.

    Piecewise linear in the dose, so the PK stays linear in each dose's two parts (exact solution unchanged).
    The capacity has no between-patient variability: one value for every parameter set.
    """
    caps = np.unique(np.asarray(params.absorption_capacity_mg, dtype=float))
    if caps.size != 1:
        raise ValueError("absorption_capacity_mg must be the same for every parameter set")
    cap_ug = float(caps[0]) * 1000.0
    if all(b.site != "gut" or b.amount_ug <= cap_ug for b in events.boluses):
        return events
    boluses: list[Bolus] = []
    for b in events.boluses:
        if b.site == "gut" and b.amount_ug > cap_ug:
            boluses += [Bolus(b.time_h, cap_ug, "gut"), Bolus(b.time_h, b.amount_ug - cap_ug, "retained")]
        else:
            boluses.append(b)
    return EventTable(tuple(boluses), events.infusions)


def observation_matrix(p: ModelParams, names: Sequence[str] = OBSERVABLES) -> np.ndarray:
    """Rows that read concentrations (ng/mL) from the state, shape ``(n_patients, len(names), N_STATES)``.

    Names: ``plasma``, ``csf_cranial``, the CSF at the lumbar-puncture site (``csf_lumbar``, L3-L4), at T6
    (``csf_thoracic``) and at C5 (``csf_cervical``), and the effect sites.
    """
    p = p.as_arrays()
    vol = state_volumes_l(p)
    h = np.zeros((p.n_patients, len(names), N_STATES))
    for r, name in enumerate(names):
        if name in _POINTS:
            h[:, r] = csf_point_row(p, _POINTS[name])
        else:
            k = _INDEX[name]
            h[:, r, k] = 1.0 / vol[:, k]
    return h
