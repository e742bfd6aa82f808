"""The assistant's retrieval step, shared by `fashion-assistant ask` and the window.

One search per wanted category for its count, numbered in the order they are shown, so the
numbers in the advice match the cards on screen and the lines in the terminal.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.agents.classifier import Classification
from desktop_app.core.platform.jobs import CancelToken
from desktop_app.core.agents.stylist import StyleItem

if TYPE_CHECKING:
    from desktop_app.core.search.searcher import Searcher

UNCLASSIFIED_K = 4  # results shown when the request names no garment the classifier knows


def find_items(searcher: Searcher, classification: Classification, request: str, image: Path | None,
               cancel: CancelToken | None = None) -> list[StyleItem]:
    from desktop_app.core.search.searcher import SearchQuery

    text = classification.search_text or request.strip() or None
    if classification.items:
        queries = [SearchQuery(text=text, image=image, categories=[c], k=n) for c, n in classification.items.items()]
    else:
        queries = [SearchQuery(text=text, image=image, k=UNCLASSIFIED_K)]
    hits = [hit for query in queries for hit in searcher.search(query, cancel=cancel)]
    return [
        StyleItem(number, hit.category, hit.color, Path(hit.path).name, round(float(hit.score), 3), hit.path)
        for number, hit in enumerate(hits, start=1)
    ]
