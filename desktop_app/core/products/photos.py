"""Photos indexed after the shop's file was imported find their products without importing it again.

A shop photographs new stock after sending its list, or indexes its photo folders after the import: the links
an import made are recomputed whole from the catalog here, as the import itself does (`linking.plan_links`), so
the order of the two never matters. `index_shop` is the indexing both faces run, the CLI's `index` and the
window's Index button, so neither chains the two steps itself.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from desktop_app.core.catalog.operations import index_catalog
from desktop_app.core.catalog.vocabulary import catalog_vocabulary
from desktop_app.core.platform.jobs import CancelToken, Progress, no_progress
from desktop_app.core.products.linking import apply_links, plan_links
from desktop_app.core.store.catalog import Catalog

if TYPE_CHECKING:
    from desktop_app.core.catalog.indexer import IndexReport
    from desktop_app.core.platform.app_context import AppContext


def relink_photos(catalog: Catalog, cancel: CancelToken | None = None) -> int:
    """Link the catalog's photos to the imported products again; returns how many photos' tags changed.

    A photo column's relative paths were resolved against the product file's folder at import time; here they
    match the end of an indexed path, which finds the same photos wherever the folder was indexed from."""
    if catalog.products.last_import() is None:
        return 0
    with catalog.transaction():
        changed = apply_links(catalog, plan_links(catalog, None, cancel), catalog_vocabulary(catalog))
        catalog.products.refresh_photo_offers()
    return changed


def index_shop(catalog: Catalog, context: AppContext, roots: Sequence[str | os.PathLike[str]] | None = None, *,
               progress: Progress = no_progress, cancel: CancelToken | None = None, **options: Any) -> IndexReport:
    """`index_catalog` (its options alike), then the new and moved photos linked to the shop's products.

    `progress` and `cancel` are named, not folded into `options`: the window's worker passes them to the functions
    whose signature takes them."""
    report = index_catalog(catalog, context, roots, progress=progress, cancel=cancel, **options)
    if report.indexed or report.removed:
        relink_photos(catalog, cancel)
    return report
