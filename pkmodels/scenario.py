"""Scenarios: what to simulate, read from and written to JSON (``"version": 1``).

One table, :data:`ENTRY_FIELDS`, says which keys each kind of dosing entry takes, their ranges and
defaults; parsing, validation, defaults and :func:`scenario_to_dict` all follow it, so a scenario file,
the dashboard and the command line share one vocabulary.  Errors are :class:`ScenarioError` with one
line that names the offending key.  Nothing in a file is ever evaluated: JSON only, numbers and strings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from .covariates import SEXES, Patient
from .fields import MAX_DURATION_H, MAX_EVENTS, MAX_PRIOR_DAYS, Num, ScenarioError, check_fields, check_number, shown
from .neuraxis import CATHETER_LEVELS, DEFAULT_TIP
from .parameters import check_override
from .pd import COMEDICATIONS, PDSettings
from .regimens import IT_REGIMENS, ORAL_REGIMENS, Failure, ITFlex, ITRegimen, OralRegimen, Pump, Regimen

__all__ = [
    "ENTRY_FIELDS",
    "MAX_DURATION_H",
    "MAX_FILE_BYTES",
    "MAX_POINTS",
    "MAX_PRIOR_DAYS",
    "Scenario",
    "ScenarioError",
    "default_output_step_min",
    "load_scenario",
    "parse_scenario",
    "scenario_from_json",
    "scenario_to_dict",
    "scenario_to_json",
]

MAX_POINTS = 100_000
MAX_ENTRIES = 100
MAX_FILE_BYTES = 256 * 1024
MAX_TEXT_CHARS = 2000
SCHEMA_VERSION = 1

# (route, kind) -> (class, its fields); the first key of each kind identifies it when "kind" is absent.
ENTRY_FIELDS: dict[tuple[str, str], tuple[type, dict[str, Num]]] = {
    (cls.route, cls.kind): (cls, cls.FIELDS) for cls in (*ORAL_REGIMENS, *IT_REGIMENS)
}
_IDENTIFY = {
    "oral": [("doses", "dose_mg"), ("titration", "target_mg_per_day"), ("taper", "from_mg")],
    "intrathecal": [
        ("periodic_bolus", "every_h"),
        ("bolus", "bolus_ug"),
        ("continuous", "rate_ug_per_day"),
        ("flex", "schedule"),
        ("titration", "target_ug_per_day"),
        ("taper", "from_ug_per_day"),
    ],
}
_ALIASES = {("oral", "doses"): {"at_h": "start_h"}}
_ROUTES: dict[str, tuple[type, ...]] = {"oral": ORAL_REGIMENS, "intrathecal": IT_REGIMENS}

_PATIENT_EXTRA: dict[str, Num] = {
    "baseline_ashworth": Num(0.0, 4.0, 4.0),
    "baseline_ashworth_upper_limb": Num(0.0, 4.0, None),  # absent: the same as the legs'
    "comedication_intensity": Num(0.0, 3.0, 1.0),
}
PATIENT_FIELDS: dict[str, Num] = {**Patient.FIELDS, **_PATIENT_EXTRA}  # the file's "patient" object
PUMP_FIELDS: dict[str, Num] = Pump.FIELDS
FAILURE_FIELDS: dict[str, Num] = Failure.FIELDS
TOP_FIELDS: dict[str, Num] = {
    "duration_h": Num(0.0, MAX_DURATION_H, 72.0, lo_open=True),
    "output_step_min": Num(1.0, 60.0, 5.0),
    "prior_therapy_days": Num(0.0, MAX_PRIOR_DAYS, 0.0),
}
_TOP_KEYS = {
    "version",
    "catheter_tip",
    "title",
    "notes",
    "patient",
    "oral",
    "intrathecal",
    "pump",
    "failure",
    "parameters",
    *TOP_FIELDS,
}


def default_output_step_min(duration_h: float) -> float:
    """Output grid for a run of this length: 5 min up to 8 days, 15 min up to 40 days, 30 min beyond (long runs
    stay fast and far below :data:`MAX_POINTS`; withdrawal and adaptation change over hours to days)."""
    if duration_h <= 24.0 * 8:
        return 5.0
    return 15.0 if duration_h <= 24.0 * 40 else 30.0


def _point_count(duration_h: float, output_step_min: float) -> int:
    return round(duration_h * 60.0 / output_step_min) + 1


@dataclass(frozen=True)
class Scenario:
    """Everything one simulation needs.  Build it in code or with :func:`parse_scenario`; either way the
    values are checked when it is built (:class:`ScenarioError` with one line naming the problem)."""

    FIELDS: ClassVar[dict[str, Num]] = {**TOP_FIELDS, **_PATIENT_EXTRA}

    duration_h: float = 72.0
    output_step_min: float = 5.0
    patient: Patient = field(default_factory=Patient)
    baseline_ashworth: float = 4.0
    comedication: str = "none"
    comedication_intensity: float = 1.0
    baseline_ashworth_upper_limb: float | None = None
    catheter_tip: str = DEFAULT_TIP
    oral: tuple[OralRegimen, ...] = ()
    intrathecal: tuple[ITRegimen, ...] = ()
    pump: Pump | None = None
    failure: Failure | None = None
    prior_therapy_days: float = 0.0
    parameters: tuple[tuple[str, float], ...] = ()
    title: str = ""
    notes: str = ""

    def __post_init__(self) -> None:
        check_fields(self, self.FIELDS)
        n_points = _point_count(self.duration_h, self.output_step_min)
        if n_points > MAX_POINTS:
            raise ScenarioError(
                f"duration_h / output_step_min gives {n_points} points; at most {MAX_POINTS} "
                "(use a longer output_step_min)"
            )
        if self.comedication not in COMEDICATIONS:
            raise ScenarioError(
                f"patient: comedication must be one of {', '.join(COMEDICATIONS)}, got {_shown(self.comedication)}"
            )
        if not isinstance(self.catheter_tip, str) or self.catheter_tip not in CATHETER_LEVELS:
            raise ScenarioError(
                f"catheter_tip must be a vertebral level, one of {', '.join(CATHETER_LEVELS)}; "
                f"got {_shown(self.catheter_tip)}"
            )
        if not isinstance(self.patient, Patient):
            raise ScenarioError("Scenario: patient must be a Patient")
        for route, allowed in _ROUTES.items():
            entries = getattr(self, route)
            if not isinstance(entries, tuple) or len(entries) > MAX_ENTRIES:
                raise ScenarioError(f"{route}: expected a tuple of at most {MAX_ENTRIES} entries")
            for k, reg in enumerate(entries):
                if not isinstance(reg, allowed):
                    raise ScenarioError(f"{route}[{k}]: {type(reg).__name__} is not an {route} regimen")
        n_events = sum(r.event_bound(self.duration_h, self.prior_therapy_days * 24.0) for r in self.regimens)
        if not n_events <= MAX_EVENTS:
            raise ScenarioError(
                f"the dosing gives about {n_events:.3g} doses and rate changes; at most {MAX_EVENTS} "
                "(fewer entries, longer intervals or a shorter run)"
            )
        for name, cls in (("pump", Pump), ("failure", Failure)):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), cls):
                raise ScenarioError(f"{name}: expected a {cls.__name__}")
        for name, value in self.parameters:
            try:
                check_override(name, value)
            except ValueError as exc:
                raise ScenarioError(f"parameters: {exc}") from None
        for key in ("title", "notes"):
            if not isinstance(getattr(self, key), str) or len(getattr(self, key)) > MAX_TEXT_CHARS:
                raise ScenarioError(f"{key} must be a string of at most {MAX_TEXT_CHARS} characters")

    @property
    def pd_settings(self) -> PDSettings:
        """The patient-level PD inputs: baseline Ashworth scores and co-medication."""
        return PDSettings(
            self.baseline_ashworth, self.comedication, self.comedication_intensity, self.baseline_ashworth_upper_limb
        )

    @property
    def regimens(self) -> tuple[Regimen, ...]:
        return (*self.oral, *self.intrathecal)

    @property
    def step_h(self) -> float:
        return self.output_step_min / 60.0

    @property
    def n_points(self) -> int:
        return round(self.duration_h / self.step_h) + 1

    @property
    def overrides(self) -> dict[str, float]:
        return dict(self.parameters)


def _shown(value: Any) -> str:
    """A value as it may appear in a one-line message (at most 40 characters, whatever the value)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**30:
        return f"an integer of {value.bit_length()} bits"
    return shown(value)


