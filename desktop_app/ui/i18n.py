"""The window's language: Qt's own translators for our strings and Qt's dialogs, and the same language for the core.

The language is the Settings choice, or the computer's (`QLocale.system()`, which reads the OS settings on
Windows and macOS and `LC_ALL`/`LANG` on Linux); `FASHION_ASSISTANT_LANGUAGE` overrides both, for tests
and screenshots. Numbers, prices and dates follow the locale made default here, so `QLocale()` anywhere
in ui/ formats them the user's way. Installed once, before the first widget exists: a change in Settings
applies from the next start (the dialog says so and offers to restart).
"""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from desktop_app.core.platform import i18n
from desktop_app.core.platform.resources import resource_path

log = logging.getLogger(__name__)


def chosen_language(setting: str) -> str:
    """"en" or "es": the Settings choice, else the override, else the first supported language the OS lists."""
    if setting in i18n.SUPPORTED:
        return setting
    override = i18n.language_of(os.environ.get(i18n.LANGUAGE_ENV))
    if override:
        return override
    for tag in QLocale.system().uiLanguages():
        found = i18n.language_of(tag)
        if found:
            return found
    return i18n.DEFAULT_LANGUAGE


def install_translators(app: QCoreApplication, setting: str) -> str:
    """Load the translations for the chosen language into `app`; returns the language code."""
    language = chosen_language(setting)
    i18n.set_language(language)
    system = QLocale.system()
    QLocale.setDefault(system if i18n.language_of(system.name()) == language else QLocale(language))
    if language == i18n.DEFAULT_LANGUAGE:
        return language
    translators = []
    for name, folder in ((f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
                         (f"{i18n.DOMAIN}_{language}", str(resource_path("translations")))):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            translators.append(translator)
        else:
            log.log(logging.WARNING, "No %s translation in %s; those strings stay in English", name, folder)  # for the log, not translated
    return language
