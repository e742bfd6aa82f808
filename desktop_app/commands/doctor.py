"""`fashion-assistant doctor`: what this installation has, for testers and bug reports."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports every command to build its parser: doctor's report loads only to run
    from desktop_app.core.platform.app_context import AppContext


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("doctor", help="show Python, torch, ONNX Runtime, the CPU's int8 path, SQLite, models and data paths")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--full", action="store_true",
                        help="check every page of the catalog even when it is unchanged since its last check passed")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.doctor import collect, encoder_lines

    report = collect(context, full_check=args.full)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    py, torch, sqlite = report["python"], report["torch"], report["sqlite"]
    print(f"Fashion Assistant {report['app_version']}")
    print(f"Python   {py['version']} ({py['executable']})")
    if torch["available"]:
        print(f"torch    {torch['version']}, {torch['threads']} threads, device {torch['device']}")
    else:
        print(f"torch    not available: {torch['error']}")
    onnx = report["onnxruntime"]
    if onnx["available"]:
        print(f"ONNX     Runtime {onnx['version']}: fast int8 indexing available")
    else:
        print(f"ONNX     Runtime not installed ({onnx['hint']})")
    cpu = report["cpu"]
    print(f"CPU      {cpu['arch']}, int8 path: {cpu['summary']}")
    for line in encoder_lines(report["encoders"]):
        print(line)
    check = report["catalog_check"]
    print(f"Catalog  {check['summary'] if check else 'none yet'}")
    if sqlite["ok"]:
        print(f"SQLite   {sqlite['sqlite_version']} via {sqlite['loaded_with']}, sqlite-vec {sqlite['sqlite_vec_version']}")
    else:
        print(f"SQLite   problem: {sqlite['error']}")
    print("Models")
    for model in report["models"]:
        where = model["location"] or "-"
        print(f"  {model['role']:<10} {model['name']:<32} {model['source']:<16} {where}")
        if model["hint"]:
            print(f"  {'':<10} {model['hint']}")
    print("Paths")
    for name, value in report["paths"].items():
        print(f"  {name:<10} {value}")
    return 0
