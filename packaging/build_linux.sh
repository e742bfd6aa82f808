#!/usr/bin/env bash
# Build the Linux bundle from a set-up checkout and put it in dist/:
#
#   bash packaging/build_linux.sh
#
#   dist/fashion-assistant/                                the one-folder bundle: fashion-assistant (CLI),
#                                                          fashion-assistant-gui, _internal/, share/ (desktop
#                                                          entry + icons), install-desktop-entry.sh, licenses/
#   dist/fashion-assistant-VERSION-linux-ARCH.tar.gz       the same folder, packed: what testers get
#   dist/fashion-assistant-VERSION-linux-ARCH.AppImage     only where appimagetool is available (see below)
#   dist/build-report.json                                 build time, sizes, what each trim saved
#
# Needs: `bash scripts/bootstrap.sh setup` done (the .venv); PyInstaller (the `packaging` extra), Qt
# (`gui`) and ONNX Runtime (`fast`) are installed here when missing, at the versions in constraints.txt.
# About 1.5 GB free in build/ and dist/.
# Environment: FA_CLEAN=1 drops PyInstaller's cache first (use after upgrading a dependency),
# FA_SKIP_TARBALL=1 stops after the folder, FA_REUSE_BUNDLE=1 only checks and packs the existing
# folder, APPIMAGETOOL=/path/to/appimagetool makes the AppImage too.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
[ -x "$PY" ] || { echo "No .venv here: run 'bash scripts/bootstrap.sh setup' first." >&2; exit 1; }
# The bundle holds the window (the 'gui' extra) and the fast int8 encoder (the 'fast' extra) for testers.
if ! "$PY" -c "import PyInstaller, PySide6, onnxruntime, onnx" 2>/dev/null; then
  echo "Installing the 'packaging', 'gui' and 'fast' extras (PyInstaller, Qt, ONNX Runtime) ..."
  "$PY" -m pip install --quiet -c constraints.txt -e ".[gui,fast,packaging]"
fi
VERSION=$("$PY" -c "import desktop_app; print(desktop_app.__version__)")
ARCH=$(uname -m)
NAME=fashion-assistant
BUNDLE=dist/$NAME
TARBALL=dist/$NAME-$VERSION-linux-$ARCH.tar.gz
WORKPATH=build/pyinstaller
mkdir -p dist "$WORKPATH"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
T_START=$(now)

[ -f packaging/icons/$NAME.svg ] || "$PY" packaging/icons/make_icons.py

CLEAN=()
[ "${FA_CLEAN:-0}" = 1 ] && CLEAN=(--clean)
echo "Building $NAME $VERSION for linux-$ARCH with PyInstaller (several minutes on 2 cores) ..."
T_PYI=$(now)
if [ "${FA_REUSE_BUNDLE:-0}" = 1 ] && [ -x "$BUNDLE/$NAME" ]; then
  echo "FA_REUSE_BUNDLE=1: keeping the PyInstaller output in $BUNDLE, only checking and packing it"
else
  FA_TRIM_REPORT=$ROOT/$WORKPATH/trim-report.json "$PY" -m PyInstaller --noconfirm --log-level WARN "${CLEAN[@]}" \
    --distpath dist --workpath "$WORKPATH" packaging/$NAME.spec
fi
PYI_SECONDS=$(since "$T_PYI")

# What a Linux desktop needs next to the executables: the menu entry, its icons, and the script
# that installs both for the user (the tarball has no installer of its own).
mkdir -p "$BUNDLE/share/icons"
cp packaging/linux/$NAME.desktop "$BUNDLE/share/"
cp packaging/icons/$NAME.svg packaging/icons/$NAME-{16,24,32,48,64,128,256,512}.png "$BUNDLE/share/icons/"
cp packaging/linux/install-desktop-entry.sh "$BUNDLE/"

# A tester finds the licence texts at the top of the folder too.
ln -sfn _internal/licenses "$BUNDLE/licenses"

# Checks that a trim or a hook went wrong, before anyone runs the result (the same script on every system):
# layout, licence texts, the GGUF in place, no build paths, tests, CUDA, duplicate libraries or dangling Qt modules.
"$PY" packaging/check_bundle.py "$BUNDLE" --build-root "$ROOT"

TARBALL_SECONDS=0
if [ "${FA_SKIP_TARBALL:-0}" != 1 ]; then
  echo "Packing $TARBALL ..."
  T_TAR=$(now)
  rm -f "$TARBALL"
  # The top folder carries the version, so two unpacked versions can sit side by side.
  tar -C dist --owner=0 --group=0 --transform "s,^$NAME,$NAME-$VERSION," -cf - "$NAME" \
    | { command -v pigz >/dev/null && pigz -6 || gzip -6; } > "$TARBALL"
  TARBALL_SECONDS=$(since "$T_TAR")
fi

if [ -n "${APPIMAGETOOL:-}" ]; then
  bash packaging/linux/build_appimage.sh "$BUNDLE" "dist/$NAME-$VERSION-$ARCH.AppImage"
fi

TOTAL_SECONDS=$(since "$T_START")
UNPACKED=$(du -sb "$BUNDLE" | cut -f1)
FILES=$(find "$BUNDLE" -type f | wc -l)
PACKED=$([ -f "$TARBALL" ] && stat -c %s "$TARBALL" || echo 0)
"$PY" - "$WORKPATH/trim-report.json" dist/build-report.json <<PY
import json, sys
trim = json.load(open(sys.argv[1]))
report = {
    "version": "$VERSION", "platform": "linux-$ARCH",
    "seconds": {"total": $TOTAL_SECONDS, "pyinstaller": $PYI_SECONDS, "tarball": $TARBALL_SECONDS},
    "bundle": {"path": "$BUNDLE", "unpacked_bytes": $UNPACKED, "files": $FILES},
    "tarball": {"path": "$TARBALL", "packed_bytes": $PACKED},
    "trims": trim,
}
json.dump(report, open(sys.argv[2], "w"), indent=2)
mib = lambda n: f"{n / 2**20:,.0f} MiB"
print(f"Built in {report['seconds']['total']:.0f} s (PyInstaller {report['seconds']['pyinstaller']:.0f} s, "
      f"tarball {report['seconds']['tarball']:.0f} s): {report['bundle']['path']} {mib($UNPACKED)} unpacked in $FILES files, "
      f"{report['tarball']['path']} {mib($PACKED)} packed.")
for rule in trim["file_rules"] + trim["module_rules"]:
    print(f"  trim {rule['rule']:<24} saved {mib(rule['bytes'])}")
PY
