"""The Lecture page's URL settings: the scene and the step (predict or reveal), so each scene has its own link
(pure: no Streamlit calls, so tests read them)."""

from __future__ import annotations

from dashboard.state import Field, Schema
from pkmodels.scenes import SCENES

__all__ = ["SCENE_KEY", "SCHEMA", "SLUGS"]

SLUGS = tuple(s.slug for s in SCENES)
SCHEMA = Schema(
    "lec",
    (
        Field(
            "scene",
            SLUGS[0],
            "Scene",
            "choice",
            choices=SLUGS,
            labels={s.slug: f"{i}. {s.title}" for i, s in enumerate(SCENES, start=1)},
        ),
        Field("step", 0, "Step", "int", 0, 1, 1, help="0 = predict, 1 = reveal"),
    ),
)
SCENE_KEY = SCHEMA.widget_key("scene")
