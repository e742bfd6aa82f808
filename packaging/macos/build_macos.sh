#!/usr/bin/env bash
# Build the macOS app and its disk image into dist/, on a Mac (the CI's macos runner or a developer's):
#
#   python3 -m venv .venv && .venv/bin/pip install -c constraints.txt torch && .venv/bin/pip install -c constraints.txt -e ".[gui,test,fast,packaging]"
#   bash packaging/macos/build_macos.sh
#
# Output: dist/Fashion Assistant.app (the window is the app's main executable; the CLI sits beside it
# in Contents/MacOS), dist/fashion-assistant/ (the same bundle as a plain folder, for the smoke test)
# and dist/fashion-assistant-VERSION-macos-ARCH.dmg (the app plus an Applications link to drag it to).
#
# Signing: without settings the app is signed ad hoc (enough to run on the Mac that built it, and for
# testers who right-click > Open once). With MACOS_SIGN_IDENTITY="Developer ID Application: ..." it is
# signed for distribution with the hardened runtime and the entitlements in entitlements.plist; with
# MACOS_NOTARY_PROFILE (a `xcrun notarytool store-credentials` profile) the dmg is notarized and stapled.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
[ -x "$PY" ] || { echo "No .venv here (see the comment at the top)." >&2; exit 1; }
# The versions the tests passed with (constraints.txt); the bundle holds the window and the fast encoder.
"$PY" -c "import PyInstaller, PySide6, onnxruntime, onnx" 2>/dev/null || "$PY" -m pip install --quiet -c constraints.txt -e ".[gui,fast,packaging]"
VERSION=$("$PY" -c "import desktop_app; print(desktop_app.__version__)")
ARCH=$(uname -m)
APP="dist/Fashion Assistant.app"
DMG="dist/fashion-assistant-$VERSION-macos-$ARCH.dmg"
start=$(date +%s)

"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/fashion-assistant.spec
for exe in fashion-assistant fashion-assistant-gui; do
  [ -x "$APP/Contents/MacOS/$exe" ] || { echo "missing $APP/Contents/MacOS/$exe" >&2; exit 1; }
done
# The same checks as on Linux and Windows, on the plain folder the .app was made from: layout, licence texts,
# the GGUF in place with its terms, no build paths in byte code, no test files, CUDA, duplicate or dangling libraries.
"$PY" packaging/check_bundle.py dist/fashion-assistant --build-root "$(pwd)"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  # Inside out: every library and both executables, then the app itself.
  find "$APP/Contents" \( -name '*.so' -o -name '*.dylib' \) -print0 \
    | xargs -0 codesign --force --timestamp --options runtime --entitlements packaging/macos/entitlements.plist -s "$MACOS_SIGN_IDENTITY"
  for exe in fashion-assistant fashion-assistant-gui; do
    codesign --force --timestamp --options runtime --entitlements packaging/macos/entitlements.plist \
      -s "$MACOS_SIGN_IDENTITY" "$APP/Contents/MacOS/$exe"
  done
  codesign --force --timestamp --options runtime --entitlements packaging/macos/entitlements.plist -s "$MACOS_SIGN_IDENTITY" "$APP"
else
  codesign --force --deep -s - "$APP"   # ad hoc: Apple silicon refuses to run unsigned code at all
fi
codesign --verify --deep --strict "$APP"

# The disk image: the app and a link to /Applications, compressed with LZFSE (macOS 10.11+).
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "Fashion Assistant $VERSION" -srcfolder "$STAGE" -fs HFS+ -format ULFO -ov "$DMG"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp -s "$MACOS_SIGN_IDENTITY" "$DMG"
fi
if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
  xcrun notarytool submit "$DMG" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
  xcrun stapler staple "$DMG"
fi
echo "Built in $(( $(date +%s) - start )) s: $DMG ($(du -h "$DMG" | cut -f1)), app $(du -sh "$APP" | cut -f1)"
