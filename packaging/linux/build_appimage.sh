#!/usr/bin/env bash
# Wrap the built one-folder bundle in an AppImage: one file a tester marks executable and starts.
#
#   APPIMAGETOOL=/path/to/appimagetool bash packaging/linux/build_appimage.sh dist/fashion-assistant OUT.AppImage
#
# appimagetool (and the AppImage runtime it embeds) is published only as a release binary of the
# AppImage project, not by PyPI or Debian, so a machine limited to package registries cannot make an
# AppImage; the CI workflow (.github/workflows/installers.yml) downloads the tool and runs this.
# Started as `Fashion-Assistant.AppImage` it opens the window; `Fashion-Assistant.AppImage cli ARGS`
# runs the CLI (e.g. `... cli doctor`). User data stays in ~/.local/share/fashion-assistant.
set -euo pipefail
BUNDLE=${1:?usage: build_appimage.sh BUNDLE_DIR OUT.AppImage}
OUT=${2:?usage: build_appimage.sh BUNDLE_DIR OUT.AppImage}
TOOL=${APPIMAGETOOL:?set APPIMAGETOOL to the appimagetool executable}
HERE=$(cd "$(dirname "$0")" && pwd)
ICONS=$HERE/../icons
APPDIR=$(mktemp -d "${TMPDIR:-/tmp}/fa-appdir.XXXXXX")
trap 'rm -rf "$APPDIR"' EXIT

mkdir -p "$APPDIR/usr/lib" "$APPDIR/usr/share/applications" "$APPDIR/usr/share/icons/hicolor/256x256/apps"
cp -a "$BUNDLE" "$APPDIR/usr/lib/fashion-assistant"
cp "$HERE/fashion-assistant.desktop" "$APPDIR/fashion-assistant.desktop"
cp "$HERE/fashion-assistant.desktop" "$APPDIR/usr/share/applications/"
cp "$ICONS/fashion-assistant-256.png" "$APPDIR/fashion-assistant.png"
cp "$ICONS/fashion-assistant-256.png" "$APPDIR/usr/share/icons/hicolor/256x256/apps/fashion-assistant.png"
ln -s fashion-assistant.png "$APPDIR/.DirIcon"
cat > "$APPDIR/AppRun" <<'RUN'
#!/bin/sh
# The AppImage's entry: the window by default, the CLI with `cli` as the first argument.
HERE=$(dirname "$(readlink -f "$0")")
BIN=$HERE/usr/lib/fashion-assistant
if [ "${1:-}" = "cli" ]; then
  shift
  exec "$BIN/fashion-assistant" "$@"
fi
exec "$BIN/fashion-assistant-gui" "$@"
RUN
chmod +x "$APPDIR/AppRun"
# The tool is itself an AppImage; extract-and-run avoids needing FUSE on CI runners and containers.
ARCH=$(uname -m) APPIMAGE_EXTRACT_AND_RUN=1 "$TOOL" --no-appstream "$APPDIR" "$OUT"
echo "AppImage: $OUT ($(du -h "$OUT" | cut -f1))"
