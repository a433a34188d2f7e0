"""Readable text colours: WCAG 2.x contrast, and the lightest darker shade of a colour that passes it.

The Okabe-Ito colours are chosen for colour-blind safety, not for text: orange on white is 2.0:1, vermillion
3.6:1, grey 3.9:1, below the 4.5:1 that WCAG AA asks of normal text.  Lines and bands keep the palette; text
drawn in a palette colour uses :func:`readable`, the same hue darkened until it passes on the backgrounds it is
drawn on (:data:`BACKGROUNDS`).  Pure functions, unit-tested against WCAG's own examples.
"""

from __future__ import annotations

import functools

__all__ = ["AA_TEXT", "BACKGROUNDS", "composite", "contrast_ratio", "parse_colour", "readable"]

AA_TEXT = 4.5  # WCAG 2.x, level AA, normal-size text
WHITE = (255.0, 255.0, 255.0)
# What text is drawn on: the page and the figures are white (labels inside the light stage bands are dark grey,
# which passes on every band; tests/dashboard/charts/test_contrast.py checks both).
BACKGROUNDS = ("#FFFFFF",)

RGB = tuple[float, float, float]


def parse_colour(colour: str) -> tuple[RGB, float]:
    """'#E69F00', '#444', 'rgb(1,2,3)' or 'rgba(1,2,3,0.2)' -> ((r, g, b) in 0-255, alpha)."""
    c = colour.strip()
    if c.startswith("#"):
        h = c[1:]
        if len(h) == 3:
            h = "".join(2 * ch for ch in h)
        return (float(int(h[0:2], 16)), float(int(h[2:4], 16)), float(int(h[4:6], 16))), 1.0
    if c.startswith(("rgb(", "rgba(")):
        parts = [float(p) for p in c[c.index("(") + 1 : c.rindex(")")].split(",")]
        return (parts[0], parts[1], parts[2]), parts[3] if len(parts) == 4 else 1.0
    raise ValueError(f"not a colour this module reads: {colour!r}")


def composite(colour: str, under: RGB = WHITE) -> RGB:
    """The colour seen when ``colour`` (possibly translucent) is drawn over the opaque ``under``."""
    (r, g, b), a = parse_colour(colour)
    return (a * r + (1 - a) * under[0], a * g + (1 - a) * under[1], a * b + (1 - a) * under[2])


def _luminance(rgb: RGB) -> float:
    def channel(v: float) -> float:
        s = v / 255.0
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str = "#FFFFFF") -> float:
    """WCAG contrast ratio (1 to 21) of ``foreground`` text on ``background`` (each composited over white)."""
    bg = composite(background)
    fg = composite(foreground, bg)
    hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@functools.lru_cache(maxsize=256)  # pure, and asked for every annotation of every figure built
def readable(colour: str, backgrounds: tuple[str, ...] = BACKGROUNDS, ratio: float = AA_TEXT) -> str:
    """``colour`` if it already reaches ``ratio`` on every background, else the lightest darker shade of it
    (the same hue, channels scaled down together) that does, as '#RRGGBB'."""
    rgb = composite(colour)
    for step in range(101):
        k = 1.0 - step / 100.0
        shade = "#{:02X}{:02X}{:02X}".format(*(round(v * k) for v in rgb))
        if all(contrast_ratio(shade, bg) >= ratio for bg in backgrounds):
            return shade
    return "#000000"
