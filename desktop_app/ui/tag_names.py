"""The built-in categories and colours as a person reads them, in the window's language.

The catalog stores the English value ("t-shirt", "navy"): it is data (filters, the CLI, the vector index's
columns), so only the display changes. A shop's own category has no entry and shows as the shop wrote it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def tag_names() -> dict[str, str]:
    # The key is the stored value; the literal in the call is what lupdate reads and a translator translates.
    return {
        "t-shirt": QCoreApplication.translate("TagNames", "t-shirt"), "shirt": QCoreApplication.translate("TagNames", "shirt"),
        "jersey": QCoreApplication.translate("TagNames", "jersey"), "jacket": QCoreApplication.translate("TagNames", "jacket"),
        "pants": QCoreApplication.translate("TagNames", "pants"), "shorts": QCoreApplication.translate("TagNames", "shorts"),
        "dress": QCoreApplication.translate("TagNames", "dress"), "skirt": QCoreApplication.translate("TagNames", "skirt"),
        "shoes": QCoreApplication.translate("TagNames", "shoes"), "bag": QCoreApplication.translate("TagNames", "bag"),
        "hat": QCoreApplication.translate("TagNames", "hat"),
        "black": QCoreApplication.translate("TagNames", "black"), "white": QCoreApplication.translate("TagNames", "white"),
        "grey": QCoreApplication.translate("TagNames", "grey"), "red": QCoreApplication.translate("TagNames", "red"),
        "pink": QCoreApplication.translate("TagNames", "pink"), "orange": QCoreApplication.translate("TagNames", "orange"),
        "yellow": QCoreApplication.translate("TagNames", "yellow"), "green": QCoreApplication.translate("TagNames", "green"),
        "blue": QCoreApplication.translate("TagNames", "blue"), "navy": QCoreApplication.translate("TagNames", "navy"),
        "brown": QCoreApplication.translate("TagNames", "brown"), "beige": QCoreApplication.translate("TagNames", "beige"),
        "purple": QCoreApplication.translate("TagNames", "purple"),
        "multicolour": QCoreApplication.translate("TagNames", "multicolour"),
    }


def tag_name(value: str) -> str:
    """The display name of a category or colour value; a value the app does not know is shown as it is."""
    return tag_names().get(value, value)
