"""Lecture scenes as data: a question for the room, the runs that answer it, and the takeaway.

Each scene in ``pkmodels/data/scenes.json`` names one or two scenarios (the scenario-file format, parsed
with :func:`~pkmodels.scenario.parse_scenario`), which chart panels to show, the number the room predicts
(a small declarative :class:`Metric` read from the result tables by :func:`resolve`), annotations for the
charts (arrows at a time on a panel, shaded time spans) and a one-line takeaway.  Everything here is pure:
no Streamlit, no Plotly; the dashboard draws what these functions return, and
``tests/pkmodels/test_scenes.py`` checks every takeaway against the model.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from . import columns as col
from .equivalence import oral_equivalent
from .metrics import exposure_metrics, mean_over_last, withdrawal_metrics
from .model import individual_params
from .regimens import ITContinuous
from .scenario import SCHEMA_VERSION, Scenario, ScenarioError, parse_scenario

__all__ = [
    "COLUMNS",
    "METRICS",
    "PANELS",
    "SCENES",
    "WELL_PREDICTED_PERCENT",
    "Annotation",
    "GuessError",
    "Metric",
    "Prediction",
    "Scene",
    "SceneError",
    "SceneRun",
    "annotation_time_h",
    "guess_error",
    "load_scenes",
    "resolve",
    "scene",
    "scene_answer",
    "value_at",
]

# Short column names a metric or an annotation may use -> result-table column.
COLUMNS = {
    "plasma": col.PLASMA,
    "csf": col.CSF_LUMBAR,
    "cervical": col.CSF_CERVICAL,
    "cranial": col.CSF_CRANIAL,
    "relief": col.RELIEF,
    "relief_arms": col.RELIEF_UPPER_LIMB,
    "sedation": col.SEDATION,
    "withdrawal": col.WITHDRAWAL,
}
PANELS = (
    "plasma",
    "csf",
    "cervical",
    "relief",
    "relief_arms",
    "sedation",
    "withdrawal",
)  # chart panels a scene may show
# metric -> (needs a column, is a time in hours)
METRICS: dict[str, tuple[bool, bool]] = {
    "csf_plasma_ratio": (False, False),  # mean lumbar CSF / mean plasma over the last 24 h of the window
    "mean_last_24h": (True, False),  # time-average of a column over the last 24 h of the window
    "peak": (True, False),  # maximum of a column in the window
    "peak_time_h": (True, True),  # time of that maximum
    "auc": (True, False),  # area under a column over the window (trapezoid; ng*h/mL for concentrations)
    "withdrawal_onset_h": (False, True),  # first time at 'moderate' withdrawal or worse
    "withdrawal_peak_index": (False, False),
    "oral_equivalent_mg_per_day": (False, False),  # steady-state oral dose matching a continuous IT rate
}
WELL_PREDICTED_PERCENT = 20.0
MAX_RUNS = 2


class SceneError(ValueError):
    """A scene file entry that cannot be used; one line naming the problem."""


@dataclass(frozen=True)
class Metric:
    """Where the true answer is read: ``metric`` of run ``run`` (optionally a ``column``), within
    ``window_h`` (start, end; default the whole run), minus ``since_h`` for times, divided by the same
    metric of run ``relative_to`` (a ratio), times ``scale`` (e.g. 100 for a percentage)."""

    metric: str
    run: str
    column: str | None = None
    window_h: tuple[float, float] | None = None
    since_h: float = 0.0
    relative_to: str | None = None
    scale: float = 1.0


@dataclass(frozen=True)
class Prediction:
    """The quantity the room guesses: its name, unit and where the true answer comes from."""

    name: str
    unit: str
    metric: Metric


@dataclass(frozen=True)
class Annotation:
    """An arrow (at time ``t_h`` on the ``run``'s curve in ``panel``) or a shaded span (``t0_h`` to
    ``t1_h``; ``None`` = end of the run) with a short text.  ``t_h`` may be a time-valued :class:`Metric`
    (e.g. the withdrawal onset), resolved from the results.  ``panel="all"`` spans every panel."""

    kind: str  # "arrow" | "span"
    panel: str
    text: str
    run: str | None = None
    t_h: float | Metric | None = None
    t0_h: float | None = None
    t1_h: float | None = None
    below: bool = False  # arrow text below the curve instead of above
    side: str | None = None  # "left" | "right": where the arrow text goes (default: towards the middle)
    lift: float = 1.0  # how far the text sits from the point (multiple of the usual arrow length)


@dataclass(frozen=True)
class SceneRun:
    """One simulated run of a scene: key (what metrics refer to), legend label, scenario, optional colour
    name from the Okabe-Ito palette (default: the route's colour)."""

    key: str
    label: str
    scenario: Scenario
    color: str | None = None

    @property
    def route(self) -> str:
        s = self.scenario
        if s.oral and s.intrathecal:
            return "both"
        return "intrathecal" if s.intrathecal else "oral"


@dataclass(frozen=True)
class Scene:
    slug: str
    title: str
    question: str
    runs: tuple[SceneRun, ...]
    panels: tuple[str, ...]
    predict: Prediction
    annotations: tuple[Annotation, ...]
    notice: str
    takeaway: str

    def run(self, key: str) -> SceneRun:
        return next(r for r in self.runs if r.key == key)

    @property
    def scenarios(self) -> dict[str, Scenario]:
        return {r.key: r.scenario for r in self.runs}


# ------------------------------------------------------------------------------------------- parsing

_SLUG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


def _text(where: str, d: Mapping[str, Any], key: str, limit: int = 400) -> str:
    v = d.get(key)
    if not isinstance(v, str) or not v.strip() or len(v) > limit:
        raise SceneError(f"{where}: {key} must be a non-empty string of at most {limit} characters")
    return v


def _time(where: str, v: Any, key: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
        raise SceneError(f"{where}: {key} must be a time in hours >= 0")
    return float(v)


def _metric(where: str, d: Any, runs: set[str]) -> Metric:
    if not isinstance(d, dict):
        raise SceneError(f"{where}: a metric is an object like {{'metric': ..., 'run': ...}}")
    allowed = {"metric", "run", "route", "column", "window_h", "since_h", "relative_to", "scale"}
    unknown = sorted(set(d) - allowed)
    if unknown:
        raise SceneError(f"{where}: unknown key {unknown[0]!r}")
    name = d.get("metric")
    if name not in METRICS:
        raise SceneError(f"{where}: metric must be one of {', '.join(METRICS)}, got {name!r}")
    run = d.get("run", d.get("route"))  # "route" reads naturally for oral-vs-intrathecal scenes
    if run not in runs:
        raise SceneError(f"{where}: run must be one of {', '.join(sorted(runs))}, got {run!r}")
    column = d.get("column")
    if METRICS[name][0] and column not in COLUMNS:
        raise SceneError(f"{where}: metric {name!r} needs a column, one of {', '.join(COLUMNS)}")
    window = d.get("window_h")
    if window is not None:
        if not isinstance(window, list) or len(window) != 2:
            raise SceneError(f"{where}: window_h must be [start, end] in hours")
        window = (_time(where, window[0], "window_h"), _time(where, window[1], "window_h"))
        if window[1] <= window[0]:
            raise SceneError(f"{where}: window_h must end after it starts")
    relative = d.get("relative_to")
    if relative is not None and (relative not in runs or relative == run):
        raise SceneError(f"{where}: relative_to must be another run of the scene, got {relative!r}")
    scale = d.get("scale", 1.0)
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not math.isfinite(scale) or scale <= 0:
        raise SceneError(f"{where}: scale must be a positive number")
    return Metric(
        name,
        run,
        column if METRICS[name][0] else None,
        window,
        _time(where, d.get("since_h", 0.0), "since_h"),
        relative,
        float(scale),
    )


def _annotation(where: str, d: Any, runs: set[str], panels: tuple[str, ...]) -> Annotation:
    if not isinstance(d, dict):
        raise SceneError(f"{where}: expected an object")
    kind = d.get("kind")
    panel = d.get("panel")
    text = _text(where, d, "text", 60)
    if kind == "arrow":
        if panel not in panels:
            raise SceneError(f"{where}: panel must be one the scene shows ({', '.join(panels)}), got {panel!r}")
        if d.get("run") not in runs:
            raise SceneError(f"{where}: an arrow needs the run whose curve it points at")
        raw_t = d.get("t_h")
        t: float | Metric
        if isinstance(raw_t, dict):
            metric = _metric(where, raw_t, runs)
            if not METRICS[metric.metric][1] or metric.relative_to or metric.since_h:
                raise SceneError(f"{where}: t_h must be a time-valued metric (a time on the run's clock)")
            t = metric
        else:
            t = _time(where, raw_t, "t_h")
        side = d.get("side")
        if side not in (None, "left", "right"):
            raise SceneError(f"{where}: side must be 'left' or 'right', got {side!r}")
        lift = d.get("lift", 1.0)
        if isinstance(lift, bool) or not isinstance(lift, (int, float)) or not 0.3 <= lift <= 4.0:
            raise SceneError(f"{where}: lift must be a number from 0.3 to 4")
        return Annotation(
            "arrow", panel, text, run=d["run"], t_h=t, below=bool(d.get("below", False)), side=side, lift=float(lift)
        )
    if kind == "span":
        if panel != "all" and panel not in panels:
            raise SceneError(f"{where}: panel must be 'all' or one the scene shows, got {panel!r}")
        t0 = _time(where, d.get("t0_h"), "t0_h")
        t1 = None if d.get("t1_h") is None else _time(where, d.get("t1_h"), "t1_h")
        if t1 is not None and t1 <= t0:
            raise SceneError(f"{where}: t1_h must be after t0_h")
        return Annotation("span", panel, text, t0_h=t0, t1_h=t1)
    raise SceneError(f"{where}: kind must be 'arrow' or 'span', got {kind!r}")


def _scene(k: int, d: Any) -> Scene:
    where = f"scenes[{k}]"
    if not isinstance(d, dict):
        raise SceneError(f"{where}: expected an object")
    slug = _text(where, d, "slug", 40)
    if set(slug) - _SLUG_CHARS:
        raise SceneError(f"{where}: slug must use a-z, 0-9 and '-' only, got {slug!r}")
    where = f"scene {slug!r}"
    raw_runs = d.get("runs")
    if not isinstance(raw_runs, list) or not 1 <= len(raw_runs) <= MAX_RUNS:
        raise SceneError(f"{where}: runs must be a list of 1 or {MAX_RUNS} runs")
    runs = []
    for j, r in enumerate(raw_runs):
        if not isinstance(r, dict):
            raise SceneError(f"{where}: runs[{j}] must be an object")
        key = _text(f"{where} runs[{j}]", r, "key", 20)
        raw = r.get("scenario")
        if not isinstance(raw, dict):
            raise SceneError(f"{where} run {key!r}: scenario must be an object")
        try:
            scenario = parse_scenario({"version": SCHEMA_VERSION, **raw})
        except ScenarioError as exc:
            raise SceneError(f"{where} run {key!r}: {exc}") from None
        color = r.get("color")
        if color is not None and not isinstance(color, str):
            raise SceneError(f"{where} run {key!r}: color must be a colour name")
        runs.append(SceneRun(key, _text(f"{where} run {key!r}", r, "label", 40), scenario, color))
    keys = {r.key for r in runs}
    if len(keys) != len(runs) or len({r.label for r in runs}) != len(runs):
        raise SceneError(f"{where}: run keys and labels must be unique")
    panels = d.get("panels")
    if (
        not isinstance(panels, list)
        or not panels
        or any(p not in PANELS for p in panels)
        or len(set(panels)) != len(panels)
    ):
        raise SceneError(f"{where}: panels must be a list of distinct names from {', '.join(PANELS)}")
    p = d.get("predict")
    if not isinstance(p, dict):
        raise SceneError(f"{where}: predict must be an object with name, unit and metric")
    predict = Prediction(
        _text(f"{where} predict", p, "name", 80),
        _text(f"{where} predict", p, "unit", 20),
        _metric(f"{where} predict", p.get("metric"), keys),
    )
    raw_ann = d.get("annotations", [])
    if not isinstance(raw_ann, list) or len(raw_ann) > 6:
        raise SceneError(f"{where}: annotations must be a list of at most 6")
    annotations = tuple(_annotation(f"{where} annotations[{j}]", a, keys, tuple(panels)) for j, a in enumerate(raw_ann))
    return Scene(
        slug,
        _text(where, d, "title", 80),
        _text(where, d, "question", 300),
        tuple(runs),
        tuple(panels),
        predict,
        annotations,
        _text(where, d, "notice", 600),
        _text(where, d, "takeaway", 240),
    )


def load_scenes(data: Any) -> tuple[Scene, ...]:
    """Validate a decoded scenes file (``{"version": 1, "scenes": [...]}``) and build the scenes."""
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("scenes"), list):
        raise SceneError("a scenes file is an object with version 1 and a list of scenes")
    scenes = tuple(_scene(k, d) for k, d in enumerate(data["scenes"]))
    slugs = [s.slug for s in scenes]
    dupes = sorted({s for s in slugs if slugs.count(s) > 1})
    if dupes:
        raise SceneError(f"scene slugs must be unique; repeated: {', '.join(dupes)}")
    if not scenes:
        raise SceneError("a scenes file needs at least one scene")
    return scenes


def _load_packaged() -> tuple[Scene, ...]:
    text = resources.files("pkmodels").joinpath("data", "scenes.json").read_text(encoding="utf-8")
    return load_scenes(json.loads(text))


SCENES: tuple[Scene, ...] = _load_packaged()


def scene(slug: str) -> Scene:
    """The packaged scene with this slug (KeyError if none)."""
    for s in SCENES:
        if s.slug == slug:
            return s
    raise KeyError(slug)


# ---------------------------------------------------------------------------------------- answers


def _window(table: pd.DataFrame, window_h: tuple[float, float] | None) -> pd.DataFrame:
    if window_h is None:
        return table
    t = table[col.TIME].to_numpy()
    sel = (t >= window_h[0] - 1e-9) & (t <= window_h[1] + 1e-9)
    if sel.sum() < 2:
        raise ValueError(f"window {window_h} holds fewer than two time points of the run")
    return table.loc[sel]


def _it_rate(scenario: Scenario) -> float:
    rates = [r.rate_ug_per_day for r in scenario.intrathecal if isinstance(r, ITContinuous)]
    if len(rates) != 1 or scenario.oral:
        raise ValueError("oral_equivalent_mg_per_day needs a run with exactly one continuous intrathecal rate")
    return float(rates[0])


def _single(m: Metric, run: str, tables: Mapping[str, pd.DataFrame], scenarios: Mapping[str, Scenario]) -> float:
    if m.metric == "oral_equivalent_mg_per_day":
        s = scenarios[run]
        eq = oral_equivalent(individual_params(s), _it_rate(s), baseline_ashworth=s.baseline_ashworth)
        return float(eq.oral_mg_per_day[0])
    tab = _window(tables[run], m.window_h)
    t = tab[col.TIME].to_numpy()
    values = tab[COLUMNS[m.column]].to_numpy(dtype=float) if m.column else np.full(len(t), np.nan)
    if m.metric == "csf_plasma_ratio":
        plasma = float(mean_over_last(t, tab[COLUMNS["plasma"]].to_numpy(dtype=float)))
        csf = float(mean_over_last(t, tab[COLUMNS["csf"]].to_numpy(dtype=float)))
        return csf / plasma if plasma > 0 else math.nan
    if m.metric == "mean_last_24h":
        return float(mean_over_last(t, values))
    if m.metric == "peak":
        return float(np.max(values))
    if m.metric == "peak_time_h":
        return float(t[int(np.argmax(values))]) - m.since_h
    if m.metric == "auc":
        return float(exposure_metrics(t, values)["auc_ng_h_per_ml"])
    w = withdrawal_metrics(t, tab[col.WITHDRAWAL].to_numpy(dtype=float), tab[col.WITHDRAWAL_STAGE].to_numpy())
    if m.metric == "withdrawal_onset_h":
        return float(w["onset_h"]) - m.since_h
    return float(w["peak_index"])  # withdrawal_peak_index


def resolve(m: Metric, tables: Mapping[str, pd.DataFrame], scenarios: Mapping[str, Scenario]) -> float:
    """The number a metric spec names, from the result tables (and scenarios) of a scene's runs.

    NaN when it does not exist (e.g. no withdrawal onset in the run, a ratio to zero)."""
    value = _single(m, m.run, tables, scenarios)
    if m.relative_to is not None:
        base = _single(m, m.relative_to, tables, scenarios)
        value = value / base if base != 0 else math.nan
    return value * m.scale


def scene_answer(s: Scene, tables: Mapping[str, pd.DataFrame]) -> float:
    """The true answer to the scene's prediction, from the result tables of its runs (key -> table)."""
    return resolve(s.predict.metric, tables, s.scenarios)


def annotation_time_h(a: Annotation, s: Scene, tables: Mapping[str, pd.DataFrame]) -> float | None:
    """Time (h) of an arrow; a metric-valued time is resolved from the results (None if it does not exist)."""
    if isinstance(a.t_h, Metric):
        t = resolve(a.t_h, tables, s.scenarios)
        return None if not math.isfinite(t) else t
    return a.t_h


def value_at(table: pd.DataFrame, column: str, t_h: float) -> float:
    """Value of a short-named column (see :data:`COLUMNS`) at the grid time nearest ``t_h``."""
    t = table[col.TIME].to_numpy()
    i = int(np.argmin(np.abs(t - t_h)))
    return float(table[COLUMNS[column]].iloc[i])


@dataclass(frozen=True)
class GuessError:
    """How far a guess was from the true answer: absolute and percent difference (signed), and whether
    it was within :data:`WELL_PREDICTED_PERCENT`."""

    absolute: float  # guess - truth
    percent: float  # 100 * (guess - truth) / |truth|; NaN when truth is 0
    well_predicted: bool


def guess_error(guess: float, truth: float) -> GuessError:
    """Compare a guess with the true answer (percent relative to the truth)."""
    diff = float(guess) - float(truth)
    pct = 100.0 * diff / abs(truth) if truth != 0 else math.nan
    well = abs(pct) <= WELL_PREDICTED_PERCENT if math.isfinite(pct) else diff == 0
    return GuessError(diff, pct, bool(well))
