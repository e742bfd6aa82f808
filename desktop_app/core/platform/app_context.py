"""What every front end sets up first: paths, folders, the log file and the settings, in one call."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from desktop_app.core.platform import offline
from desktop_app.core.platform.logs import configure_logging
from desktop_app.core.platform.paths import AppPaths, resolve_paths
from desktop_app.core.platform.settings import Settings, load_settings, save_settings

ORT_TELEMETRY_ENV = "ORT_DISABLE_TELEMETRY"


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
    """Offline unless told otherwise: only `models download` passes allow_network=True.

    ONNX Runtime's telemetry is off in every mode, before any session exists: it runs in native
    threads that the socket guard cannot see, looks up Microsoft's event host and writes an event
    queue under ~/.cache/Microsoft. The variable is read when the library loads, and child
    processes inherit it.
    """
    os.environ[ORT_TELEMETRY_ENV] = "1"
    if allow_network:
        offline.allow_network()
    else:
        offline.enforce_offline()
    paths = resolve_paths(data_dir, db).ensure()
    configure_logging(paths.log_file, log_level)
    return AppContext(paths=paths, settings=load_settings(paths.settings_file))
