"""Command line: ``python -m pkmodels run | params | equivalent | sbml``.

Bad input ends with exit status 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import NoReturn

from .assumptions import model_assumptions
from .covariates import Patient
from .equivalence import oral_equivalent
from .model import individual_params, simulate
from .parameters import parameter_table
from .scenario import PATIENT_FIELDS, Scenario, ScenarioError, load_scenario

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


class UsageError(Exception):
    pass


def _default_out(scenario_path: str) -> Path:
    p = Path(scenario_path)
    return p.with_name(p.stem + ".result.csv")


def _cmd_run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    result = simulate(scenario)
    out = Path(args.out) if args.out else _default_out(args.scenario)
    try:
        result.table.to_csv(out, index=False, float_format="%.6g")
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    summary = {"result_csv": str(out), "rows": len(result.table), **result.summary()}
    print(json.dumps(summary, indent=2))
    return 0


def _cmd_params(args: argparse.Namespace) -> int:
    rows = parameter_table()
    assumptions = model_assumptions()
    if args.json:
        print(json.dumps({"parameters": rows, "assumptions": assumptions}, indent=2))
        return 0
    print(f"{'name':32} {'value':>10} {'unit':10} {'tag':3} {'source':22} {'CV%':>5}  description")
    for r in rows:
        flag = "A" if r["assumption"] else r["tag"]
        print(
            f"{r['name']:32} {r['value']:>10.4g} {r['unit']:10} {flag:3} {r['source']:22} "
            f"{r['cv_percent']:>5.0f}  {r['description']}"
        )
    print("\nTags: R read in source, S secondary, D derived, NV not verified, A teaching assumption.")
    print("\nAssumptions (no published value; each chosen to meet the anchors named):")
    for a in assumptions:
        print(f"- {a['name']} = {a['value']}: {a['reason']}")
    return 0


def _cmd_equivalent(args: argparse.Namespace) -> int:
    patient_values = {"weight_kg": args.weight_kg, "age_y": args.age_y, "crcl_ml_per_min": args.crcl_ml_per_min}
    for key, value in patient_values.items():
        spec = PATIENT_FIELDS[key]
        if value is not None and not spec.lo <= value <= spec.hi:
            raise UsageError(f"--{key.replace('_', '-')} must be within {spec.lo:g}..{spec.hi:g}")
    if not (0 < args.it_ug_per_day <= 20000):
        raise UsageError("--it-ug-per-day must be within 0..20000 (and above 0)")
    scenario = Scenario(patient=Patient(args.weight_kg, args.age_y, args.crcl_ml_per_min))
    eq = oral_equivalent(individual_params(scenario), args.it_ug_per_day, doses_per_day=args.doses_per_day)
    print(json.dumps(eq.as_dict(), indent=2))
    return 0


def _cmd_sbml(args: argparse.Namespace) -> int:
    from .sbml import scenario_to_sbml  # imported lazily: only this command needs it

    scenario = load_scenario(args.scenario)
    text = scenario_to_sbml(scenario)
    out = Path(args.out) if args.out else Path(args.scenario).with_suffix(".xml")
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(json.dumps({"sbml": str(out), "bytes": len(text.encode())}))
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from .calibration import CALIBRATION  # imported lazily: runs every validation scenario
    from .observations import OBSERVATIONS
    from .validation import evaluate, summary_counts

    tables = {"calibration": CALIBRATION, "independent": OBSERVATIONS, "all": CALIBRATION + OBSERVATIONS}
    rows = evaluate(tables[args.kind])
    if args.json:
        print(json.dumps({"summary": summary_counts(rows), "rows": rows}, indent=2, default=str))
        return 0
    for r in rows:
        print(f"{r['kind']:<12} {r['verdict']:<16} {r['key']:<24} model {r['model']:.4g} {r['unit']} "
              f"(accepted {r['lo']:.4g}-{r['hi']:.4g}) {r['source']}")  # fmt: skip
    for kind, c in summary_counts(rows).items():
        if c["rows"]:
            print(f"{kind}: {c['passed']} of {c['rows']} inside the published range, {c['missed']} missed")
    return 0


def _finite(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if v != v or v in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return v


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m pkmodels", description="Oral vs intrathecal baclofen teaching model (not dosing advice)."
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="simulate a scenario file; write the result CSV, print metrics as JSON")
    run.add_argument("scenario", help="scenario JSON file (see README, 'Scenario files')")
    run.add_argument("--out", help="result CSV (default: <scenario>.result.csv beside the scenario)")
    run.set_defaults(func=_cmd_run)
    params = sub.add_parser("params", help="print the parameter table with units, sources and assumptions")
    params.add_argument("--json", action="store_true", help="machine-readable output")
    params.set_defaults(func=_cmd_params)
    eq = sub.add_parser("equivalent", help="oral dose matching an intrathecal dose's spinal relief")
    eq.add_argument("--it-ug-per-day", type=_finite, required=True)
    eq.add_argument("--doses-per-day", type=int, default=3, choices=(2, 3, 4))
    eq.add_argument("--weight-kg", type=_finite, default=70.0)
    eq.add_argument("--age-y", type=_finite, default=40.0)
    eq.add_argument("--crcl-ml-per-min", type=_finite, default=None)
    eq.set_defaults(func=_cmd_equivalent)
    sbml = sub.add_parser("sbml", help="export the model with a scenario's parameters and dosing as SBML L3")
    sbml.add_argument("scenario")
    sbml.add_argument("--out", help="SBML file (default: <scenario>.xml)")
    sbml.set_defaults(func=_cmd_sbml)
    val = sub.add_parser("validate", help="the model against published values: calibration and independent rows")
    val.add_argument("--kind", choices=("calibration", "independent", "all"), default="all")
    val.add_argument("--json", action="store_true", help="machine-readable output")
    val.set_defaults(func=_cmd_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ScenarioError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # remaining validation problems inside the model library
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `python -m pkmodels params | head`
        sys.stderr.close()
        return 0
