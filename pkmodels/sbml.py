"""Export a scenario as SBML Level 3 Version 2: the model, the patient's parameters and the dosing.

Built with the standard library only (the dashboard ships without libsbml).  Amounts are micrograms,
volumes litres and time hours, so the species concentrations of ``plasma``, ``csf_lumbar`` and
``csf_cranial`` read in ug/L = ng/mL.  Each transfer of :func:`pkmodels.engine.rate_matrix` is one
mass-action reaction with a named first-order rate constant (1/h); the two effect sites are parameters
with rate rules (ng/mL).  Boluses and infusion-rate changes are events at their times (triggers start
false, so an event at t = 0 fires).  With prior therapy, SBML time 0 is scenario time 0 and the initial
values are the engine's state just before time 0.  A teaching model, not dosing advice.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

import numpy as np

from . import __version__, engine
from .engine import CE_BRAIN, CE_SPINAL, CRANIAL, ELIMINATED, GUT, LUMBAR, PERIPHERAL, PLASMA, SITE_STATE, STATES
from .events import EventTable
from .model import individual_params, scenario_events, state_at_zero
from .parameters import ModelParams
from .scenario import Scenario

__all__ = ["scenario_to_sbml"]

SBML_NS = "http://www.sbml.org/sbml/level3/version2/core"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
XHTML_NS = "http://www.w3.org/1999/xhtml"
TIME_URL = "http://www.sbml.org/sbml/symbols/time"
_TOL_H = 1e-9

# species id (= engine state name) -> compartment id (ids share one namespace: not "gut" twice)
COMPARTMENT = {
    "gut": "gut_cmt",
    "plasma": "central",
    "peripheral": "peripheral_cmt",
    "csf_lumbar": "lumbar",
    "csf_cranial": "cranial",
    "eliminated": "elim",
}
# unit id -> (kind, exponent, scale, multiplier) factors
UNITS = {
    "microgram": [("gram", 1, -6, 1.0)],
    "hour": [("second", 1, 0, 3600.0)],
    "per_hour": [("second", -1, 0, 3600.0)],
    "microgram_per_hour": [("gram", 1, -6, 1.0), ("second", -1, 0, 3600.0)],
    "ng_per_ml": [("gram", 1, -6, 1.0), ("litre", -1, 0, 1.0)],  # ug/L
}


def _flows(p: ModelParams) -> list[tuple[str, int, int, float, str]]:
    """First-order transfers ``(id, from_state, to_state, rate constant 1/h, description)``."""
    vc, vp = float(p.vc_l), float(p.vp_l)
    v_l, v_c = float(p.v_csf_lumbar_ml) / 1000.0, float(p.v_csf_cranial_ml) / 1000.0
    cl_l, q_mix, cl_c = (float(x) for x in p.csf_flows_l_per_h)
    ratio, ka, f, q = float(p.csf_plasma_ratio), float(p.ka_per_h), float(p.f_oral), float(p.q_l_per_h)
    return [
        ("k_absorption", GUT, PLASMA, f * ka, "oral absorption into plasma, F x ka"),
        ("k_presystemic", GUT, ELIMINATED, (1.0 - f) * ka, "presystemic loss, (1 - F) x ka"),
        ("k_distribution", PLASMA, PERIPHERAL, q / vc, "plasma to peripheral, Q / Vc"),
        ("k_redistribution", PERIPHERAL, PLASMA, q / vp, "peripheral to plasma, Q / Vp"),
        ("k_renal", PLASMA, ELIMINATED, float(p.cl_renal_l_per_h) / vc, "renal elimination, CLr / Vc"),
        ("k_nonrenal", PLASMA, ELIMINATED, float(p.cl_nonrenal_l_per_h) / vc, "non-renal elimination, CLnr / Vc"),
        ("k_entry_lumbar", PLASMA, LUMBAR, ratio * cl_l / vc, "plasma to lumbar CSF, ratio x CL_lumbar / Vc"),
        ("k_entry_cranial", PLASMA, CRANIAL, ratio * cl_c / vc, "plasma to cranial CSF, ratio x CL_cranial / Vc"),
        ("k_lumbar_to_cranial", LUMBAR, CRANIAL, q_mix / v_l, "CSF mixing lumbar to cranial, Q_mix / V_lumbar"),
        ("k_cranial_to_lumbar", CRANIAL, LUMBAR, q_mix / v_c, "CSF mixing cranial to lumbar, Q_mix / V_cranial"),
        ("k_lumbar_drainage", LUMBAR, PLASMA, cl_l / v_l, "lumbar CSF drainage to blood, CL_lumbar / V_lumbar"),
        ("k_cranial_drainage", CRANIAL, PLASMA, cl_c / v_c, "cranial CSF drainage to blood, CL_cranial / V_cranial"),
    ]


def _volumes(p: ModelParams) -> dict[str, float]:
    """Compartment sizes, litres (gut_cmt and elim are nominal 1 L)."""
    return {
        "gut_cmt": 1.0,
        "central": float(p.vc_l),
        "peripheral_cmt": float(p.vp_l),
        "lumbar": float(p.v_csf_lumbar_ml) / 1000.0,
        "cranial": float(p.v_csf_cranial_ml) / 1000.0,
        "elim": 1.0,
    }


def _effect_params(p: ModelParams) -> dict[str, tuple[float, str, str]]:
    """Effect-site constants: id -> (value, unit id, description)."""
    return {
        "ke0_spinal": (float(p.ke0_spinal_per_h), "per_hour", "spinal effect-site equilibration rate"),
        "ke0_brain": (float(p.ke0_brain_per_h), "per_hour", "brain effect-site equilibration rate"),
        "brain_plasma_ratio": (float(p.brain_plasma_ratio), "dimensionless", "brain : plasma concentration"),
        "brain_csf_weight": (float(p.brain_csf_weight), "dimensionless", "share of cranial CSF reaching brain"),
    }


def _check_mirrors_engine(p: ModelParams) -> None:
    """Rebuild the engine's matrix from the exported rates; refuse to export if they differ."""
    a = engine.rate_matrix(p)[0]
    b = np.zeros_like(a)
    for _id, src, dst, k, _d in _flows(p):
        b[dst, src] += k
        b[src, src] -= k
    e = {k: v[0] for k, v in _effect_params(p).items()}
    vol = _volumes(p)
    b[CE_SPINAL, LUMBAR] = e["ke0_spinal"] / vol["lumbar"]
    b[CE_SPINAL, CE_SPINAL] = -e["ke0_spinal"]
    b[CE_BRAIN, PLASMA] = e["ke0_brain"] * e["brain_plasma_ratio"] / vol["central"]
    b[CE_BRAIN, CRANIAL] = e["ke0_brain"] * e["brain_csf_weight"] / vol["cranial"]
    b[CE_BRAIN, CE_BRAIN] = -e["ke0_brain"]
    if not np.allclose(a, b, rtol=1e-12, atol=1e-15 * np.abs(a).max()):
        raise RuntimeError("SBML export does not mirror engine.rate_matrix; update pkmodels/sbml.py")