def _fail(where: str, msg: str) -> ScenarioError:
    return ScenarioError(msg, where)


def _read_fields(where: str, data: Any, spec: dict[str, Num], extra: tuple[str, ...] = ()) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise _fail(where, f"expected an object, got {type(data).__name__}")
    unknown = sorted(set(data) - set(spec) - set(extra))
    if unknown:
        raise _fail(where, f"unknown key {unknown[0]!r} (allowed: {', '.join([*spec, *extra])})")
    out: dict[str, Any] = {}
    for key, s in spec.items():
        if key in data and data[key] is not None:
            out[key] = check_number(where, key, data[key], s)
        elif s.required:
            raise _fail(where, f"missing required key {key!r}")
        elif s.default is not None:
            out[key] = s.default
    return out


def _build(where: str, cls: type, values: dict[str, Any]) -> Any:
    """``cls(**values)``, with any error of its own checks located at ``where`` in the file."""
    try:
        return cls(**values)
    except ScenarioError as exc:
        raise exc.at(where) from None


def _parse_schedule(where: str, raw: Any) -> tuple[tuple[float, float], ...]:
    """The steps of a flex schedule as (clock_h, rate) pairs; :class:`ITFlex` checks the schedule as a whole."""
    try:
        ITFlex.check_length(len(raw) if isinstance(raw, list) else -1)
    except ScenarioError as exc:
        raise exc.at(where) from None
    steps = []
    for k, item in enumerate(raw):
        d = _read_fields(f"{where}.schedule[{k}]", item, ITFlex.STEP_FIELDS)
        steps.append((d["clock_h"], d["rate_ug_per_day"]))
    return tuple(sorted(steps))


