# Runtime hook for Linux only.
#
# Qt 6.5+ needs the system's libxcb-cursor0 for its xcb platform plugin and otherwise aborts with a
# message that names no package. The bundle cannot carry the X libraries (they must match the
# user's X server), so the GUI executable says which Debian/Ubuntu packages are missing, once,
# before Qt gets the chance to abort. The CLI and offscreen/Wayland sessions are left alone.
import os
import sys


def _fa_check_xcb() -> None:
    if not os.path.basename(sys.executable).endswith("-gui"):
        return
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return
    if not platform and (os.environ.get("WAYLAND_DISPLAY") or not os.environ.get("DISPLAY")):
        return
    import ctypes.util

    missing = [lib for lib in ("xcb-cursor", "xkbcommon-x11") if ctypes.util.find_library(lib) is None]
    if missing:
        sys.stderr.write(
            "Fashion Assistant needs Qt's X11 libraries, missing here: "
            + ", ".join(f"lib{m}" for m in missing)
            + ".\nOn Debian/Ubuntu: sudo apt-get install libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4"
            " libxcb-keysyms1 libxcb-render-util0 libxcb-image0 libxcb-shape0 libegl1 libfontconfig1\n"
        )


_fa_check_xcb()
del _fa_check_xcb
