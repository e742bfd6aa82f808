# Runtime hook for every OS, run before the app's first import.
#
# 1. A windowed executable on Windows (and a Finder-started one on macOS) has no console: sys.stdout
#    and sys.stderr are None there, and the first library that writes a warning or a progress bar to
#    them (transformers, tqdm, logging's last-resort handler) raises. They get the null device.
# 2. Portable switch (after Picard's portable hook): a file named `portable` next to the executable
#    keeps the catalog, settings, models and logs in `data/` beside it, for a copy on a USB stick.
#    Without that file the data lives in the user's folders (platformdirs), outside the bundle, so
#    upgrading or removing the app never touches it.
# 3. ONNX Runtime's telemetry off before anything can import the library, in every process of the
#    bundle (a spawned child of `index` runs this hook too): with it on, the library writes an event
#    queue under ~/.cache/Microsoft and looks up Microsoft's event host. open_context() sets it as
#    well, for a source install; here it holds even for code that runs before open_context().
import os
import sys


def _fa_runtime_setup() -> None:
    os.environ["ORT_DISABLE_TELEMETRY"] = "1"
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - lives as long as the process
    here = os.path.dirname(os.path.abspath(sys.executable))
    if os.path.isfile(os.path.join(here, "portable")) and not os.environ.get("FASHION_ASSISTANT_DATA_DIR"):
        os.environ["FASHION_ASSISTANT_DATA_DIR"] = os.path.join(here, "data")


_fa_runtime_setup()
del _fa_runtime_setup
