"""The Learn page under AppTest, and its content: every seed fact is there, in our own words, and every link
opens a real page with settings that page accepts."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from dashboard.learn.content import TOPICS, all_links
from dashboard.links import PAGE_KEYS
from pkmodels.scenes import SCENES

from ..helpers import DASHBOARD, ODD_VALUES, app, no_exceptions, schema_file

PAGE = "learn/page.py"
SEEDS = Path(__file__).parents[4] / "shared" / "seeds"


def content_text() -> str:
    parts = []
    for t in TOPICS:
        parts += [t.title, t.summary, t.takeaway]
        for s in t.sections:
            parts += [s.heading, s.intro, *(p.text for p in s.points)]
    return " ".join(parts).replace("**", "")


def test_defaults_show_every_topic_and_every_link():
    at = app(PAGE).run()
    no_exceptions(at)
    assert any("not dosing advice" in w.value for w in at.warning)
    assert not [w for w in at.warning if "not usable" in w.value]
    assert len(at.tabs) == len(TOPICS) == 6
    assert len(at.get("page_link")) == len(all_links())
    assert len(at.get("graphviz_chart")) == 1  # the mechanism sketch
    assert len(at.success) == len(TOPICS)  # one take-away per topic
    assert "present" not in at.query_params


def test_links_carry_their_settings():
    at = app(PAGE).run()
    shown = {(p.proto.label, p.proto.query_string) for p in at.get("page_link")}
    assert ("Compare routes: with an opioid", "comed=opioid&comed_x=1.5") in shown
    assert ("Withdrawal: pump stop", "route=intrathecal&ending=abrupt") in shown
    assert ("Pump: a ten-fold programming error", "error=1") in shown
    assert ("Population: severe kidney disease", "ckd=severe") in shown
    assert ("Lecture: scenes for a class", "") in shown  # scene slugs are not final: no scene


def test_presentation_mode_shows_one_topic_at_a_time():
    at = app(PAGE, {"present": "1"}).run()
    no_exceptions(at)
    assert at.toggle(key="app_present").value is True
    assert [h.value for h in at.header] == [TOPICS[0].title]
    first = {p.proto.label for p in at.get("page_link")}
    assert len(at.tabs) == 0
    at.segmented_control(key="learn_topic").set_value(TOPICS[4].title).run()
    no_exceptions(at)
    assert [h.value for h in at.header] == [TOPICS[4].title]
    now = {p.proto.label for p in at.get("page_link")}
    assert now != first
    assert "Compare routes: with a benzodiazepine" in now
    assert at.query_params["present"] in ("1", ["1"])


def test_switching_presentation_on_puts_it_in_the_url():
    at = app(PAGE).run()
    at.toggle(key="app_present").set_value(True).run()
    no_exceptions(at)
    assert at.query_params["present"] in ("1", ["1"])
    assert len(at.tabs) == 0
    assert len(at.header) == 1


@pytest.mark.parametrize("odd", ODD_VALUES)
def test_odd_url_values_fall_back_with_a_warning(odd):
    at = app(PAGE, {"present": odd, "zzz": odd}).run()
    no_exceptions(at)
    assert any("not usable" in w.value and "zzz" in w.value for w in at.warning)
    assert at.toggle(key="app_present").value in (True, False)
    assert "zzz" not in at.query_params


# ------------------------------------------------------------------------------------------------ content


def test_every_link_opens_a_page_with_keys_it_declares():
    links = all_links()
    assert {lk.page for _, lk in links} >= {"compare", "withdrawal", "pump", "population", "lecture", "model"}
    for _, lk in links:
        path, params = lk.target()
        assert (DASHBOARD / path).is_file()
        assert set(params) <= set(PAGE_KEYS[lk.page])
        if lk.page == "lecture" and "scene" in params:  # a link to one scene names a scene that exists
            assert params["scene"] in {sc.slug for sc in SCENES}


def page_schema(page: str):
    """The SCHEMA of a page, evaluated from its imports and module-level assignments up to SCHEMA (no Streamlit
    calls run); None when the page has no usable SCHEMA yet (pages are built in parallel)."""
    tree = ast.parse(schema_file(page).read_text())
    body = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign)):
            body.append(node)
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "SCHEMA" for t in node.targets):
                break
    else:
        return None
    ns: dict = {}
    try:
        exec(compile(ast.Module(body=body, type_ignores=[]), page, "exec"), ns)
    except Exception:
        return None
    return ns.get("SCHEMA")


def test_link_settings_are_accepted_by_the_target_pages():
    checked = 0
    for _, lk in all_links():
        schema = page_schema(lk.page)
        if schema is None or not schema.fields:
            continue
        _, params = lk.target()
        values, warnings = schema.parse(params)
        assert not warnings, (lk.label, warnings)
        for key, raw in params.items():
            assert schema.field(key).kind in ("choice", "bool") or float(raw) == pytest.approx(values[key]), lk.label
        checked += 1
    assert checked >= 10  # at least the Compare page links are checked


FACTS = [
    # mechanism
    "derivative of GABA",
    "GABA-B",
    "GABA-A and GABA-C",
    "chloride",
    "G-protein-coupled",
    "calcium (Ca²⁺)",
    "excitatory transmitter",
    "potassium (K⁺)",
    "hyperpolarised",
    "monosynaptic",
    "polysynaptic",
    "cerebral cortex",
    "dorsal horn",
    "spinal cord disease",
    "stroke",
    # indications
    "Multiple sclerosis",
    "Spinal cord injury",
    "tumours",
    "syringomyelia",
    "amyotrophic lateral sclerosis",
    "cerebral palsy",
    "motor neuron disease",
    "transverse myelitis",
    "traumatic cord injury",
    "Dystonia",
    "children",
    "Alcohol use disorder",
    "experimental",
    "Trigeminal neuralgia",
    "adjuvant",
    "GERD",
    "TLESRs",
    # routes
    "rebound spasticity",
    "rhabdomyolysis",
    "Targeting",
    "Efficacy",
    "Administration",
    "Side effects",
    "Withdrawal risk",
    "Who it suits",
    "granules",
    "infection",
    "programming errors",
    "multi-organ failure",
    "hallucinations",
    # side effects
    "65 %",
    "4-12 %",
    "2-3 days",
    "weakness",
    "dizziness",
    "constipation",
    "Headache",
    "confusion",
    "trouble sleeping",
    "passing urine often",
    "Overdose",
    "shallow breathing",
    "seizures",
    "coma",
    "low blood pressure",
    "slowed breathing",
    # interactions
    "Alcohol",
    "Opioids",
    "respiratory depression",
    "fatal",
    "alprazolam",
    "lorazepam",
    "Sleep medicines",
    "antihistamines",
    "cough suppressants",
    "over-the-counter",
    "herbal",
    "pharmacist",
    # management
    "Titration",
    "several weeks",
    "tolerance",
    "dependence",
    "cognition",
    "Hydration",
    "diuretics",
    "driving",
    "heavy machinery",
    "Never stop suddenly",
    "taper",
]


def test_every_seed_fact_is_taught():
    text = content_text().lower()
    missing = [f for f in FACTS if f.lower() not in text]
    assert not missing


def _shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not present")
def test_content_is_in_our_own_words():
    """No run of eight words is copied from the seed documents."""
    seeds = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    copied = _shingles(content_text()) & _shingles(seeds)
    assert not copied, sorted(" ".join(c) for c in copied)[:5]
