"""Files shipped with the app (prompt templates, icons, the model manifest), found the same way from a checkout
and from a bundle.

PyInstaller unpacks data files under `sys._MEIPASS`; a source checkout keeps them in `resources/` at
the repository root. Nothing else in the app should know which of the two it is running from.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


def app_root() -> Path:
    """The folder holding `resources/` and `models/`: the bundle's unpack folder, or the repository root."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) if bundle else Path(__file__).resolve().parents[3]


def resources_dir() -> Path:
    return app_root() / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


@cache
def prompt_text(name: str) -> str:
    """A prompt template from resources/prompts, read once per process."""
    return resource_path("prompts", name).read_text(encoding="utf-8")
