"""The Lecture page: its script (``page.py``), URL settings and the scene figures (the Compare figure with a
scene's arrows and spans, and the empty frame shown before the reveal)."""