def _initial_state(scenario: Scenario, a: np.ndarray, events: EventTable) -> np.ndarray:
    """Engine state just before scenario time 0 (zeros without prior therapy), as in model.simulate_arrays."""
    x0, _ = state_at_zero(a, individual_params(scenario), events, scenario.prior_therapy_days * 24.0)
    return np.zeros(len(STATES)) if x0 is None else x0[0]


def _rate(events: EventTable, site: str, t: float, *, before: bool = False) -> float:
    """Total infusion rate into ``site`` (ug/h) just after ``t`` (just before it with ``before``)."""
    t = t - _TOL_H if before else t + _TOL_H
    return sum(i.rate_ug_per_h for i in events.infusions if i.site == site and i.start_h <= t < i.stop_h)


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
    _check_mirrors_engine(p)
    events = scenario_events(scenario)
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
        f"Time 0 is scenario time 0. {prior}",
    )

    units = _sub(model, "listOfUnitDefinitions")
    for uid, factors in UNITS.items():
        lst = _sub(_sub(units, "unitDefinition", id=uid), "listOfUnits")
        for kind, exponent, scale, multiplier in factors:
            _sub(lst, "unit", kind=kind, exponent=float(exponent), scale=str(scale), multiplier=multiplier)

    comps = _sub(model, "listOfCompartments")
    for cid, size in _volumes(p).items():
        _sub(comps, "compartment", id=cid, spatialDimensions=3.0, size=size, units="litre", constant=True)

    species = _sub(model, "listOfSpecies")
    for k, sid in enumerate(STATES[:6]):
        _sub(
            species,
            "species",
            id=sid,
            compartment=COMPARTMENT[sid],
            initialAmount=float(x0[k]),
            substanceUnits="microgram",
            hasOnlySubstanceUnits=False,
            boundaryCondition=False,
            constant=False,
        )

    flows = _flows(p)
    sites = [s for s in SITE_STATE if any(i.site == s for i in events.infusions)]
    params = _sub(model, "listOfParameters")
    for pid, _src, _dst, rate, desc in flows:
        _sub(params, "parameter", id=pid, name=f"{desc} [1/h]", value=rate, units="per_hour", constant=True)
    for pid, (value, unit, desc) in _effect_params(p).items():
        _sub(
            params,
            "parameter",
            id=pid,
            name=f"{desc} [{unit.replace('per_hour', '1/h')}]",
            value=value,
            units=unit,
            constant=True,
        )
    for pid, state in (("ce_spinal", CE_SPINAL), ("ce_brain", CE_BRAIN)):
        _sub(
            params,
            "parameter",
            id=pid,
            name=f"{pid.replace('ce_', '')} effect-site concentration [ng/mL]",
            value=float(x0[state]),
            units="ng_per_ml",
            constant=False,
        )
    for site in sites:
        _sub(
            params,
            "parameter",
            id=f"infusion_{site}",
            name=f"infusion rate into {site} [ug/h]",
            value=_rate(events, site, 0.0, before=True),
            units="microgram_per_hour",
            constant=False,
        )

    rules = _sub(model, "listOfRules")
    spinal = _apply("minus", _ci("csf_lumbar"), _ci("ce_spinal"))
    _math(_sub(rules, "rateRule", variable="ce_spinal"), _apply("times", _ci("ke0_spinal"), spinal))
    driver = _apply(
        "plus",
        _apply("times", _ci("brain_plasma_ratio"), _ci("plasma")),
        _apply("times", _ci("brain_csf_weight"), _ci("csf_cranial")),
    )
    _math(
        _sub(rules, "rateRule", variable="ce_brain"),
        _apply("times", _ci("ke0_brain"), _apply("minus", driver, _ci("ce_brain"))),
    )

    reactions = _sub(model, "listOfReactions")
    for pid, src, dst, _k, desc in flows:
        r = _sub(reactions, "reaction", id=pid.replace("k_", "r_", 1), name=desc, reversible=False)
        _sub(_sub(r, "listOfReactants"), "speciesReference", species=STATES[src], stoichiometry=1.0, constant=True)
        _sub(_sub(r, "listOfProducts"), "speciesReference", species=STATES[dst], stoichiometry=1.0, constant=True)
        # mass action on the amount: k x compartment x concentration (ug/h)
        _math(_sub(r, "kineticLaw"), _apply("times", _ci(pid), _ci(COMPARTMENT[STATES[src]]), _ci(STATES[src])))
    for site in sites:
        target = STATES[SITE_STATE[site]]
        r = _sub(reactions, "reaction", id=f"r_infusion_{site}", name=f"infusion into {target}", reversible=False)
        _sub(_sub(r, "listOfProducts"), "speciesReference", species=target, stoichiometry=1.0, constant=True)
        _math(_sub(r, "kineticLaw"), _ci(f"infusion_{site}"))

    _dosing_events(model, scenario, events, sites)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _dosing_events(model: ET.Element, scenario: Scenario, events: EventTable, sites: list[str]) -> None:
    """One SBML event per distinct dosing time in [0, duration]: its boluses and its infusion-rate changes."""
    end = scenario.duration_h + _TOL_H
    times = {round(b.time_h, 9) for b in events.boluses if -_TOL_H <= b.time_h <= end}
    times |= {round(float(t), 9) for t in events.rate_breakpoints() if -_TOL_H <= t <= end}
    lst = ET.Element("listOfEvents")
    for t in sorted({max(t, 0.0) for t in times}):  # a bolus within 1e-9 h before 0 fires at 0
        doses: dict[str, float] = defaultdict(float)
        for b in events.boluses:
            if abs(b.time_h - t) <= 1e-7:
                doses[STATES[SITE_STATE[b.site]]] += b.amount_ug
        rates = {s: _rate(events, s, t) for s in sites}
        rates = {s: r for s, r in rates.items() if r != _rate(events, s, t, before=True)}
        if not doses and not rates:
            continue
        label = [f"{amt:g} ug into {sid}" for sid, amt in doses.items()]
        label += [f"infusion into {s} -> {r:g} ug/h" for s, r in rates.items()]
        ev = _sub(
            lst, "event", id=f"dose_{len(lst)}", name=f"t = {t:g} h: " + "; ".join(label), useValuesFromTriggerTime=True
        )
        _math(_sub(ev, "trigger", initialValue=False, persistent=True), _apply("geq", _time(), _cn(t, "hour")))
        assign = _sub(ev, "listOfEventAssignments")
        for sid, amt in doses.items():  # species symbols are concentrations: add amount / volume
            _math(
                _sub(assign, "eventAssignment", variable=sid),
                _apply("plus", _ci(sid), _apply("divide", _cn(amt, "microgram"), _ci(COMPARTMENT[sid]))),
            )
        for s, r in rates.items():
            _math(_sub(assign, "eventAssignment", variable=f"infusion_{s}"), _cn(r, "microgram_per_hour"))
    if len(lst):
        model.append(lst)
