"""Export a scenario as SBML Level 3 Version 2: the model, the patient's parameters and the dosing.

Built with the standard library only (the dashboard ships without libsbml).  Amounts are micrograms,
volumes litres and time hours, so species concentrations read in ug/L = ng/mL.  The export is generated from
the engine's own matrices (:func:`pkmodels.engine.rate_matrix`, :func:`~pkmodels.engine.input_matrix`,
:func:`~pkmodels.engine.observation_matrix`), so it cannot drift from them: each first-order transfer between
two compartments (gut, the held-back part of a large ingestion, plasma, peripheral, the cranial CSF, the spinal
CSF segments, eliminated) is one
mass-action reaction with a named rate constant (1/h); the effect sites (the cord's three-step delay, the brain)
are parameters with rate rules (ng/mL);
the CSF at the lumbar-puncture site, T6 and C5 and the brain exposure are assignment rules.  Intrathecal drug
enters the segments around the catheter tip in the engine's shares.  Boluses and infusion-rate changes are
events at their times (triggers start false, so an event at t = 0 fires).  With prior therapy, SBML time 0 is
scenario time 0 and the initial values are the engine's state just before time 0.  A teaching model, not dosing
advice.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

import numpy as np

from . import __version__, engine
from .engine import MASS_STATES, N_STATES, SITES, STATES
from .events import EventTable
from .model import individual_params, scenario_events, state_at_zero
from .neuraxis import SEGMENT_NAMES
from .parameters import ModelParams
from .scenario import Scenario

__all__ = ["scenario_to_sbml"]

SBML_NS = "http://www.sbml.org/sbml/level3/version2/core"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
XHTML_NS = "http://www.w3.org/1999/xhtml"
TIME_URL = "http://www.sbml.org/sbml/symbols/time"
_TOL_H = 1e-9
_MASS = list(range(N_STATES))[MASS_STATES]
_EFFECTS = [k for k in range(N_STATES) if k not in _MASS]
_READOUTS = ("csf_lumbar", "csf_thoracic", "csf_cervical")  # CSF at named places: assignment rules
_NAMES = {
    "gut": "gut (absorption window)",
    "retained": "held-back part of a large ingestion",
    "plasma": "plasma (central)",
    "peripheral": "peripheral tissue",
    "csf_cranial": "cranial CSF",
    **{f"csf_spinal_{k + 1}": f"spinal CSF {name}" for k, name in enumerate(SEGMENT_NAMES)},
    "eliminated": "eliminated",
}
# unit id -> (kind, exponent, scale, multiplier) factors
UNITS = {
    "microgram": [("gram", 1, -6, 1.0)],
    "hour": [("second", 1, 0, 3600.0)],
    "per_hour": [("second", -1, 0, 3600.0)],
    "per_hour_per_litre": [("second", -1, 0, 3600.0), ("litre", -1, 0, 1.0)],
    "microgram_per_hour": [("gram", 1, -6, 1.0), ("second", -1, 0, 3600.0)],
    "ng_per_ml": [("gram", 1, -6, 1.0), ("litre", -1, 0, 1.0)],  # ug/L
    "per_litre": [("litre", -1, 0, 1.0)],
}


def _compartment(state: int) -> str:
    """Compartment id of a mass state (ids share one namespace with the species)."""
    return f"V_{STATES[state]}"


def _volumes(p: ModelParams) -> dict[int, float]:
    """Compartment sizes (L) of the mass states; the gut and the eliminated drug are nominal 1 L."""
    vol = engine.state_volumes_l(p)[0]
    return {k: 1.0 if np.isnan(vol[k]) else float(vol[k]) for k in _MASS}


def _flows(a: np.ndarray) -> list[tuple[str, int, int, float]]:
    """First-order transfers ``(id, from_state, to_state, rate constant 1/h)`` between mass states."""
    return [
        (f"k_{STATES[src]}__{STATES[dst]}", src, dst, float(a[dst, src]))
        for src in _MASS
        for dst in _MASS
        if dst != src and a[dst, src] > 0
    ]


def _initial_state(scenario: Scenario, a: np.ndarray, events: EventTable) -> np.ndarray:
    """Engine state just before scenario time 0 (zeros without prior therapy), as in model.simulate_arrays."""
    p = individual_params(scenario)
    x0, _ = state_at_zero(a, p, events, scenario.prior_therapy_days * 24.0)
    return np.zeros(N_STATES) if x0 is None else x0[0]


def _rate(events: EventTable, site: str, t: float, *, before: bool = False) -> float:
    """Total infusion rate into ``site`` (ug/h) just after ``t`` (just before it with ``before``)."""
    t = t - _TOL_H if before else t + _TOL_H
    return sum(i.rate_ug_per_h for i in events.infusions if i.site == site and i.start_h <= t < i.stop_h)


def _amount(k: int) -> ET.Element:
    """MathML for the amount in mass state ``k``: concentration x compartment size."""
    return _apply("times", _ci(STATES[k]), _ci(_compartment(k)))


def _linear(coefficients: dict[int, str]) -> ET.Element:
    """MathML sum of coefficient-parameter x amount over mass states (and x value for effect sites)."""
    terms = [_apply("times", _ci(pid), _amount(k) if k in _MASS else _ci(STATES[k])) for k, pid in coefficients.items()]
    return terms[0] if len(terms) == 1 else _apply("plus", *terms)


# ------------------------------------------------------------------------------------ XML helpers


def _sub(parent: ET.Element, tag: str, **attrs: object) -> ET.Element:
    return ET.SubElement(parent, tag, {k: v if isinstance(v, str) else _fmt(v) for k, v in attrs.items()})


def _fmt(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return repr(float(v)) if isinstance(v, (float, int, np.floating)) else str(v)


def _math(parent: ET.Element, node: ET.Element) -> None:
    _sub(parent, "math", xmlns=MATHML_NS).append(node)


def _apply(op: str, *args: ET.Element) -> ET.Element:
    el = ET.Element("apply")
    ET.SubElement(el, op)
    el.extend(args)
    return el


def _ci(name: str) -> ET.Element:
    el = ET.Element("ci")
    el.text = f" {name} "
    return el


def _cn(value: float, units: str) -> ET.Element:
    el = ET.Element("cn", {"sbml:units": units, "type": "real"})
    el.text = f" {float(value)!r} "
    return el


def _time() -> ET.Element:
    el = ET.Element("csymbol", encoding="text", definitionURL=TIME_URL)
    el.text = " time "
    return el


def _notes(parent: ET.Element, *paragraphs: str) -> None:
    body = _sub(_sub(parent, "notes"), "body", xmlns=XHTML_NS)
    for text in paragraphs:
        _sub(body, "p").text = text


# ------------------------------------------------------------------------------------------ export


def scenario_to_sbml(scenario: Scenario) -> str:
    """SBML L3V2 text of the model with the scenario's individual parameters and dosing (t >= 0)."""
    p = individual_params(scenario)
    a = engine.rate_matrix(p)[0]
    b_in = engine.input_matrix(p)[0]
    h = engine.observation_matrix(p, _READOUTS)[0]
    events = engine.absorbed(scenario_events(scenario), p)
    x0 = _initial_state(scenario, engine.rate_matrix(p), events)
    title = scenario.title or "untitled scenario"

    root = ET.Element("sbml", {"xmlns": SBML_NS, "xmlns:sbml": SBML_NS, "level": "3", "version": "2"})
    model = _sub(
        root,
        "model",
        id="baclofen_pk",
        name=f"Baclofen PK (pkmodels): {title}",
        substanceUnits="microgram",
        timeUnits="hour",
        volumeUnits="litre",
        extentUnits="microgram",
    )
    prior = (
        f"The initial values are the state reached at time 0 after {scenario.prior_therapy_days:g} days of "
        "prior therapy."
        if scenario.prior_therapy_days > 0
        else "The body is drug-free at time 0."
    )
    _notes(
        model,
        "Teaching model, not dosing advice.",
        f"Generated by pkmodels {__version__} from the scenario: {title}.",
        "Amounts in micrograms, volumes in litres, time in hours: concentrations read in ng/mL (ug/L). "
        f"Time 0 is scenario time 0. {prior} The catheter tip is at {scenario.catheter_tip}.",
    )

    units = _sub(model, "listOfUnitDefinitions")
    for uid, factors in UNITS.items():
        lst = _sub(_sub(units, "unitDefinition", id=uid), "listOfUnits")
        for kind, exponent, scale, multiplier in factors:
            _sub(lst, "unit", kind=kind, exponent=float(exponent), scale=str(scale), multiplier=multiplier)

    comps = _sub(model, "listOfCompartments")
    for k, size in _volumes(p).items():
        _sub(comps, "compartment", id=_compartment(k), spatialDimensions=3.0, size=size, units="litre", constant=True)

    species = _sub(model, "listOfSpecies")
    for k in _MASS:
        _sub(
            species,
            "species",
            id=STATES[k],
            name=_NAMES[STATES[k]],
            compartment=_compartment(k),
            initialAmount=float(x0[k]),
            substanceUnits="microgram",
            hasOnlySubstanceUnits=False,
            boundaryCondition=False,
            constant=False,
        )

    flows = _flows(a)
    sites = [s for s in SITES if any(i.site == s for i in events.infusions)]
    params = _sub(model, "listOfParameters")
    for pid, src, dst, rate in flows:
        name = f"{_NAMES[STATES[src]]} to {_NAMES[STATES[dst]]} [1/h]"
        _sub(params, "parameter", id=pid, name=name, value=rate, units="per_hour", constant=True)
    # effect sites: dCe/dt = sum_j A[e, j] x_j (amounts of mass states, values of effect sites)
    rate_rules: dict[int, dict[int, str]] = {}
    for e in _EFFECTS:
        rate_rules[e] = {}
        for j in np.flatnonzero(a[e]):
            pid = f"c_{STATES[e]}__{STATES[j]}"
            unit = "per_hour_per_litre" if j in _MASS else "per_hour"
            _sub(params, "parameter", id=pid, value=float(a[e, j]), units=unit, constant=True)
            rate_rules[e][int(j)] = pid
        _sub(params, "parameter", id=STATES[e], name=f"{STATES[e]} effect site [ng/mL]", value=float(x0[e]),
             units="ng_per_ml", constant=False)  # fmt: skip
    readout_terms: dict[str, dict[int, str]] = {}
    for row, name in enumerate(_READOUTS):
        readout_terms[name] = {}
        for j in np.flatnonzero(h[row]):
            pid = f"w_{name}__{STATES[j]}"
            _sub(params, "parameter", id=pid, value=float(h[row, j]), units="per_litre", constant=True)
            readout_terms[name][int(j)] = pid
        _sub(params, "parameter", id=name, name=f"CSF at {name.replace('csf_', '')} [ng/mL]", units="ng_per_ml",
             constant=False)  # fmt: skip
    brain_share = float(p.brain_slow_fraction)
    _sub(params, "parameter", id="brain_slow_fraction", value=brain_share, units="dimensionless", constant=True)
    _sub(params, "parameter", id="effect_brain", name="brain receptor exposure [ng/mL]", units="ng_per_ml",
         constant=False)  # fmt: skip
    for site in sites:
        _sub(
            params,
            "parameter",
            id=f"infusion_{site}",
            name=f"infusion rate, {site} [ug/h]",
            value=_rate(events, site, 0.0, before=True),
            units="microgram_per_hour",
            constant=False,
        )

    rules = _sub(model, "listOfRules")
    for name, terms in readout_terms.items():
        _math(_sub(rules, "assignmentRule", variable=name), _linear(terms))
    brain = _apply(
        "plus",
        _apply("times", _apply("minus", _cn(1.0, "dimensionless"), _ci("brain_slow_fraction")), _ci("ce_brain")),
        _apply("times", _ci("brain_slow_fraction"), _ci("ce_brain_slow")),
    )
    _math(_sub(rules, "assignmentRule", variable="effect_brain"), brain)
    for e, terms in rate_rules.items():
        _math(_sub(rules, "rateRule", variable=STATES[e]), _linear(terms))

    reactions = _sub(model, "listOfReactions")
    for pid, src, dst, _k in flows:
        r = _sub(reactions, "reaction", id=pid.replace("k_", "r_", 1), name=pid, reversible=False)
        _sub(_sub(r, "listOfReactants"), "speciesReference", species=STATES[src], stoichiometry=1.0, constant=True)
        _sub(_sub(r, "listOfProducts"), "speciesReference", species=STATES[dst], stoichiometry=1.0, constant=True)
        # mass action on the amount: k x compartment x concentration (ug/h)
        _math(_sub(r, "kineticLaw"), _apply("times", _ci(pid), _amount(src)))
    for site in sites:
        for target in np.flatnonzero(b_in[:, SITES.index(site)]):
            share = float(b_in[target, SITES.index(site)])
            r = _sub(reactions, "reaction", id=f"r_infusion_{site}__{STATES[target]}", reversible=False,
                     name=f"infusion ({site}) into {_NAMES[STATES[target]]}")  # fmt: skip
            _sub(_sub(r, "listOfProducts"), "speciesReference", species=STATES[target], stoichiometry=1.0,
                 constant=True)  # fmt: skip
            _math(_sub(r, "kineticLaw"), _apply("times", _cn(share, "dimensionless"), _ci(f"infusion_{site}")))

    _dosing_events(model, scenario, events, sites, b_in)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _dosing_events(
    model: ET.Element, scenario: Scenario, events: EventTable, sites: list[str], b_in: np.ndarray
) -> None:
    """One SBML event per distinct dosing time in [0, duration]: its boluses and its infusion-rate changes."""
    end = scenario.duration_h + _TOL_H
    times = {round(b.time_h, 9) for b in events.boluses if -_TOL_H <= b.time_h <= end}
    times |= {round(float(t), 9) for t in events.rate_breakpoints() if -_TOL_H <= t <= end}
    lst = ET.Element("listOfEvents")
    for t in sorted({max(t, 0.0) for t in times}):  # a bolus within 1e-9 h before 0 fires at 0
        doses: dict[int, float] = defaultdict(float)
        for b in events.boluses:
            if abs(b.time_h - t) <= 1e-7:
                for target in np.flatnonzero(b_in[:, SITES.index(b.site)]):
                    doses[int(target)] += b.amount_ug * float(b_in[target, SITES.index(b.site)])
        rates = {s: _rate(events, s, t) for s in sites}
        rates = {s: r for s, r in rates.items() if r != _rate(events, s, t, before=True)}
        if not doses and not rates:
            continue
        label = [f"{amt:.6g} ug into {STATES[k]}" for k, amt in doses.items()]
        label += [f"infusion into {s} -> {r:g} ug/h" for s, r in rates.items()]
        ev = _sub(
            lst, "event", id=f"dose_{len(lst)}", name=f"t = {t:g} h: " + "; ".join(label), useValuesFromTriggerTime=True
        )
        _math(_sub(ev, "trigger", initialValue=False, persistent=True), _apply("geq", _time(), _cn(t, "hour")))
        assign = _sub(ev, "listOfEventAssignments")
        for k, amt in doses.items():  # species symbols are concentrations: add amount / volume
            _math(
                _sub(assign, "eventAssignment", variable=STATES[k]),
                _apply("plus", _ci(STATES[k]), _apply("divide", _cn(amt, "microgram"), _ci(_compartment(k)))),
            )
        for s, r in rates.items():
            _math(_sub(assign, "eventAssignment", variable=f"infusion_{s}"), _cn(r, "microgram_per_hour"))
    if len(lst):
        model.append(lst)
