"""Test-suite settings shared by every folder.

Hypothesis profiles: ``ci`` (set by ``.ci/run`` through ``HYPOTHESIS_PROFILE=ci``) draws the same examples on
every run (``derandomize``), so a red CI is reproducible and never a matter of luck; ``dev`` (the default)
keeps searching with fresh random examples on every local run.  ``pytest --hypothesis-seed=N`` replays a seed.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
