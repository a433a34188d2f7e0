"""`python -m pkmodels`: run, params, equivalent; bad input gives exit status 2 and one line, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pkmodels import PARAMETER_SPECS

EXAMPLE = Path(__file__).parents[2] / "examples" / "issue_example.json"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pkmodels", *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_run_writes_the_result_table_and_prints_metrics(tmp_path):
    out = tmp_path / "result.csv"
    proc = cli("run", str(EXAMPLE), "--out", str(out), cwd=tmp_path)  # any working directory
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    table = pd.read_csv(out)
    assert len(table) == summary["rows"] == 72 * 12 + 1
    for col in (
        "time_h",
        "plasma_ng_per_ml",
        "csf_lumbar_ng_per_ml",
        "csf_thoracic_ng_per_ml",
        "csf_cervical_ng_per_ml",
        "csf_cranial_ng_per_ml",
        "effect_spinal_ng_per_ml",
        "effect_cervical_ng_per_ml",
        "spasticity_relief_ashworth",
        "spasticity_relief_upper_limb_ashworth",
        "sedation_index",
        "respiratory_depression_index",
        "respiratory_warning",
        "coordination_impairment_index",
        "withdrawal_index",
        "withdrawal_stage",
        "withdrawal_spinal_index",
        "withdrawal_supraspinal_index",
        "dosed_ug",
    ):
        assert col in table.columns
    # the drug amount in every mass state, and with the eliminated drug it adds up to what was given
    mass = ["gut", "retained", "plasma", "peripheral", "csf_cranial", *(f"csf_spinal_{k}" for k in range(1, 9))]
    amounts = table[[f"{s}_ug" for s in [*mass, "eliminated"]]].sum(axis=1)
    np.testing.assert_allclose(amounts, table.dosed_ug, rtol=1e-5)  # the CSV keeps 6 significant digits
    assert table.withdrawal_stage.between(0, 4).all()
    for col in ("plasma_ng_per_ml", "csf_lumbar_ng_per_ml", "csf_cranial_ng_per_ml"):
        m = summary[col]
        assert m["cmax"] == pytest.approx(table[col].max(), rel=1e-5)
        assert set(m) == {"cmax", "tmax_h", "auc_ng_h_per_ml", "cavg_last_24h"}
    assert {
        "relief_mean_last_24h_ashworth",
        "sedation_peak_stage",
        "withdrawal_onset_h",
        "withdrawal_peak_stage",
        "withdrawal_time_to_peak_h",
        "withdrawal_hours_above_mild",
    } <= set(summary["pd"])


def test_default_output_sits_beside_the_scenario(tmp_path):
    scen = tmp_path / "s.json"
    scen.write_text(EXAMPLE.read_text())
    assert cli("run", str(scen), cwd=tmp_path).returncode == 0
    assert (tmp_path / "s.result.csv").exists()


def test_params_lists_every_parameter_with_unit_and_source(tmp_path):
    proc = cli("params", cwd=tmp_path)
    assert proc.returncode == 0
    assert any(ln.startswith("cord_penetration_h ") for ln in proc.stdout.splitlines())  # v2: the cord's delay
    assert not any(ln.startswith("ke0_spinal_per_h ") for ln in proc.stdout.splitlines())  # v1's one-step delay
    for spec in PARAMETER_SPECS:
        line = next(ln for ln in proc.stdout.splitlines() if ln.startswith(spec.name + " "))
        assert spec.unit in line
        assert spec.source in line
    assert "Assumptions" in proc.stdout
    data = json.loads(cli("params", "--json", cwd=tmp_path).stdout)
    assumed = {a["name"] for a in data["assumptions"]}
    assert {s.name for s in PARAMETER_SPECS if s.assumption} <= assumed
    assert all(a["reason"] for a in data["assumptions"])


def test_equivalent_prints_json(tmp_path):
    proc = cli("equivalent", "--it-ug-per-day", "400", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["it_ug_per_day"] == 400
    assert d["reachable"] is False
    assert d["ratio_oral_to_it"] >= 100
    assert {"oral_mg_per_day", "plasma_cavg_ng_per_ml", "sedation_peak_stage", "message"} <= set(d)


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(data))
    return path


def test_a_catheter_tip_that_is_no_level_exits_2_naming_the_allowed_levels(tmp_path):
    path = _write(tmp_path, {"version": 1, "catheter_tip": "T99", "intrathecal": [{"rate_ug_per_day": 200}]})
    proc = cli("run", str(path), cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: catheter_tip must be a vertebral level")
    for level in ("L4", "L1", "T12", "T10", "T1", "C7", "C2"):
        assert f" {level}," in lines[0] or f" {level};" in lines[0], level
    assert "T99" in lines[0]
    assert not (tmp_path / "scenario.result.csv").exists()


def test_a_cervical_tip_scenario_writes_the_cervical_csf(tmp_path):
    """Tip at C5: the pump's drug enters by the neck, so the CSF there is far above the lumbar CSF (the profile
    falls away from the tip), and the arms get more relief than the legs."""
    path = _write(
        tmp_path,
        {"version": 1, "duration_h": 48, "catheter_tip": "C5", "intrathecal": [{"rate_ug_per_day": 300}]},
    )
    out = tmp_path / "cervical.csv"
    proc = cli("run", str(path), "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    table = pd.read_csv(out)
    assert "csf_cervical_ng_per_ml" in table.columns
    end = table.iloc[-1]
    assert end.csf_cervical_ng_per_ml > 2 * end.csf_lumbar_ng_per_ml
    assert end.spasticity_relief_upper_limb_ashworth > end.spasticity_relief_ashworth


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (("run", "missing.json"), None, "cannot read missing.json"),
        (("run", "bad.json"), "{not json", "not valid JSON"),
        (("run", "bad.json"), '{"version": 1, "oral": [{"dose_mg": -1}]}', "dose_mg = -1 is out of range"),
        (("run", "bad.json"), '{"version": 1, "patient": {"weight_kg": 1000}}', "weight_kg = 1000"),
        (("run", "bad.json"), '{"version": 1, "patient": {"sex": "m"}}', "sex must be one of male, female"),
        (("run", "bad.json"), '{"version": 1, "duration_h": 20000}', "duration_h = 20000 is out of range"),
        (("run", "bad.json", "--out", "/nonexistent/dir/x.csv"), '{"version": 1}', "cannot write"),
        (("equivalent", "--it-ug-per-day", "abc"), None, "not a number"),
        (("equivalent", "--it-ug-per-day", "-4"), None, "--it-ug-per-day must be"),
        (("equivalent", "--it-ug-per-day", "100", "--weight-kg", "900"), None, "--weight-kg must be"),
        (("fly",), None, "invalid choice"),
        ((), None, "required"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, args, content, message):
    if content is not None:
        (tmp_path / "bad.json").write_text(content)
    proc = cli(*args, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert message in lines[0]
    assert "Traceback" not in proc.stderr


def test_console_script_is_the_same_program():
    """``pip install`` puts a ``pkmodels`` command beside the interpreter; it runs the same CLI."""
    exe = Path(sys.executable).with_name("pkmodels")
    assert exe.exists(), "the package's console script is not installed (pyproject [project.scripts])"
    out = subprocess.run([str(exe), "params", "--json"], capture_output=True, text=True, check=True, timeout=120)
    assert {r["name"] for r in json.loads(out.stdout)["parameters"]} >= {"f_oral", "ka_per_h"}
