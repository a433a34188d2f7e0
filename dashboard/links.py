"""The script and URL of every page and the URL keys each page reads, so the app frame can build its pages and
any page (Learn, Lecture) can link to a setting on another page.  Pages must use exactly these keys in their
:class:`~dashboard.state.Schema`; ``tests/dashboard/test_links.py`` checks that they do.
"""

from __future__ import annotations

__all__ = ["PAGE_KEYS", "PAGE_PATHS", "PAGE_SCRIPTS", "PAGE_TEXT_KEYS", "link", "url_keys"]

# page -> URL path ("" = home)
PAGE_PATHS = {
    "compare": "",
    "withdrawal": "withdrawal",
    "pump": "pump",
    "population": "population",
    "lecture": "lecture",
    "learn": "learn",
    "model": "model",
    "join": "join",  # students' phones in a class poll (hidden from the navigation; the room gets a link)
}
# page -> its script, relative to the app's folder (dashboard/<page>/page.py; never a folder named pages/,
# which Streamlit would also run without the app frame)
PAGE_SCRIPTS = {page: f"{page}/page.py" for page in PAGE_PATHS}

# URL keys each page's Schema declares (besides the shared "present").
PAGE_KEYS: dict[str, tuple[str, ...]] = {
    "compare": (
        "oral_mg",
        "oral_per_day",
        "days",
        "it_ug",
        "it_mode",
        "tip",
        "weight",
        "crcl",
        "ashworth",
        "comed",
        "comed_x",
    ),
    # route: oral|intrathecal; days_on: therapy before the end (days); ending: abrupt|taper|empty|failure;
    # taper_pct / taper_every: step (% of current dose) and interval (days); restart_h: pump back after N h
    # (0 = never); oral_cover: oral replacement mg per dose from the stop (0 = none); conc / volume: pump drug
    # concentration (ug/mL) and reservoir (mL) for "empty"
    "withdrawal": (
        "route",
        "oral_mg",
        "oral_per_day",
        "it_ug",
        "days_on",
        "ending",
        "taper_pct",
        "taper_every",
        "restart_h",
        "oral_cover",
        "conc",
        "volume",
    ),
    # bolus: screening bolus ug; origin: spinal|cerebral|child; titr_pct: titration % per day; target: ug/day;
    # conc, volume: reservoir; rate: programmed ug/day; refill_h: refill hours after it ran dry (0 = never);
    # error: ten-fold programming error on; flex: flex on;
    # oral_mg / wean_pct: oral dose being weaned and wean step %
    # tip: catheter tip level (pkmodels.neuraxis.CATHETER_LEVELS)
    "pump": (
        "bolus",
        "origin",
        "titr_pct",
        "target",
        "conc",
        "volume",
        "rate",
        "refill_h",
        "error",
        "flex",
        "tip",
        "oral_mg",
        "wean_pct",
    ),
    # n, seed: population; route: oral|intrathecal; oral_mg, it_ug: doses; days; ckd: normal|mild|moderate|severe;
    # age, weight: covariates (age < 18 = paediatric); eq_ug: dose-equivalence explorer input
    "population": ("n", "seed", "route", "oral_mg", "it_ug", "days", "ckd", "age", "weight", "eq_ug"),
    # scene: scene slug; step: 0 = predict, 1 = reveal
    "lecture": ("scene", "step"),
    "learn": (),
    "model": (),
}
# URL keys a page reads itself instead of through a Schema (free text with its own parser, never a number
# or a choice): the class code of a poll, checked by dashboard.classroom.codes.parse_code.
PAGE_TEXT_KEYS: dict[str, tuple[str, ...]] = {"join": ("code",)}


def url_keys(page: str) -> tuple[str, ...]:
    """Every URL key of a page: its Schema's and the ones it parses itself."""
    return (*PAGE_KEYS.get(page, ()), *PAGE_TEXT_KEYS.get(page, ()))


def link(page: str, **params: object) -> tuple[str, dict[str, str]]:
    """(page script relative to the app, query params) for ``st.page_link``; checks the keys."""
    if page not in PAGE_PATHS:
        raise KeyError(f"no page {page!r}")
    unknown = set(params) - set(url_keys(page)) - {"present"}
    if unknown:
        raise KeyError(f"page {page!r} has no URL key(s) {sorted(unknown)}")
    return PAGE_SCRIPTS[page], {k: str(v) for k, v in params.items()}
