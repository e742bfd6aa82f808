# sqlite_vec.loadable_path() is `<package>/vec0` plus the platform suffix, opened by SQLite's own
# loader, so no import analysis can find it (asg017/sqlite-vec: bindings/python/sqlite_vec/__init__.py).
from PyInstaller.utils.hooks import collect_dynamic_libs

binaries = collect_dynamic_libs("sqlite_vec", search_patterns=["vec0.*"])
