"""Every page's URL schema uses exactly the keys published in dashboard.links (so links between pages work)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dashboard.links import PAGE_KEYS

from .helpers import schema_file


def schema_keys(path: Path) -> tuple[str, ...]:
    """URL keys of the Field(...) calls inside the module-level SCHEMA = Schema(...) of a page file."""
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "SCHEMA" for t in node.targets):
            return tuple(
                call.args[0].value
                for call in ast.walk(node.value)
                if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "Field"
            )
    return ()


@pytest.mark.parametrize("page", sorted(PAGE_KEYS))
def test_page_declares_the_published_keys(page):
    assert set(schema_keys(schema_file(page))) == set(PAGE_KEYS[page])
