from __future__ import annotations

import json
from pathlib import Path

from desktop_app.core.platform.app_context import open_context
from desktop_app.core.platform.paths import resolve_paths
from desktop_app.core.platform.settings import Settings, load_settings, save_settings


def test_explicit_options_beat_environment(tmp_path: Path) -> None:
    env = {"FASHION_ASSISTANT_DATA_DIR": str(tmp_path / "env"), "FASHION_ASSISTANT_DB": str(tmp_path / "env.db")}
    paths = resolve_paths(tmp_path / "cli", tmp_path / "cli.db", env=env)
    assert paths.data_dir == (tmp_path / "cli").resolve()
    assert paths.db_path == (tmp_path / "cli.db").resolve()
    from_env = resolve_paths(env=env)
    assert from_env.data_dir == (tmp_path / "env").resolve()
    assert from_env.db_path == (tmp_path / "env.db").resolve()
    assert from_env.log_dir == from_env.data_dir / "logs"


def test_platform_defaults_without_overrides() -> None:
    paths = resolve_paths(env={})
    assert "fashion-assistant" in str(paths.data_dir)
    assert paths.db_path.parent == paths.data_dir
    assert paths.cache_dir != paths.data_dir


def test_settings_round_trip(tmp_path: Path) -> None:
    file = tmp_path / "settings.json"
    save_settings(Settings(precision="int8", batch_size=4, stylist_gguf="/models/g.gguf"), file)
    loaded = load_settings(file)
    assert (loaded.precision, loaded.batch_size, loaded.stylist_gguf) == ("int8", 4, "/models/g.gguf")
    assert json.loads(file.read_text())["schema_version"] == 1


def test_unreadable_settings_are_kept_aside_and_defaults_used(tmp_path: Path) -> None:
    file = tmp_path / "settings.json"
    file.write_text('{"precision": "sixteen-bit"', encoding="utf-8")
    assert load_settings(file) == Settings()
    assert (tmp_path / "settings.json.unreadable").read_text().startswith('{"precision"')


def test_invalid_value_is_not_silently_accepted(tmp_path: Path) -> None:
    file = tmp_path / "settings.json"
    file.write_text(json.dumps({"batch_size": 0}), encoding="utf-8")
    assert load_settings(file).batch_size == Settings().batch_size


def test_context_creates_folders_and_a_log_file(isolated_data_dir: Path) -> None:
    import logging

    context = open_context()
    logging.getLogger("desktop_app.test").info("hello from the test")
    assert context.paths.data_dir == isolated_data_dir.resolve()
    assert context.paths.log_file.read_text(encoding="utf-8").count("hello from the test") == 1
