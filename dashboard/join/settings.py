"""The join page's URL key: the class code, free text checked by :func:`dashboard.classroom.codes.parse_code`
(so not a :class:`~dashboard.state.Schema` field: those are numbers or fixed choices).  Pure, so tests read it."""

from __future__ import annotations

__all__ = ["CODE_KEY", "URL_KEYS"]

CODE_KEY = "code"
URL_KEYS = (CODE_KEY,)  # = dashboard.links.PAGE_TEXT_KEYS["join"] (tests/dashboard/test_links.py checks)
