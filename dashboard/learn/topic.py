"""What a Learn topic is made of: sections of short points, each with links to the views that show it.

Every link is built by :func:`dashboard.links.link`, so it uses only URL keys the target page declares.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.links import link

__all__ = ["Link", "Point", "Section", "Topic", "see"]


@dataclass(frozen=True)
class Link:
    """A view on another page that shows a point: page name (dashboard.links), URL settings, label."""

    page: str
    label: str
    params: tuple[tuple[str, object], ...] = ()

    def target(self) -> tuple[str, dict[str, str]]:
        """(page file, query params) for ``st.page_link``; raises KeyError for a key the page does not read."""
        return link(self.page, **dict(self.params))


@dataclass(frozen=True)
class Point:
    """One short statement (Markdown) and the views that show it."""

    text: str
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Section:
    heading: str
    intro: str
    points: tuple[Point, ...] = ()


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    icon: str
    summary: str  # one sentence: the topic in brief (shown first, and alone with the points in presentation)
    sections: tuple[Section, ...]
    takeaway: str
    sketch: str | None = None  # a Graphviz DOT sketch drawn with the topic


def see(page: str, label: str, **params: object) -> Link:
    """A link to ``page`` with URL settings ``params``."""
    return Link(page, label, tuple(params.items()))