def _parse_entry(route: str, k: int, raw: Any, duration_h: float) -> Any:
    where = f"{route}[{k}]"
    if not isinstance(raw, dict):
        raise _fail(where, f"expected an object, got {type(raw).__name__}")
    raw = dict(raw)
    kind = raw.pop("kind", None)
    if kind is None:
        kind = next((kd for kd, key in _IDENTIFY[route] if key in raw), None)
        if kind is None:
            keys = " or ".join(key for _, key in _IDENTIFY[route])
            raise _fail(where, f"cannot tell what this entry is; give one of {keys} (or 'kind')")
    if not isinstance(kind, str) or (route, kind) not in ENTRY_FIELDS:
        kinds = ", ".join(kd for (r, kd) in ENTRY_FIELDS if r == route)
        shown_kind = repr(kind) if isinstance(kind, str) else _shown(kind)
        raise _fail(where, f"unknown kind {shown_kind} (allowed: {kinds})")
    cls, spec = ENTRY_FIELDS[(route, kind)]
    for alias, real in _ALIASES.get((route, kind), {}).items():
        if alias in raw:
            if real in raw:
                raise _fail(where, f"give {alias!r} or {real!r}, not both")
            raw[real] = raw.pop(alias)
    extra = ("schedule",) if kind == "flex" else ()
    values = _read_fields(where, raw, spec, extra)
    if kind == "flex":
        values["schedule"] = _parse_schedule(where, raw.get("schedule"))
    if "stop_h" in values and values["stop_h"] <= values.get("start_h", 0.0):
        raise _fail(where, "stop_h must be after start_h")
    if values.get("start_h", values.get("at_h", 0.0)) > duration_h:
        raise _fail(where, f"starts after the end of the scenario ({duration_h:g} h)")
    if kind == "taper":
        step_keys = [key for key in values if key.startswith("step_") and key != "step_every_days"]
        if len(step_keys) == 0:
            values["step_percent"] = 20.0
        elif len(step_keys) > 1:
            raise _fail(where, "give step_percent or a fixed step, not both")
        elif "step_percent" not in step_keys:
            values["step_percent"] = None  # a fixed step: no percentage
    if kind == "titration" and route == "intrathecal" and values["target_ug_per_day"] < values["from_ug_per_day"]:
        raise _fail(where, "target_ug_per_day is below from_ug_per_day (use a taper to go down)")
    return _build(where, cls, values)


