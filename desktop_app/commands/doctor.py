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
    from desktop_app.core.doctor import collect, encoder_lines, role_name, source_name
    from desktop_app.core.platform.i18n import _

    report = collect(context, full_check=args.full)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    py, torch, sqlite = report["python"], report["torch"], report["sqlite"]
    print(f"Fashion Assistant {report['app_version']}")
    print(f"Python   {py['version']} ({py['executable']})")
    if torch["available"]:
        print(_("torch    {version}, {threads} threads, device {device}").format(
            version=torch["version"], threads=torch["threads"], device=torch["device"]))
    else:
        print(_("torch    not available: {error}").format(error=torch["error"]))
    onnx = report["onnxruntime"]
    if onnx["available"]:
        print(_("ONNX     Runtime {version}: fast int8 indexing available").format(version=onnx["version"]))
    else:
        print(_("ONNX     Runtime not installed ({hint})").format(hint=onnx["hint"]))
    cpu = report["cpu"]
    print(_("CPU      {arch}, int8 path: {summary}").format(arch=cpu["arch"], summary=cpu["summary"]))
    for line in encoder_lines(report["encoders"]):
        print(line)
    check = report["catalog_check"]
    print(_("Catalog  {summary}").format(summary=check["summary"] if check else _("none yet")))
    if sqlite["ok"]:
        print(_("SQLite   {version} via {driver}, sqlite-vec {vec}").format(
            version=sqlite["sqlite_version"], driver=sqlite["loaded_with"], vec=sqlite["sqlite_vec_version"]))
    else:
        print(_("SQLite   problem: {error}").format(error=sqlite["error"]))
    print(_("Models"))
    for model in report["models"]:
        where = model["location"] or "-"
        print(f"  {role_name(model['role']):<12} {model['name']:<32} {source_name(model['source']):<16} {where}")
        if model["hint"]:
            print(f"  {'':<12} {model['hint']}")
    print(_("Paths"))
    for name, value in report["paths"].items():
        print(f"  {name:<10} {value}")
    return 0
