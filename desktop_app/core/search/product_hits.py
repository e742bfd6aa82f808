"""Search results as the shop's products: one result per product, shown by its best-matching photo.

A product shot three times (front, back, on a model) is one thing on the rail, so the ranked photos
are walked best first and a photo whose product is already shown is passed over; that product's
other photos travel with its result, in the shop's order, a click away. Photos no product claims stay
results of their own, as before there were products.

The filters themselves are SQL (`ProductStore.offer_subquery`, joined with the tag filters in the
first stage); here, for the few products shown, the price a card states is worked out: the lowest a
variant the filters allow costs ("size M under 50 €": the M's price, not the XS on sale), and the sizes
still in stock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.core.store.product_store import ONE_SIZE, ItemProduct, OfferFilter, ProductStore, Variant, size_key

# the product fields of a photo no product claims, in a result's JSON
NO_PRODUCT_JSON: dict[str, Any] = {"sku": None, "name": None, "price": None, "currency": None, "sizes": None, "in_stock": None,
                                   "photos": []}


@dataclass(frozen=True)
class ProductHit:
    """The product a result's photo shows, as a card and the stylist tell of it."""

    id: int
    sku: str
    name: str
    price: float | None  # the lowest of the variants the search's filters allow; of every variant on sale without filters
    currency: str
    sizes: tuple[str, ...]  # on sale, as the shop writes them
    sizes_in_stock: tuple[str, ...]
    in_stock: bool
    discontinued: bool
    photos: tuple[str, ...]  # the product's other photos, in the shop's order

    def to_json(self) -> dict[str, Any]:
        return {"sku": self.sku, "name": self.name, "price": self.price, "currency": self.currency, "sizes": list(self.sizes),
                "in_stock": self.in_stock, "photos": list(self.photos), "sizes_in_stock": list(self.sizes_in_stock),
                "discontinued": self.discontinued}


def allows(offer: OfferFilter, variant: Variant) -> bool:
    """Whether a variant meets the filter, as `offer_subquery` decides it in SQL (for the few variants of shown products)."""
    if variant.availability == 0 or (offer.in_stock and not variant.in_stock):
        return False
    if offer.sizes and not _fits(offer, variant.size):
        return False
    if offer.min_price is not None and (variant.price is None or variant.price < offer.min_price):
        return False
    return not (offer.max_price is not None and (variant.price is None or variant.price > offer.max_price))


def _fits(offer: OfferFilter, size: str | None) -> bool:
    if offer.one_size_fits and (size is None or size_key(size) == ONE_SIZE):
        return True
    return size is not None and size_key(size) in {size_key(wanted) for wanted in offer.sizes}


def product_hits(products: ProductStore, shown: Sequence[tuple[str, ItemProduct]], offer: OfferFilter) -> dict[int, ProductHit]:
    """item id -> its product as shown, for the (path, link) of each shown photo that has a product."""
    ids = sorted({link.product.id for _path, link in shown})
    variants, photos = products.variants(ids), products.photo_paths(ids)
    found: dict[int, ProductHit] = {}
    for path, link in shown:
        product, own = link.product, variants.get(link.product.id, [])
        priced = [v.price for v in own if v.price is not None and allows(offer, v)] if offer.active else []
        found[link.item_id] = ProductHit(
            id=product.id, sku=product.sku, name=product.name, price=min(priced) if priced else product.min_price,
            currency=product.currency, sizes=product.sizes,
            sizes_in_stock=tuple(dict.fromkeys(v.size for v in own if v.size and v.in_stock)),
            in_stock=product.in_stock, discontinued=product.discontinued,
            photos=tuple(p for p in photos.get(product.id, []) if p != path),
        )
    return found
