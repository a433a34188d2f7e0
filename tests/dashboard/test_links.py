"""Every page's URL schema uses exactly the keys published in dashboard.links (so links between pages work)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dashboard import shared_fields
from dashboard.links import PAGE_KEYS, PAGE_PATHS, PAGE_TEXT_KEYS, link, url_keys
from dashboard.state import Field

from .helpers import schema_file


def schema_keys(path: Path) -> tuple[str, ...]:
    """URL keys of the module-level SCHEMA = Schema(...) of a page file: its Field(...) calls, and the shared
    fields of dashboard.shared_fields it names (read from the source, so a page script is never run)."""
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "SCHEMA" for t in node.targets):
            own = [
                call.args[0].value
                for call in ast.walk(node.value)
                if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "Field"
            ]
            shared = [
                getattr(shared_fields, n.id).key
                for n in ast.walk(node.value)
                if isinstance(n, ast.Name) and isinstance(getattr(shared_fields, n.id, None), Field)
            ]
            return (*own, *shared)
    return ()


@pytest.mark.parametrize("page", sorted(PAGE_KEYS))
def test_page_declares_the_published_keys(page):
    assert set(schema_keys(schema_file(page))) == set(PAGE_KEYS[page])


def test_every_page_publishes_its_keys():
    assert set(PAGE_PATHS) == set(PAGE_KEYS) | set(PAGE_TEXT_KEYS)
    assert not set(PAGE_KEYS) & set(PAGE_TEXT_KEYS)


def test_the_join_page_reads_the_published_code_key():
    from dashboard.join.settings import URL_KEYS

    assert URL_KEYS == PAGE_TEXT_KEYS["join"] == url_keys("join") == ("code",)
    assert link("join", code="ABCDE") == ("join/page.py", {"code": "ABCDE"})
    with pytest.raises(KeyError):
        link("join", step=1)
