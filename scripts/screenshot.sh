#!/usr/bin/env bash
# Take a screenshot of the window under Xvfb (Debian: xvfb imagemagick xdotool, plus Qt's xcb libraries,
# see README). Usage: bash scripts/screenshot.sh OUT.png [seconds to wait] [-- GUI ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$1; wait=${2:-10}; shift $(( $# >= 2 ? 2 : 1 )); [ "${1:-}" = "--" ] && shift
display=:$(( 90 + RANDOM % 9 ))
Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 & xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
sleep 1
DISPLAY=$display .venv/bin/fashion-assistant-gui "$@" & app=$!
sleep "$wait"
DISPLAY=$display import -window root -crop 1100x720+0+0 "$out"
kill $app
echo "wrote $out"
