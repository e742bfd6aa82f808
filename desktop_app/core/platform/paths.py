"""Where the app keeps its files: resolved once, from explicit options, environment, or platformdirs.

Everything a user owns (catalog, settings, downloaded models, logs) lives outside the install, so
upgrading or removing the app never touches it. `--data-dir` (or FASHION_ASSISTANT_DATA_DIR) moves
all of it under one folder, which is how tests and users keep separate catalogs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from platformdirs import PlatformDirs

from desktop_app import APP_AUTHOR, APP_NAME
from desktop_app.core.platform.errors import Fix, StorageError
from desktop_app.core.platform.i18n import _

DATA_DIR_ENV = "FASHION_ASSISTANT_DATA_DIR"
DB_ENV = "FASHION_ASSISTANT_DB"
CATALOG_FILE_NAME = "catalog.sqlite3"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    cache_dir: Path
    log_dir: Path
    db_path: Path

    @property
    def settings_file(self) -> Path:
        return self.data_dir / "settings.json"

    @property
    def models_dir(self) -> Path:
        """Downloaded and prepared model files; never inside the repository or the bundle."""
        return self.data_dir / "models"

    @property
    def prepared_dir(self) -> Path:
        """Model conversions made on this machine (the ONNX int8 encoder): derived, rebuilt when missing."""
        return self.models_dir / "prepared"

    @property
    def outfit_rules_file(self) -> Path:
        """The shop owner's own copy of resources/looks/outfits.txt, once they edit it; the bundled one until then."""
        return self.data_dir / "outfits.txt"

    @property
    def thumbnails_dir(self) -> Path:
        return self.cache_dir / "thumbnails"

    @property
    def log_file(self) -> Path:
        return self.log_dir / f"{APP_NAME}.log"

    def ensure(self) -> AppPaths:
        for folder in (self.data_dir, self.cache_dir, self.log_dir, self.db_path.parent):
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(
                    _("The folder {folder} cannot be created ({reason}).").format(folder=folder, reason=exc.strerror or exc),
                    _("Choose a data folder you can write to: --data-dir FOLDER, or FASHION_ASSISTANT_DATA_DIR."), str(exc),
                    fix=Fix.SETTINGS,
                ) from exc
        return self


def resolve_paths(
    data_dir: str | os.PathLike[str] | None = None,
    db: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> AppPaths:
    """Explicit arguments beat environment variables, which beat the platform's defaults."""
    env = os.environ if env is None else env
    chosen_data = data_dir or env.get(DATA_DIR_ENV) or None
    if chosen_data:
        root = Path(chosen_data).expanduser().resolve()
        cache, logs = root / "cache", root / "logs"
    else:
        dirs = PlatformDirs(APP_NAME, APP_AUTHOR)
        root = Path(dirs.user_data_dir)
        cache, logs = Path(dirs.user_cache_dir), Path(dirs.user_log_dir)
    chosen_db = db or env.get(DB_ENV) or None
    db_path = Path(chosen_db).expanduser().resolve() if chosen_db else root / CATALOG_FILE_NAME
    return AppPaths(data_dir=root, cache_dir=cache, log_dir=logs, db_path=db_path)
