#!/bin/sh
# Put Fashion Assistant in the desktop's application menu, for the current user only, pointing at
# this unpacked folder. Run it again after moving the folder; `--uninstall` removes the entry.
# The catalog, settings and models are in ~/.local/share/fashion-assistant and are never touched.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
APPS=${XDG_DATA_HOME:-$HOME/.local/share}/applications
ICONS=${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor
if [ "${1:-}" = "--uninstall" ]; then
  rm -f "$APPS/fashion-assistant.desktop" "$ICONS/scalable/apps/fashion-assistant.svg"
  for size in 16 24 32 48 64 128 256 512; do rm -f "$ICONS/${size}x${size}/apps/fashion-assistant.png"; done
  echo "Removed the menu entry. Your catalog and models are still in ~/.local/share/fashion-assistant."
  exit 0
fi
mkdir -p "$APPS" "$ICONS/scalable/apps"
cp "$HERE/share/icons/fashion-assistant.svg" "$ICONS/scalable/apps/fashion-assistant.svg"
for size in 16 24 32 48 64 128 256 512; do
  mkdir -p "$ICONS/${size}x${size}/apps"
  cp "$HERE/share/icons/fashion-assistant-$size.png" "$ICONS/${size}x${size}/apps/fashion-assistant.png"
done
# Exec gets the absolute path (quoted per the Desktop Entry spec, in case the folder has spaces).
sed "s|^Exec=.*|Exec=\"$HERE/fashion-assistant-gui\"|" "$HERE/share/fashion-assistant.desktop" > "$APPS/fashion-assistant.desktop"
chmod 644 "$APPS/fashion-assistant.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$APPS" >/dev/null 2>&1 || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q "$ICONS" >/dev/null 2>&1 || true
echo "Added Fashion Assistant to the application menu (starts $HERE/fashion-assistant-gui)."
