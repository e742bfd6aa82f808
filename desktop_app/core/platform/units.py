"""Sizes in words, one way everywhere: the CLI, the models window and download progress must agree on what "1.2 GB" means."""

from __future__ import annotations

_LARGER_UNITS = ("KB", "MB", "GB", "TB")


def format_size(n: float | None) -> str:
    """Decimal units, as disks and the hub count them; "?" for a size nobody knows yet (a hub model before its download)."""
    if n is None:
        return "?"
    value, unit = float(n), "B"
    for larger in _LARGER_UNITS:
        if abs(value) < 1000:
            break
        value, unit = value / 1000, larger
    return f"{value:.0f} B" if unit == "B" else f"{value:.1f} {unit}"
