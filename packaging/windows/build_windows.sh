#!/usr/bin/env bash
# Build the Windows bundle, a portable zip and the Inno Setup installer into dist/.
# Runs in Git Bash (the CI's Windows runner, or a developer's machine) from a set-up checkout:
#
#   python -m venv .venv && .venv/Scripts/python -m pip install -c constraints.txt torch && .venv/Scripts/python -m pip install -c constraints.txt -e ".[gui,test,fast,packaging]"
#   bash packaging/windows/build_windows.sh
#
# Needs: the Microsoft C++ build tools for llama-cpp-python's first install (as on the hosted runner),
# and Inno Setup 6 (`ISCC` on PATH, or at its default location; `choco install innosetup` gets it).
# Output: dist/fashion-assistant/ (the bundle), dist/fashion-assistant-VERSION-windows-x64.zip (unpack
# and run, nothing installed; add an empty file named `portable` next to the .exe files to keep the
# data beside them too) and dist/fashion-assistant-VERSION-windows-x64-setup.exe.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/Scripts/python.exe
[ -x "$PY" ] || { echo "No .venv here (see the comment at the top)." >&2; exit 1; }
# The versions the tests passed with (constraints.txt); the bundle holds the window and the fast encoder.
"$PY" -c "import PyInstaller, PySide6, onnxruntime, onnx" 2>/dev/null || "$PY" -m pip install --quiet -c constraints.txt -e ".[gui,fast,packaging]"
VERSION=$("$PY" -c "import desktop_app; print(desktop_app.__version__)")
start=$(date +%s)

"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/fashion-assistant.spec
for exe in fashion-assistant.exe fashion-assistant-gui.exe; do
  [ -f "dist/fashion-assistant/$exe" ] || { echo "missing dist/fashion-assistant/$exe" >&2; exit 1; }
done
# The same checks as on Linux and macOS: layout, licence texts (the spec already stopped on a package without
# one), the GGUF in place with its terms, no build paths in byte code, no test files, CUDA, duplicate or dangling libraries.
"$PY" packaging/check_bundle.py dist/fashion-assistant --build-root "$(cygpath -w "$(pwd)")" --build-root "$(cygpath -m "$(pwd)")"

# The portable zip: the same folder, for testers who may not install software.
rm -f "dist/fashion-assistant-$VERSION-windows-x64.zip"
if command -v 7z >/dev/null; then  # on the hosted runner; several times faster than Compress-Archive
  (cd dist && 7z a -tzip -mx=5 -bso0 "fashion-assistant-$VERSION-windows-x64.zip" fashion-assistant)
else
  powershell -NoProfile -Command "Compress-Archive -Path dist/fashion-assistant -DestinationPath dist/fashion-assistant-$VERSION-windows-x64.zip"
fi

ISCC=$(command -v iscc || command -v ISCC || true)
[ -n "$ISCC" ] || ISCC="/c/Program Files (x86)/Inno Setup 6/ISCC.exe"
[ -x "$ISCC" ] || { echo "Inno Setup 6 not found: install it (choco install innosetup) or put ISCC on PATH." >&2; exit 1; }
# Paths in the .iss are relative to the script's folder.
"$ISCC" /Q "/DAppVersion=$VERSION" "/DBundleDir=..\\..\\dist\\fashion-assistant" "/DOutputDir=..\\..\\dist" packaging/windows/fashion-assistant.iss
echo "Built in $(( $(date +%s) - start )) s:"
ls -l dist/*.zip dist/*-setup.exe
