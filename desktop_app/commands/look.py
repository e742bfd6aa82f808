"""`fashion-assistant look`: complete outfits for a request, from the shop's stock, as text, JSON, a PDF or a PNG board.

The looks are the core's (`LookMaker`); this face prints them, writes the sheet with the Qt painter
module (headless, no display needed) and saves them to the lookbook when asked.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import _

if TYPE_CHECKING:
    from desktop_app.core.agents.look_maker import LooksComposed
    from desktop_app.core.platform.app_context import AppContext


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("look", help="compose complete looks for a request from the shop's stock")
    parser.add_argument("request", help="an occasion or the garments wanted, in English or Spanish (quote it)")
    parser.add_argument("--around", metavar="PHOTO|SKU", help="complete the look around this item: an indexed photo or a SKU")
    parser.add_argument("--looks", type=int, default=3, metavar="N", help="how many looks (default 3)")
    parser.add_argument("--budget", type=float, metavar="X", help="the most a whole look may cost")
    parser.add_argument("--size", metavar="S", help="the size every sized item must be in stock in")
    parser.add_argument("--out", type=Path, metavar="FILE", help="also save the looks as FILE.pdf (a page each) or FILE.png (a board)")
    parser.add_argument("--save", metavar="NAME", help="keep the first look in the catalog's lookbook under NAME")
    parser.add_argument("--llm", metavar="GGUF", help="instruction-tuned GGUF for the advice (default: the stylist in settings)")
    parser.add_argument("--json", action="store_true", help="print one JSON object at the end")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.agents.assistant import Classified
    from desktop_app.core.agents.llm_runtime import Done, Failed, Token
    from desktop_app.core.agents.look_maker import LookMaker, LooksComposed
    from desktop_app.core.agents.stylist import open_stylist
    from desktop_app.core.looks.lookset import save_look
    from desktop_app.core.store.catalog import Catalog

    if not 1 <= args.looks <= 10:
        raise UserError(_("--looks must be between 1 and 10."), _("Ask for fewer looks."))
    if args.budget is not None and args.budget <= 0:
        raise UserError(_("--budget must be more than 0."), _("Give the most a whole look may cost."))
    if args.out is not None and args.out.suffix.lower() not in {".pdf", ".png"}:
        raise UserError(_("Looks can be saved as a PDF or a PNG image, not as {suffix}.").format(suffix=args.out.suffix or args.out.name),
                        _("Give a file name ending in .pdf or .png."))
    classification = composed = end = None
    advice: list[str] = []
    with Catalog.open(context.paths.db_path) as catalog:
        stylist = open_stylist(context, catalog.chats, override=args.llm)
        maker = LookMaker(context, catalog, stylist=stylist)
        for event in maker.make(args.request, around=args.around, looks=args.looks, budget=args.budget, size=args.size):
            if isinstance(event, Classified):
                classification = event.classification
            elif isinstance(event, LooksComposed):
                composed = event
                if not args.json:
                    _print_looks(event)
            elif isinstance(event, Token):
                advice.append(event.text)
                if not args.json:
                    print(event.text, end="", flush=True)
            elif isinstance(event, Done | Failed):
                end = event
        if not args.json and advice:
            print()
        if isinstance(end, Failed):
            print(_("error: {message}").format(message=end.user_message), file=sys.stderr)
            return 1
        assert composed is not None and classification is not None
        # the notice that no model can advise is the terminal's, not words to hand a customer
        words = "" if isinstance(end, Done) and end.reason == "no_model" else "".join(advice)
        written = _write(args.out, composed, words, context) if args.out is not None and composed.outlines else None
        if args.save and composed.looks.looks:
            save_look(catalog, composed.looks, 0, name=args.save, request=args.request, advice=words)
            if not args.json:
                print(_("Saved to the lookbook as {name}.").format(name=args.save))
    if args.json:
        print(json.dumps(_json(args.request, classification, composed, "".join(advice), written), ensure_ascii=False, indent=2))
    elif written is not None:
        print(_("Written: {path}").format(path=written))
    if isinstance(end, Done) and end.reason == "no_model" and not args.json:
        from desktop_app.commands.ask import no_model_hint

        print(no_model_hint())
    return 0


def _print_looks(event: LooksComposed) -> None:
    for note in event.notes():
        print(note)
    for outline in event.outlines:
        print(outline.describe(for_people=True))
    if event.outlines:
        print()


def _write(out: Path, composed: LooksComposed, advice: str, context: AppContext) -> Path:
    try:
        from desktop_app.sheets.look_sheet import SheetHeader, write_sheet
    except ImportError as exc:  # the CLI installed without the window's extra
        raise UserError(_("Saving looks as a PDF or PNG needs the window's part of the app (PySide6), which is not installed."),
                        _("Install the app with its window, as the README shows."), str(exc)) from exc
    return write_sheet(out, composed.outlines, SheetHeader(context.settings.shop_name, advice))


def _json(request: str, classification: Any, composed: LooksComposed, advice: str, written: Path | None) -> dict[str, Any]:
    looks = composed.looks.to_json()
    for look, outline in zip(looks, composed.outlines, strict=True):
        for item, style in zip(look["items"], outline.items, strict=True):
            item["number"] = style.number
    return {"classification": classification.to_json(request), "looks": looks, "missing": list(composed.missing),
            "advice": advice, "file": None if written is None else str(written)}
