"""`fashion-assistant models …`: find, download once, verify, import and switch the models each role uses.

Only `models download` may use the network (it sets `allow_network`, which `cli.main` passes to
`open_context`); every other command, here and elsewhere, runs with the offline guard on.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.cli_progress import progress_printer
from desktop_app.core.models.locator import find_all
from desktop_app.core.models.registry import (
    ROLES,
    LicenceNotAcceptedError,
    Manifest,
    Registry,
    accept_licence,
    installed_or_explain,
    load_manifest,
    role_word,
    verify_installed,
)
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.jobs import CancelToken
from desktop_app.core.platform.units import format_size

if TYPE_CHECKING:  # the CLI imports every command to build its parser: the heavy parts load only to run
    from desktop_app.core.agents.measure import MeasureReport, Recommendation
    from desktop_app.core.models.inventory import Measurement


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("models", help="list, download, verify, import, use and remove models")
    actions = parser.add_subparsers(dest="models_command", required=True, metavar="ACTION")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        action = actions.add_parser(name, help=help_text)
        action.add_argument("--json", action="store_true", help="print one JSON object")
        return action

    add("list", "the known models, what is installed, and each role's current model").set_defaults(handler=run_list)
    download = add("download", "download a model from the manifest once (the only command that uses the network)")
    download.add_argument("name", help="manifest name or hub repo id, e.g. gemma-3-1b-it")
    download.add_argument("--accept-licence", action="store_true", help="accept the model's licence without asking")
    download.add_argument("--trust-new", action="store_true",
                          help="accept files that differ from this machine's first download of the model (a deliberate update)")
    download.set_defaults(handler=run_download, allow_network=True)
    verify = add("verify", "re-check the checksums of installed models")
    verify.add_argument("name", nargs="?", help="one model (default: all installed)")
    verify.set_defaults(handler=run_verify)
    imported = add("import", "use a BLIP-2 folder or GGUF file you already have (validated, hashed, left where it is)")
    imported.add_argument("path", type=Path)
    imported.add_argument("--role", required=True, choices=ROLES)
    imported.add_argument("--name", help="name to list it under (default: from the file or folder name)")
    imported.set_defaults(handler=run_import)
    use = add("use", "make an installed model the current one for a role")
    use.add_argument("name")
    use.add_argument("--role", required=True, choices=ROLES)
    use.set_defaults(handler=run_use)
    remove = add("remove", "delete a downloaded model, or forget an imported one (its files are left alone)")
    remove.add_argument("name")
    remove.set_defaults(handler=run_remove)
    prepare = add("prepare", "convert the BLIP-2 vision tower into the fast int8 ONNX encoder now, once (else the first index does)")
    prepare.add_argument("--blip2", metavar="MODEL", help="local folder or hub id in the local cache (default: the catalog's model)")
    prepare.add_argument("--photos", type=Path, metavar="FOLDER",
                         help="check the encoder against fp32 on a few photos from this folder (default: from the catalog)")
    prepare.set_defaults(handler=run_prepare)
    measure = add("measure", "run the labelled requests on each installed GGUF here and recommend the smallest that passes")
    measure.add_argument("names", nargs="*", metavar="NAME", help="models to measure (default: every installed GGUF)")
    measure.add_argument("--limit", type=int, metavar="N",
                         help="only N of the labelled requests, spread over the set (a quick look, not a verdict)")
    measure.add_argument("--accept-model-terms", action="store_true", default=argparse.SUPPRESS,
                         help="accept the Gemma Terms of Use of the bundled model, once for this data folder (as the global option)")
    measure.set_defaults(handler=run_measure)


def run_list(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.models.inventory import model_rows

    current = [status.to_json() for status in find_all(context.settings, context.paths)]
    rows = model_rows(context)
    if args.json:
        print(json.dumps({"current": current, "models": [row.to_json() for row in rows]}, indent=2))
        return 0
    print(_("Current models"))
    for status in current:
        checked = _("verified") if status["verified"] else _("not verified")
        state = f"{format_size(status['size_bytes'])}, {checked}" if status["found"] else _("missing")
        where = status["origin"] or status["source"]
        print(f"  {role_word(status['role']):<12} {status['model'] or status['name']:<28} {state:<24} {where}")
        if status["hint"]:
            print(f"  {'':<12} {status['hint']}")
    print(_("Known models"))
    for row in rows:
        if row.installed:
            state = _("verified") if row.verified else _("installed")
        else:
            state = _("comes with the app, checked on first use") if row.source == "bundled" else _("not downloaded")
        used = " " + _("(in use: {roles})").format(roles=", ".join(role_word(r) for r in row.used_for)) if row.used_for else ""
        measured = _measured_cell(row.measured)
        print(f"  {row.name:<20} {'/'.join(row.roles):<20} {format_size(row.size_bytes):<10} {measured:<22} {state}{used}")
        if row.listing is not None:
            print(f"  {'':<20} {row.listing.pick_when}")
    return 0


def _measured_cell(result: Measurement | None) -> str:
    """The `models list` column: what `models measure` found here, or how to find it."""
    if result is None:
        return _("not measured")
    return _("{accuracy} exact, p50 {seconds} s").format(accuracy=f"{result.accuracy:.0%}", seconds=f"{result.p50_s:.2f}")


def _accept_licence_once(args: argparse.Namespace, context: AppContext, manifest: Manifest, licence_id: str) -> None:
    licence = manifest.licences[licence_id]
    if not licence.requires_acceptance or licence_id in context.settings.accepted_licences:
        return
    print(f"{licence.name}\n  {licence.summary}\n  " + _("Full text: {url}").format(url=licence.url), file=sys.stderr)
    if not args.accept_licence:
        if not sys.stdin.isatty():
            raise LicenceNotAcceptedError(licence_id, licence)
        answer = input(_("Type 'yes' to accept these terms and download: ")).strip().lower()
        if answer not in ("y", "yes", "s", "si", "sí"):
            raise LicenceNotAcceptedError(licence_id, licence)
    accept_licence(licence_id, context.settings)
    context.save_settings()
    print(_("Accepted the {licence}; you will not be asked again.").format(licence=licence.name), file=sys.stderr)


def run_download(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.models.downloads import download_and_adopt

    manifest = load_manifest()
    entry = manifest.get(args.name)
    if entry.source == "hub":
        _accept_licence_once(args, context, manifest, entry.licence)
    model, adopted = download_and_adopt(context, manifest, args.name, progress=progress_printer(), cancel=CancelToken(),
                                         trust_new=args.trust_new)
    if args.json:
        print(json.dumps({"model": model.model_dump(mode="json"), "now_used_for": adopted}, indent=2))
        return 0
    print(_("{name}: {size}, checksums verified, in {location}").format(name=model.name, size=format_size(model.size_bytes),
                                                                         location=model.location))
    if adopted:
        print(_("Now used as the {roles}.").format(roles=", ".join(role_word(r) for r in adopted)))
    else:
        print(_("Use it with `fashion-assistant models use {name} --role {role}`.").format(name=model.name, role=model.roles[-1]))
    return 0


def run_verify(args: argparse.Namespace, context: AppContext) -> int:
    manifest = load_manifest()
    registry = Registry(context.paths)
    models = [installed_or_explain(args.name, registry, manifest)] if args.name else list(registry.all().values())
    results = {model.name: verify_installed(model, registry, progress_printer()) for model in models}
    if args.json:
        print(json.dumps({"results": [{"name": n, "verified": not p, "problems": p} for n, p in results.items()]}, indent=2))
    elif not results:
        print(_("No downloaded or imported models to verify."))
    for name, problems in results.items():
        if not args.json:
            print(f"{name}: " + (_("verified") if not problems else _("FAILED") + "\n  " + "\n  ".join(problems)))
    if any(results.values()):
        if not args.json:
            print(_("Download a damaged model again after `fashion-assistant models remove NAME`."), file=sys.stderr)
        return 1
    return 0


def run_import(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.models.inventory import import_and_use

    model = import_and_use(context, args.path, args.role, args.name, progress=progress_printer())
    if args.json:
        print(json.dumps({"model": model.model_dump(mode="json"), "now_used_for": [args.role]}, indent=2))
    else:
        print(_("Imported {name} ({size}) from {location}; now used as the {role}.").format(
            name=model.name, size=format_size(model.size_bytes), location=model.location, role=role_word(args.role)))
    return 0


def run_use(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.models.inventory import use_named

    model = use_named(context, args.name, args.role)
    if args.json:
        print(json.dumps({"model": model.name, "role": args.role}))
    else:
        print(_("The {role} is now {name}.").format(role=role_word(args.role), name=model.name))
    return 0


def run_remove(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.models.inventory import remove_named

    model, reset = remove_named(context, args.name)
    if args.json:
        print(json.dumps({"removed": model.name, "deleted_files": model.origin == "downloaded", "roles_reset": reset}))
        return 0
    if model.origin == "downloaded":
        print(_("Removed {name} and deleted its files.").format(name=model.name))
    else:
        print(_("Removed {name}; its files were left where they are.").format(name=model.name))
    if reset:
        print(_("Back to the default for: {roles}.").format(roles=", ".join(role_word(r) for r in reset)))
    return 0


def run_prepare(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.catalog.operations import prepare_fast_encoder
    from desktop_app.core.embedding.blip2 import AGREEMENT_THRESHOLD
    from desktop_app.core.store.catalog import Catalog

    with Catalog.open(context.paths.db_path) as catalog:
        vision, text = prepare_fast_encoder(catalog, context, blip2=args.blip2, photos=args.photos, progress=progress_printer(),
                                            cancel=CancelToken())
    for_indexing, for_search = vision.agreement >= AGREEMENT_THRESHOLD, text.agreement >= AGREEMENT_THRESHOLD
    if args.json:
        print(json.dumps({
            "folder": str(vision.folder), "already_prepared": vision.seconds == 0 and text.seconds == 0,
            "seconds": round(vision.seconds + text.seconds, 1), "agreement": vision.agreement, "worst_vector": vision.worst_vector,
            "photos": vision.samples, "used_for_indexing": for_indexing,
            "text": {"folder": str(text.folder), "agreement": text.agreement, "texts": text.samples, "used_for_search": for_search},
        }, indent=2))
        return 0
    seconds = vision.seconds + text.seconds
    if seconds == 0:
        print(_("The fast encoder was already prepared in {folder}.").format(folder=vision.folder.parent))
    else:
        print(_("The fast encoder is prepared ({minutes} min) in {folder}.").format(minutes=f"{seconds / 60:.1f}",
                                                                                   folder=vision.folder.parent))
    verdict = (_("indexing will use it.") if for_indexing else
               _("below {threshold}, so indexing will use torch.").format(threshold=AGREEMENT_THRESHOLD))
    print(_("On {n} of your photos it agrees with fp32 at {agreement} (worst query vector {worst}): {verdict}").format(
        n=vision.samples, agreement=f"{vision.agreement:.4f}", worst=f"{vision.worst_vector:.4f}", verdict=verdict))
    print(_("For search words, on {n} texts: {agreement}: {verdict}").format(
        n=text.samples, agreement=f"{text.agreement:.4f}", verdict=_("search will use it.") if for_search else _("search will use torch.")))
    return 0


def run_measure(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.agents.measure import measure_models
    from desktop_app.core.models.terms import require_terms_to_measure

    if args.limit is not None and args.limit < 1:
        raise UserError(_("--limit must be at least 1."), _("Leave it out to run every labelled request."))
    require_terms_to_measure(context.settings, args.names)
    report = measure_models(context, args.names, limit=args.limit, progress=progress_printer(), cancel=CancelToken())
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
        return 0
    if report.results:
        print(_("{n} labelled requests (English and Spanish), each model alone, on this machine with {threads} threads:").format(
            n=report.requests, threads=report.results[0].threads))
    else:
        print(_("{n} labelled requests (English and Spanish), each model alone, on this machine:").format(n=report.requests))
    print(f"  {'model':<20} {'size':>9} {'exact':>9} {'en':>5} {'es':>5} {'p50 s':>6} {'p95 s':>6} {'tok/s':>6} {'peak':>9} "
          f"{'load s':>6}")
    for r in report.results:
        languages = [f"{r.accuracy_by_language[lang]:>5.0%}" if lang in r.accuracy_by_language else f"{'-':>5}" for lang in ("en", "es")]
        print(f"  {r.name:<20} {format_size(r.size_bytes):>9} {f'{r.exact}/{r.requests}':>9} {' '.join(languages)} {r.p50_s:>6.2f} "
              f"{r.p95_s:>6.2f} {r.tokens_per_s:>6.1f} {format_size(r.peak_rss_bytes):>9} {r.load_s:>6.1f}")
    print(_("The bar for a role: {bar} of the requests exactly right; the smallest model that reaches it is recommended.").format(
        bar=f"{report.bar:.0%}"))
    for recommendation in report.recommendations:
        print(_recommendation_text(recommendation, report))
    print(_("Kept in {file}; `fashion-assistant models list` shows them.").format(file=report.stored_in))
    return 0


def _recommendation_text(recommendation: Recommendation, report: MeasureReport) -> str:
    role, model = recommendation.role, recommendation.model
    if role == "stylist":
        needs = "  " + _("stylist: advice needs an instruction-tuned model (one with a chat template); a base model such as the"
                         " bundled 270M cannot give it.") + " "
        if model is not None:
            return needs + _("Use {model}: `fashion-assistant models use {model} --role stylist`.").format(model=model)
        if recommendation.candidates == 0:
            return needs + _("None was measured: `fashion-assistant models download gemma-3-1b-it`, then measure again.")
        return needs + _("None measured reaches the bar; try gemma-3-4b-it.")
    if model is not None:
        return "  " + _("classifier: {model}, the smallest that reaches the bar:"
                        " `fashion-assistant models use {model} --role classifier`.").format(model=model)
    best = max(report.results, key=lambda r: r.accuracy, default=None)
    so_far = " " + _("(best: {name}, {accuracy})").format(name=best.name, accuracy=f"{best.accuracy:.0%}") if best is not None else ""
    return "  " + _("classifier: no model measured reaches the bar{so_far}. The keyword parser reads most requests itself and asks the"
                    " model only where words fail; a larger model (gemma-3-1b-it, gemma-3-4b-it) may pass: download one and measure"
                    " again.").format(so_far=so_far)
