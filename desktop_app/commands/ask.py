"""`fashion-assistant ask`: classify a request, search each wanted category for its count, then stream advice."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from desktop_app.core.store import db
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.agents.assistant import find_items
from desktop_app.core.store.chat_store import ChatStore
from desktop_app.core.agents.classifier import open_classifier
from desktop_app.core.platform.errors import UserError
from desktop_app.core.agents.llm_runtime import Failed, Token
from desktop_app.core.agents.stylist import open_stylist


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("ask", help="find items for a request and get streamed styling advice")
    parser.add_argument("request", help="what you are looking for, in English or Spanish (quote it)")
    parser.add_argument("--image", type=Path, metavar="FILE", help="an example photo to search with as well")
    parser.add_argument("--llm", metavar="GGUF", help="instruction-tuned GGUF for the advice (default: the stylist in settings)")
    parser.add_argument("--chat", type=int, metavar="ID", help="continue an earlier chat (its id is printed with --json)")
    parser.add_argument("--json", action="store_true", help="print one JSON object at the end instead of streaming")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.search.searcher import Searcher

    if args.image is not None and not args.image.is_file():
        raise UserError(f"The example photo {args.image} does not exist.", "Give the path of an image file.")
    searcher = Searcher(context)
    conn = db.connect(context.paths.db_path)
    try:
        classification = open_classifier(context, searcher.categories()).classify(args.request)
        items = find_items(searcher, classification, args.request, args.image)
        chats = ChatStore(conn)
        chat_id = args.chat if args.chat is not None else chats.create_chat(args.request)
        stylist = open_stylist(context, chats, override=args.llm)
        advice: list[str] = []
        failure: Failed | None = None
        if not args.json:
            for item in items:
                print(item.describe())
            print()
        for chunk in stylist.advise(args.request, items, image=args.image, chat_id=chat_id):
            if isinstance(chunk, Token):
                advice.append(chunk.text)
                if not args.json:
                    print(chunk.text, end="", flush=True)
            elif isinstance(chunk, Failed):
                failure = chunk
        if args.json:
            print(json.dumps({
                "classification": classification.to_json(args.request), "items": [i.to_json() for i in items],
                "advice": "".join(advice), "model": stylist.model_name, "chat_id": chat_id,
            }, ensure_ascii=False, indent=2))
        else:
            print()
        if failure is not None:
            print(f"error: {failure.user_message}", file=sys.stderr)
            return 1
        return 0
    finally:
        conn.close()
        searcher.close()