def parse_scenario(data: Any) -> Scenario:
    """Validate a decoded JSON object and build a :class:`Scenario`."""
    if not isinstance(data, dict):
        raise ScenarioError(f"a scenario is a JSON object, got {type(data).__name__}")
    if data.get("version") != SCHEMA_VERSION:
        raise ScenarioError(f"version must be {SCHEMA_VERSION}, got {_shown(data.get('version'))[:20]}")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ScenarioError(f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(_TOP_KEYS))})")
    top = _read_fields("", {k: data[k] for k in TOP_FIELDS if k in data}, TOP_FIELDS)
    n_points = _point_count(top["duration_h"], top["output_step_min"])
    if n_points > MAX_POINTS:
        raise ScenarioError(
            f"duration_h / output_step_min gives {n_points} points; at most {MAX_POINTS} (use a longer output_step_min)"
        )

    praw = data.get("patient", {})
    if not isinstance(praw, dict):
        raise ScenarioError("patient: expected an object")
    praw = dict(praw)
    comed = praw.pop("comedication", "none")
    if not isinstance(comed, str) or comed not in COMEDICATIONS:
        raise ScenarioError(f"patient: comedication must be one of {', '.join(COMEDICATIONS)}, got {_shown(comed)}")
    sex = praw.pop("sex", "male")
    if not isinstance(sex, str) or sex not in SEXES:
        raise ScenarioError(f"patient: sex must be one of {', '.join(SEXES)}, got {_shown(sex)}")
    pvals = _read_fields("patient", praw, PATIENT_FIELDS)
    tip = data.get("catheter_tip", DEFAULT_TIP)
    if not isinstance(tip, str) or tip not in CATHETER_LEVELS:
        raise ScenarioError(
            f"catheter_tip must be a vertebral level, one of {', '.join(CATHETER_LEVELS)}; got {_shown(tip)}"
        )

    regimens: dict[str, list] = {}
    for route in ("oral", "intrathecal"):
        raw = data.get(route, [])
        if raw is None:
            raw = []
        if not isinstance(raw, list):
            raise ScenarioError(f"{route}: expected a list of entries")
        if len(raw) > MAX_ENTRIES:
            raise ScenarioError(f"{route}: at most {MAX_ENTRIES} entries")
        regimens[route] = [_parse_entry(route, k, e, top["duration_h"]) for k, e in enumerate(raw)]

    pump = failure = None
    if data.get("pump") is not None:
        pump = _build("pump", Pump, _read_fields("pump", data["pump"], PUMP_FIELDS))
    if data.get("failure") is not None:
        f = _read_fields("failure", data["failure"], FAILURE_FIELDS)
        if "restart_h" in f and f["restart_h"] <= f["at_h"]:
            raise ScenarioError("failure: restart_h must be after at_h")
        failure = _build("failure", Failure, f)

    praw_params = data.get("parameters", {}) or {}
    if not isinstance(praw_params, dict):
        raise ScenarioError("parameters: expected an object of name: value")
    try:
        params = tuple((k, check_override(k, v)) for k, v in sorted(praw_params.items()))
    except ValueError as exc:
        raise ScenarioError(f"parameters: {exc}") from None

    texts = {}
    for key in ("title", "notes"):
        v = data.get(key, "")
        if not isinstance(v, str) or len(v) > MAX_TEXT_CHARS:
            raise ScenarioError(f"{key} must be a string of at most {MAX_TEXT_CHARS} characters")
        texts[key] = v

    return Scenario(
        duration_h=top["duration_h"],
        output_step_min=top["output_step_min"],
        patient=_build("patient", Patient, {**{k: pvals[k] for k in Patient.FIELDS if k in pvals}, "sex": sex}),
        baseline_ashworth=pvals["baseline_ashworth"],
        baseline_ashworth_upper_limb=pvals.get("baseline_ashworth_upper_limb"),
        comedication=comed,
        comedication_intensity=pvals["comedication_intensity"],
        catheter_tip=tip,
        oral=tuple(regimens["oral"]),
        intrathecal=tuple(regimens["intrathecal"]),
        pump=pump,
        failure=failure,
        prior_therapy_days=top["prior_therapy_days"],
        parameters=params,
        **texts,
    )


