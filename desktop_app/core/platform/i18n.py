"""The language of the core's sentences (errors, hints, progress, the stylist's notices), shared by the CLI and the window.

gettext catalogs under `resources/locale/<lang>/LC_MESSAGES/fashion_assistant.mo`, written from the `.po`
files by `scripts/translations.py`. The CLI speaks the language of the environment (`LANGUAGE`, `LC_ALL`,
`LC_MESSAGES`, `LANG`, as gettext reads them), so `LANG=es_ES.UTF-8 fashion-assistant …` answers in
Spanish; the window calls `set_language` with the language its Settings chose, so one person never sees
two languages. Messages are translated when they are raised or shown, never at import, so a language
chosen after start applies to every later sentence.
"""

from __future__ import annotations

import gettext as _gettext
import locale
import os
from functools import cache

from desktop_app.core.platform.resources import resource_path

DOMAIN = "fashion_assistant"
SUPPORTED = ("en", "es")
DEFAULT_LANGUAGE = "en"
LANGUAGE_ENV = "FASHION_ASSISTANT_LANGUAGE"

_chosen: str | None = None


def language_of(tag: str | None) -> str | None:
    """"es_ES.UTF-8", "es-MX", "es" -> "es"; a language the app does not speak -> None."""
    if not tag:
        return None
    code = tag.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return code if code in SUPPORTED else None


def environment_language() -> str:
    """What the environment asks for, in gettext's order; the first supported language of a `LANGUAGE` list wins."""
    for name in (LANGUAGE_ENV, "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if not value:
            continue
        for tag in value.split(":"):
            found = language_of(tag)
            if found:
                return found
        if name != "LANGUAGE":  # LANGUAGE only adds preferences; the first locale variable set decides
            return DEFAULT_LANGUAGE
    return language_of(locale.getlocale()[0]) or DEFAULT_LANGUAGE


def set_language(code: str | None) -> str:
    """Use `code` ("en", "es", a locale tag) for every later message; None goes back to the environment's."""
    global _chosen
    _chosen = language_of(code) if code else None
    return current_language()


def current_language() -> str:
    return _chosen or environment_language()


@cache
def _translations(code: str) -> _gettext.NullTranslations:
    return _gettext.translation(DOMAIN, localedir=str(resource_path("locale")), languages=[code], fallback=True)


def _(message: str) -> str:
    """The message in the current language (the English text is the key, and the fallback)."""
    return _translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations(current_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined (a table, a constant); `_()` translates it where it is shown."""
    return message
