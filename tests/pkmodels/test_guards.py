"""The model library stands alone: importing it (every module) loads neither Streamlit nor Plotly."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pkmodels


def test_pkmodels_imports_without_the_dashboard_stack():
    modules = sorted(
        m.name for m in pkgutil.iter_modules(pkmodels.__path__, "pkmodels.") if m.name != "pkmodels.__main__"
    )
    assert "pkmodels.model" in modules  # the walk found the package's modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'streamlit', 'plotly', 'dashboard'})\n"
        "print(','.join(loaded))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == ""