def scenario_from_json(text: str | bytes) -> Scenario:
    """Parse JSON text (size-capped) into a :class:`Scenario`."""
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(f"scenario file is larger than {MAX_FILE_BYTES // 1024} KiB")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ScenarioError(f"not valid JSON: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    try:
        data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except ScenarioError:
        raise
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"not valid JSON: {exc}") from None
    except RecursionError:
        raise ScenarioError("not valid JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise ScenarioError(f"not valid JSON: {str(exc)[:80]}") from None
    return parse_scenario(data)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a key given twice (which one would win is a silent guess)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ScenarioError(f"not valid JSON: key {_shown(key)} appears twice in one object")
        out[key] = value
    return out


def _reject_constant(name: str) -> float:
    raise ScenarioError(f"not valid JSON: {name} is not a number JSON allows")


def load_scenario(path: str) -> Scenario:
    """Read a scenario file from disk."""
    try:
        with open(path, "rb") as fh:
            text = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(f"cannot read {path}: {exc.strerror or exc}") from None
    return scenario_from_json(text)


def _entry_to_dict(route: str, reg: Any) -> dict[str, Any]:
    _cls, spec = ENTRY_FIELDS[(route, reg.kind)]
    out: dict[str, Any] = {"kind": reg.kind}
    for f in fields(reg):
        v = getattr(reg, f.name)
        if f.name == "schedule":
            out["schedule"] = [{"clock_h": c, "rate_ug_per_day": r} for c, r in v]
        elif v is not None and f.name in spec:
            out[f.name] = v
    return out


def _fields_dict(obj: Any, spec: dict[str, Num]) -> dict[str, Any]:
    return {k: getattr(obj, k) for k in spec if getattr(obj, k) is not None}


def scenario_to_dict(s: Scenario) -> dict[str, Any]:
    """The JSON form of a scenario (round-trips through :func:`parse_scenario`)."""
    patient: dict[str, Any] = {"weight_kg": s.patient.weight_kg, "age_y": s.patient.age_y, "sex": s.patient.sex}
    for key in ("crcl_ml_per_min", "serum_creatinine_mg_per_dl"):
        if getattr(s.patient, key) is not None:
            patient[key] = getattr(s.patient, key)
    patient.update(
        baseline_ashworth=s.baseline_ashworth,
        comedication=s.comedication,
        comedication_intensity=s.comedication_intensity,
    )
    if s.baseline_ashworth_upper_limb is not None:
        patient["baseline_ashworth_upper_limb"] = s.baseline_ashworth_upper_limb
    out: dict[str, Any] = {"version": SCHEMA_VERSION}
    if s.title:
        out["title"] = s.title
    if s.notes:
        out["notes"] = s.notes
    out.update(
        duration_h=s.duration_h,
        output_step_min=s.output_step_min,
        prior_therapy_days=s.prior_therapy_days,
        catheter_tip=s.catheter_tip,
        patient=patient,
        oral=[_entry_to_dict("oral", r) for r in s.oral],
        intrathecal=[_entry_to_dict("intrathecal", r) for r in s.intrathecal],
    )
    if s.pump is not None:
        out["pump"] = _fields_dict(s.pump, PUMP_FIELDS)
    if s.failure is not None:
        out["failure"] = _fields_dict(s.failure, FAILURE_FIELDS)
    out["parameters"] = dict(s.parameters)
    return out


def scenario_to_json(s: Scenario) -> str:
    return json.dumps(scenario_to_dict(s), indent=2)
