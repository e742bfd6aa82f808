"""The one typed settings object, stored as JSON in the data folder and migrated by version.

Loaded once by each front end's `main()` and passed down; nothing reads settings from a global.
A file that cannot be read or validated is kept aside (never overwritten) and defaults are used, so
a bad edit never stops the app from starting.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

log = logging.getLogger(__name__)

SETTINGS_SCHEMA_VERSION = 1
DEFAULT_BLIP2 = "Salesforce/blip2-itm-vit-g"


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    schema_version: int = SETTINGS_SCHEMA_VERSION
    blip2_model: str = Field(DEFAULT_BLIP2, description="Hub id (found in the local cache) or a local folder.")
    classifier_gguf: str | None = Field(None, description="GGUF for the request classifier; None means the bundled 270M.")
    stylist_gguf: str | None = Field(None, description="Instruction-tuned GGUF that writes advice.")
    precision: Literal["auto", "fp32", "int8"] = "auto"
    batch_size: int = Field(8, ge=1, le=256)
    threads: int | None = Field(None, ge=1, description="CPU threads for models; None uses every core.")
    theme: Literal["system", "light", "dark"] = "system"
    language: Literal["system", "en", "es"] = Field("system", description="The window's language; system follows the computer's.")
    shop_currency: str = Field("EUR", min_length=3, max_length=3,
                               description="ISO code of the shop's prices where a product file does not say (Shopify's never does).")
    shop_name: str = Field("", max_length=120, description="The shop's name, printed on the looks handed to a customer.")
    first_run_done: bool = Field(False, description="The window's first-run wizard was finished or skipped.")
    accepted_licences: list[str] = Field(
        default_factory=list, description="Manifest licence ids the user accepted once, before a first download."
    )


Migration = Callable[[dict[str, Any]], dict[str, Any]]
# from-version -> function that returns the data at from-version + 1
MIGRATIONS: dict[int, Migration] = {}


def _migrate(raw: dict[str, Any]) -> dict[str, Any]:
    version = int(raw.get("schema_version", 1))
    while version < SETTINGS_SCHEMA_VERSION:
        raw = MIGRATIONS[version](dict(raw))
        version += 1
        raw["schema_version"] = version
    return raw


def load_settings(path: Path) -> Settings:
    if not path.exists():
        return Settings()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("settings file does not hold a JSON object")
        return Settings.model_validate(_migrate(raw))
    except (OSError, ValueError, KeyError, ValidationError) as exc:
        aside = path.with_name(path.name + ".unreadable")
        log.warning("Settings file %s is unreadable (%s); kept as %s, using defaults", path, exc, aside)
        try:
            os.replace(path, aside)
        except OSError:
            log.exception("Could not move the unreadable settings file aside")
        return Settings()


def save_settings(settings: Settings, path: Path) -> None:
    """Write atomically, so a crash mid-write leaves the old file, not half of the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(settings.model_dump_json(indent=2), encoding="utf-8")
    os.replace(tmp, path)
