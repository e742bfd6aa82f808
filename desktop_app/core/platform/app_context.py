"""What every front end sets up first: paths, folders, the log file and the settings, in one call."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from desktop_app.core.platform import offline
from desktop_app.core.platform.logs import configure_logging
from desktop_app.core.platform.paths import AppPaths, resolve_paths
from desktop_app.core.platform.settings import Settings, load_settings, save_settings


@dataclass
class AppContext:
    paths: AppPaths
    settings: Settings

    def save_settings(self) -> None:
        save_settings(self.settings, self.paths.settings_file)


def open_context(
    data_dir: str | os.PathLike[str] | None = None,
    db: str | os.PathLike[str] | None = None,
    log_level: int = logging.INFO,
    allow_network: bool = False,
) -> AppContext:
    """Offline unless told otherwise: only `models download` passes allow_network=True."""
    if allow_network:
        offline.allow_network()
    else:
        offline.enforce_offline()
    paths = resolve_paths(data_dir, db).ensure()
    configure_logging(paths.log_file, log_level)
    return AppContext(paths=paths, settings=load_settings(paths.settings_file))
