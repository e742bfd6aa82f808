#!/usr/bin/env bash
# Smoke test of a BUILT bundle, run the way a tester's machine runs it: from a temporary folder
# outside the repository, with a clean environment (no .venv, no PYTHONPATH, no proxy, HOME in the
# temporary folder so platformdirs puts the catalog there) and, where the kernel allows it, inside a
# network namespace with no interfaces at all.
#
#   packaging/smoke_test.sh BUNDLE [TINY_BLIP2_DIR]
#
#   BUNDLE          the one-folder bundle (dist/fashion-assistant) or its archive
#                   (dist/fashion-assistant-*.tar.gz, which is then unpacked: that tests the archive too)
#   TINY_BLIP2_DIR  a small BLIP-2 saved with save_pretrained (or env FA_SMOKE_BLIP2); the bundle has
#                   no test code, so build one with the dev install first:
#                   .venv/bin/python -m tests.stand_in_models tiny-blip2 /tmp/tiny-blip2
#
# Steps, each named when it fails: licences, doctor, terms-asked, classify, index, search-text, search-photo, ask, spanish,
# gui, gui-libraries and gui-libraries-missing (Linux), home-writes, bundle-untouched.
# Environment: FA_SMOKE_PHOTOS (default ../shared/data/product-photos from the repository),
# FA_SMOKE_KEEP=1 keeps the temporary folder, FA_SMOKE_NETNS=0 skips the network namespace,
# FA_SMOKE_SKIP="step ..." skips steps (reported as skipped, for debugging one step at a time).
# Needs on the host: bash, coreutils, tar, python3 (only to read the JSON the bundle prints).
set -uo pipefail

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
BUNDLE_ARG=$1
BLIP2=${2:-${FA_SMOKE_BLIP2:-}}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
PHOTOS=${FA_SMOKE_PHOTOS:-$REPO/../shared/data/product-photos}
[ -n "$BLIP2" ] || { echo "smoke: no tiny BLIP-2 given (second argument or FA_SMOKE_BLIP2)" >&2; usage; }
[ -f "$BLIP2/config.json" ] || { echo "smoke: $BLIP2 is not a saved BLIP-2 folder (no config.json)" >&2; exit 2; }
[ -d "$PHOTOS" ] || { echo "smoke: photo folder $PHOTOS not found (set FA_SMOKE_PHOTOS)" >&2; exit 2; }
HOST_PY=$(command -v python3 || command -v python) || { echo "smoke: the host needs python3 to read JSON" >&2; exit 2; }

case "$(uname -s)" in
  MINGW*|MSYS*|CYGWIN*) OS=windows; EXE=.exe ;;
  Darwin) OS=macos; EXE= ;;
  *) OS=linux; EXE= ;;
esac


T0=$(date +%s)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fa-smoke.XXXXXX")
WORK=$(cd "$WORK" && pwd -P)  # macOS: /var -> /private/var, as the app will report it
WORK_CMP=$WORK                # the same folder as the app spells it in its JSON
[ "$OS" = windows ] && WORK_CMP=$(cygpath -m "$WORK")
cleanup() { if [ "${FA_SMOKE_KEEP:-0}" = 1 ]; then echo "smoke: kept $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
mkdir -p "$WORK/home" "$WORK/tmp" "$WORK/run" "$WORK/logs" "$WORK/photos"

# The bundle runs from $WORK/app, never from the repository: a path that silently reached back
# into the checkout (resources, migrations, the manifest) would fail here.
if [ -d "$BUNDLE_ARG" ]; then
  cp -al "$BUNDLE_ARG" "$WORK/app" 2>/dev/null || cp -a "$BUNDLE_ARG" "$WORK/app"
else
  mkdir -p "$WORK/unpack"
  tar -xzf "$BUNDLE_ARG" -C "$WORK/unpack" || { echo "smoke: FAIL at step unpack: cannot unpack $BUNDLE_ARG"; exit 1; }
  top=$(find "$WORK/unpack" -mindepth 1 -maxdepth 1 -type d | head -n1)
  mv "$top" "$WORK/app"
fi
CLI=$WORK/app/fashion-assistant$EXE
GUI=$WORK/app/fashion-assistant-gui$EXE
for exe in "$CLI" "$GUI"; do
  [ -x "$exe" ] || { echo "smoke: FAIL at step layout: $exe is missing or not executable"; exit 1; }
done
snapshot() {  # every file of the bundle with its size and modification time, portable and fast (30k files)
  "$HOST_PY" - "$WORK/app" <<'PY'
import os, sys
root = sys.argv[1]
for folder, _dirs, files in sorted(os.walk(root)):
    for name in sorted(files):
        path = os.path.join(folder, name)
        st = os.lstat(path)
        print(os.path.relpath(path, root), st.st_size, st.st_mtime_ns)
PY
}
snapshot > "$WORK/bundle-before.txt"

# A few photos from each folder (the folder name is the category), copied so the catalog's paths
# are in the temporary folder too.
for category in "$PHOTOS"/*/; do
  name=$(basename "$category")
  mkdir -p "$WORK/photos/$name"
  find "$category" -maxdepth 1 -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' \) | sort | head -n 2 \
    | while read -r photo; do cp "$photo" "$WORK/photos/$name/"; done
done
N_PHOTOS=$(find "$WORK/photos" -type f | wc -l | tr -d ' ')
QUERY_PHOTO=$(find "$WORK/photos" -type f | sort | head -n 1)
cp -r "$BLIP2" "$WORK/tiny-blip2"

# The clean environment: only what a desktop session would have, nothing of ours or of the build.
CLEAN_ENV=(HOME="$WORK/home" TMPDIR="$WORK/tmp" PATH=/usr/bin:/bin LANG=C.UTF-8 LC_ALL=C.UTF-8
           HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1 NO_PROXY='*' no_proxy='*'
           FASHION_ASSISTANT_NETWORK_LOG="$WORK/logs/network-attempts.log")
if [ "$OS" = windows ]; then
  # Windows programs do not start without these; USERPROFILE/APPDATA play HOME's part for platformdirs.
  CLEAN_ENV+=(SYSTEMROOT="${SYSTEMROOT:-C:\\Windows}" WINDIR="${WINDIR:-C:\\Windows}" USERPROFILE="$(cygpath -w "$WORK/home")"
              APPDATA="$(cygpath -w "$WORK/home")\\AppData\\Roaming" LOCALAPPDATA="$(cygpath -w "$WORK/home")\\AppData\\Local"
              TEMP="$(cygpath -w "$WORK/tmp")" TMP="$(cygpath -w "$WORK/tmp")" PATH="/usr/bin:/bin:$(cygpath -u "${SYSTEMROOT:-C:\\Windows}")/System32")
fi

NETNS=()
if [ "$OS" = linux ] && [ "${FA_SMOKE_NETNS:-1}" = 1 ] && unshare -rn true 2>/dev/null; then
  NETNS=(unshare -rn)   # a user+network namespace: no interface but a downed loopback
  NETWORK="none (network namespace without interfaces)"
elif [ "$OS" = linux ] && [ "${FA_SMOKE_NETNS:-1}" = 1 ] && [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
  NETNS=(unshare -n)
  NETWORK="none (network namespace without interfaces)"
else
  NETWORK="not isolated by the kernel here; offline by environment only (HF_HUB_OFFLINE, no proxy)"
fi

# Native code can reach the network where no Python guard sees it (ONNX Runtime's telemetry): where strace
# exists, every step runs under it and any DNS query or non-loopback connection fails that step.
TRACE=()
if [ "$OS" = linux ] && [ "${FA_SMOKE_STRACE:-1}" = 1 ] && command -v strace >/dev/null; then
  TRACE=("$(command -v strace)" -f -qq -e trace=connect,sendto,sendmsg)
  NETWORK="$NETWORK; every system call that could reach the network traced (strace)"
fi
network_attempts() {
  awk '/(connect|sendto|sendmsg)\(/ {
    if ($0 ~ /htons\(53\)/) { print; next }
    # nscd also answers user and group lookups: only a reachable one could have resolved a host name
    if ($0 ~ /nscd\/socket/) { if ($0 !~ /= -1 /) print; next }
    if (match($0, /inet_addr\("[^"]+"\)/)) { a = substr($0, RSTART + 11, RLENGTH - 13); if (a !~ /^127\./) print; next }
    if (match($0, /inet_pton\(AF_INET6, "[^"]+"/)) { a = substr($0, RSTART + 21, RLENGTH - 22); if (a != "::1" && a !~ /^::ffff:127\./) print }
  }' "$1"
}

PASSED=0
SKIPPED=0
declare -a TIMES=()
# run STEP CHECK COMMAND...: run COMMAND in the clean environment from $WORK/run, then CHECK (a shell
# function reading $WORK/logs/STEP.out). The first failure stops the test and names the step.
run() {
  local step=$1 check=$2
  shift 2
  case " ${FA_SMOKE_SKIP:-} " in
    *" $step "*) SKIPPED=$((SKIPPED + 1)); printf 'smoke: skip %-16s (FA_SMOKE_SKIP)\n' "$step"; return 0 ;;
  esac
  local started ended rc tracer=()
  [ ${#TRACE[@]} -gt 0 ] && tracer=("${TRACE[@]}" -o "$WORK/logs/$step.trace")
  started=$(date +%s.%N 2>/dev/null || date +%s)
  # No terminal on stdin: a question (the Gemma terms) must never wait for an answer here.
  (cd "$WORK/run" && env -i "${CLEAN_ENV[@]}" ${STEP_ENV:+"$STEP_ENV"} ${NETNS[@]+"${NETNS[@]}"} ${tracer[@]+"${tracer[@]}"} "$@") \
    < /dev/null > "$WORK/logs/$step.out" 2> "$WORK/logs/$step.err"
  rc=$?
  ended=$(date +%s.%N 2>/dev/null || date +%s)
  local seconds
  seconds=$(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.1f", b - a }')
  TIMES+=("$step=${seconds}s")
  # EXPECT_RC: the exit code the step must end with (default 0), or "any" when its check judges it.
  if [ "${EXPECT_RC:-0}" != any ] && [ $rc -ne "${EXPECT_RC:-0}" ]; then fail "$step" "exit code $rc"; fi
  echo "$rc" > "$WORK/logs/$step.rc"
  if [ -s "$WORK/logs/$step.trace" ] && [ -n "$(network_attempts "$WORK/logs/$step.trace")" ]; then
    network_attempts "$WORK/logs/$step.trace" | head -n 5 >> "$WORK/logs/$step.out"
    fail "$step" "it tried to reach the network (DNS query or non-loopback connection; see the lines above)"
  fi
  local why
  if ! why=$($check "$WORK/logs/$step.out" 2>&1); then fail "$step" "$why"; fi
  PASSED=$((PASSED + 1))
  printf 'smoke: ok   %-16s %6ss  %s\n' "$step" "$seconds" "$why"
}
fail() {
  echo "smoke: FAIL at step $1: $2"
  echo "----- $1 stdout (last 30 lines) -----"; tail -n 30 "$WORK/logs/$1.out" 2>/dev/null
  echo "----- $1 stderr (last 30 lines) -----"; tail -n 30 "$WORK/logs/$1.err" 2>/dev/null
  echo "smoke: $PASSED passed, 1 failed"
  FA_SMOKE_KEEP=${FA_SMOKE_KEEP:-1}  # keep the evidence
  exit 1
}
json() {  # json FILE PYTHON_EXPR: evaluate EXPR with `d` the parsed JSON; print its value, fail if falsy
  "$HOST_PY" - "$1" "$2" <<'PY'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
d = json.loads(text[text.index("{"):])  # the JSON object; anything a library printed before it is ignored
value = eval(sys.argv[2], {"d": d, "len": len, "any": any, "all": all})
print(value)
sys.exit(0 if value not in (None, False, 0, "", [], {}) else 1)
PY
}

check_doctor() {
  json "$1" "d['sqlite']['ok'] and d['sqlite']['sqlite_vec_version']" >/dev/null || { echo "SQLite with sqlite-vec is not usable"; return 1; }
  json "$1" "d['torch']['available']" >/dev/null || { echo "torch does not import in the bundle: $(json "$1" "d['torch']" 2>&1)"; return 1; }
  json "$1" "d['onnxruntime']['available']" >/dev/null || { echo "onnxruntime does not import in the bundle"; return 1; }
  json "$1" "d['python']['executable'].replace(chr(92), '/').startswith('$WORK_CMP/app')" >/dev/null \
    || { echo "doctor did not run from the bundle (python executable outside $WORK/app)"; return 1; }
  json "$1" "d['paths']['data_dir'].replace(chr(92), '/').startswith('$WORK_CMP/home')" >/dev/null \
    || { echo "the data folder is not the user's (platformdirs under HOME)"; return 1; }
  json "$1" "[m for m in d['models'] if m['role']=='classifier' and m['found']] and 'torch %s, sqlite-vec %s (%s), classifier found, data in the user folder' % (d['torch']['version'], d['sqlite']['sqlite_vec_version'], d['sqlite']['driver'])" \
    || { echo "the bundled classifier GGUF was not found"; return 1; }
}
check_classify() {
  # The request names no category the keyword parser knows, so only the model can answer it: a
  # "source" of llm (or both) proves the bundled GGUF loaded and answered under its JSON schema.
  json "$1" "d['items'] and d['source'] in ('llm', 'both') and 'items=%s from the bundled GGUF (source %s)' % (d['items'], d['source'])" \
    || { echo "no items, or the keyword parser answered instead of the bundled GGUF (source must be llm or both)"; return 1; }
}
check_index() {
  # backend onnx: the bundled ONNX Runtime ran, after a preparation in a spawned child of the frozen program.
  json "$1" "d['indexed'] == $N_PHOTOS and not d['skipped'] and d['backend'] == 'onnx' and '%d photos indexed (%s %s)' % (d['indexed'], d['precision'], d['backend'])" \
    || { echo "expected $N_PHOTOS photos indexed by the onnx backend and none skipped"; return 1; }
}
check_search_text() {
  json "$1" "len(d['results']) > 0 and all(r['path'].replace(chr(92), '/').startswith('$WORK_CMP') for r in d['results']) and '%d results' % len(d['results'])" \
    || { echo "no results, or results outside this test's catalog"; return 1; }
}
check_search_photo() {
  json "$1" "d['results'] and d['results'][0]['path'].endswith('$(basename "$QUERY_PHOTO")') and 'top hit is the query photo'" \
    || { echo "the query photo is not its own best match"; return 1; }
}
check_spanish() {
  # The core's sentences come from the bundled gettext catalog: an error in a Spanish session is in Spanish.
  local err=${1%.out}.err
  grep -qi "carpeta" "$err" || { echo "the error was not in Spanish: $(head -c 300 "$err")"; return 1; }
  echo "the error reads in Spanish: $(head -c 80 "$err")"
}
check_gui() {
  if [ "$OS" = windows ] && [ ! -s "$1" ]; then  # a windowed .exe may get no stdout on Windows: its exit code spoke
    echo "exit 0 (no console output from a windowed program on Windows)"; return 0
  fi
  local line
  line=$(grep "self-test:" "$1" | tail -n 1)
  [ -n "$line" ] || { echo "no self-test line"; return 1; }
  case "$line" in *FAILED*) echo "$line"; return 1 ;; esac
  # The window must show the catalog the CLI just built (same HOME, so the same platformdirs folder).
  case "$line" in
    *"catalog loaded ("*) [ "$(echo "$line" | sed -n 's/.*catalog loaded (\([0-9]*\) item.*/\1/p')" = "$N_PHOTOS" ] \
                          || { echo "the window did not load the $N_PHOTOS indexed photos: $line"; return 1; } ;;
  esac
  echo "${line#self-test: }"
}
check_untouched() { echo "no file of the bundle changed"; }
check_terms_asked() {
  # No terminal and no --accept-model-terms: the bundled model is not used, and the one line says how to accept.
  grep -q -- "--accept-model-terms" "${1%.out}.err" && grep -q "Gemma Terms of Use" "${1%.out}.err" \
    || { echo "classify without accepted terms did not stop with the message naming --accept-model-terms"; return 1; }
  [ ! -s "$1" ] || { echo "classify printed results before the terms were accepted"; return 1; }
  echo "stopped with the way to accept the Gemma terms"
}
check_ask() {
  json "$1" "d['classification'] and d['items'] and '%d items, advice by %s' % (len(d['items']), d['model'] or 'no stylist (the honest note)')" \
    || { echo "ask found no items"; return 1; }
}
check_look() {
  # Looks from the indexed photos, written as a PDF by Qt's painter in the frozen CLI, headless (offscreen platform).
  json "$1" "d['looks'] and d['file'] and open(d['file'], 'rb').read(5) == b'%PDF-' and '%d looks, %s' % (len(d['looks']), d['file'])" \
    || { echo "look composed nothing, or wrote no PDF"; return 1; }
}
check_libraries_honest() {
  # Exit 0: every library of Qt's X11 plugin loads. Exit 1: each library it names must really be missing, neither in
  # the bundle nor known to the system's loader: a library the bundle carries (libxcb-cursor) is never reported.
  local rc missing lib
  rc=$(cat "${1%.out}.rc")
  if [ "$rc" = 0 ]; then grep -q "libraries: ok" "$1" && { echo "$(cat "$1")"; return 0; }; echo "no ok line"; return 1; fi
  missing=$(sed -n 's/.*lacks: \(.*\)\.$/\1/p' "${1%.out}.err" | tr -d ',')
  [ -n "$missing" ] || { echo "exit $rc without naming a missing library"; return 1; }
  for lib in $missing; do
    [ -z "$(find "$WORK/app/_internal" -name "$lib" | head -n1)" ] || { echo "false alarm: the bundle carries $lib"; return 1; }
    ! /sbin/ldconfig -p 2>/dev/null | awk -v lib="$lib" '$1 == lib { found = 1 } END { exit !found }' \
      || { echo "false alarm: the system has $lib"; return 1; }
  done
  echo "really missing on this machine (not in the bundle, unknown to the loader): $missing"
}
check_libraries_missing() {
  grep -q "libQt6XcbQpa.so.6" "${1%.out}.err" || { echo "the message does not name the hidden libQt6XcbQpa.so.6"; return 1; }
  grep -q "libQt6XcbQpa.so.6" "$WORK/logs/notifications.log" 2>/dev/null \
    || { echo "no desktop notification was sent (the fake notify-send recorded nothing)"; return 1; }
  echo "named the missing library on stderr and in a desktop notification"
}
check_home() {
  # Only the app's own folders under HOME: data, cache and log (platformdirs), and Qt's window-state file.
  local outside
  outside=$(cd "$WORK/home" && find . -type f | sed 's,^\./,,' | grep -v -E "$APP_FOLDERS" | head -n 20)
  [ -z "$outside" ] || { echo "files written outside the app's folders: $(echo "$outside" | tr '\n' ' ')"; return 1; }
  echo "$(cd "$WORK/home" && find . -type f | wc -l | tr -d ' ') files, all inside the app's own folders"
}
case "$OS" in  # the app's folders under HOME, as platformdirs (and QSettings for the window's geometry) place them
  linux) APP_FOLDERS='^(\.local/share/fashion-assistant|\.cache/fashion-assistant|\.local/state/fashion-assistant|\.config/fashion-assistant)/' ;;
  macos) APP_FOLDERS='^Library/(Application Support/fashion-assistant|Caches/fashion-assistant|Logs/fashion-assistant)/|^Library/Preferences/[^/]*fashion-assistant[^/]*\.plist$' ;;
  windows) APP_FOLDERS='^AppData/Local/fashion-assistant/' ;;
esac

# Before anything runs: the licence texts a tester passes on with the bundle.
LICENCES=$WORK/app/_internal/licenses
if ! why=$("$HOST_PY" - "$LICENCES" "$WORK/app/_internal/models/gemma-3-270m" <<'PY'
import json, os, sys
folder, model = sys.argv[1], sys.argv[2]
components = json.load(open(os.path.join(folder, "index.json"), encoding="utf-8"))["components"]
empty = [c["name"] for c in components if not c["files"] or not all(os.path.getsize(os.path.join(folder, f)) > 0 for f in c["files"])]
kinds = {c["kind"] for c in components}
terms = [n for n in ("GEMMA_TERMS.txt", "PROHIBITED_USE_POLICY.txt") if not os.path.isfile(os.path.join(model, n))]
qt = [c for c in components if c["kind"] == "notice" and any("QT-LGPL" in f for f in c["files"])]
problems = ([f"no licence text for {', '.join(empty)}"] if empty else []) + ([f"beside the model, missing {', '.join(terms)}"] if terms else [])
problems += [] if qt else ["no Qt LGPL notice"]
problems += [f"no {k} component" for k in ("app", "python", "model") if k not in kinds]
print("; ".join(problems) or f"{len(components)} components with their texts, the Qt LGPL notice, the Gemma terms beside the model")
sys.exit(1 if problems else 0)
PY
); then
  echo "$why" > "$WORK/logs/licences.out"; : > "$WORK/logs/licences.err"; fail licences "$why"
fi
PASSED=$((PASSED + 1))
printf 'smoke: ok   %-16s %6s   %s\n' "licences" "-" "$why"

echo "smoke: bundle $BUNDLE_ARG, run from $WORK/app ($OS); network: $NETWORK"
run doctor check_doctor "$CLI" doctor --json
EXPECT_RC=1 run terms-asked check_terms_asked "$CLI" classify --json "something nice for my sister to wear tomorrow"
run classify check_classify "$CLI" --accept-model-terms classify --json "something nice for my sister to wear tomorrow"
run index check_index "$CLI" index "$WORK/photos" --blip2 "$WORK/tiny-blip2" --json
run search-text check_search_text "$CLI" search --json red shirt
run search-photo check_search_photo "$CLI" search --json --image "$QUERY_PHOTO"
run ask check_ask "$CLI" ask --json "two shirts and a pair of shoes"
run look check_look "$CLI" look --json --out "$WORK/looks.pdf" "an outfit for a job interview"
EXPECT_RC=1 STEP_ENV="LC_ALL=es_ES.UTF-8" run spanish check_spanish "$CLI" search --folder "$WORK/no-such-folder" rojo
STEP_ENV="QT_QPA_PLATFORM=offscreen" run gui check_gui "$GUI" --self-test
if [ "$OS" = linux ]; then
  # What Qt's X11 plugin will load, resolved as the bundle resolves it; then with one of the bundle's own Qt
  # libraries hidden, the real failure must reach the person too (a fake notify-send records the notification).
  STEP_ENV="QT_QPA_PLATFORM=xcb" EXPECT_RC=any run gui-libraries check_libraries_honest "$GUI" --check-libraries
  mkdir -p "$WORK/fakebin"
  printf '#!/bin/sh\nprintf "%%s\\n" "$*" >> "%s"\n' "$WORK/logs/notifications.log" > "$WORK/fakebin/notify-send"
  chmod +x "$WORK/fakebin/notify-send"
  QPA=$WORK/app/_internal/PySide6/Qt/lib/libQt6XcbQpa.so.6
  mv "$QPA" "$QPA.hidden"
  EXPECT_RC=1 run gui-libraries-missing check_libraries_missing \
    env QT_QPA_PLATFORM=xcb DISPLAY=:0 PATH="$WORK/fakebin:/usr/bin:/bin" "$GUI"
  mv "$QPA.hidden" "$QPA"
fi

# Nothing but the app's own folders under HOME after all of the above (ONNX Runtime's telemetry once wrote there).
: > "$WORK/logs/home-writes.err"; (cd "$WORK/home" && find . -type f | sort) > "$WORK/logs/home-writes.out"
if ! why=$(check_home "$WORK/logs/home-writes.out"); then fail home-writes "$why"; fi
PASSED=$((PASSED + 1))
printf 'smoke: ok   %-16s %6s   %s\n' "home-writes" "-" "$why"

# Data stays outside the bundle: after all of the above, not one file in it was added or changed.
snapshot > "$WORK/bundle-after.txt"
if ! diff -q "$WORK/bundle-before.txt" "$WORK/bundle-after.txt" >/dev/null; then
  diff "$WORK/bundle-before.txt" "$WORK/bundle-after.txt" | head -n 20 > "$WORK/logs/bundle-untouched.out"
  : > "$WORK/logs/bundle-untouched.err"
  fail bundle-untouched "files inside the bundle were added or changed (see the diff)"
fi
PASSED=$((PASSED + 1))
printf 'smoke: ok   %-16s %6s   %s\n' "bundle-untouched" "-" "$(check_untouched)"
if [ -s "$WORK/logs/network-attempts.log" ]; then
  echo "smoke: note: the app recorded network attempts it refused:"; head -n 5 "$WORK/logs/network-attempts.log"
fi

echo "smoke: times ${TIMES[*]} total=$(( $(date +%s) - T0 ))s"
if [ "$SKIPPED" -gt 0 ]; then echo "smoke: $PASSED passed, 0 failed, $SKIPPED skipped"; else echo "smoke: $PASSED passed, 0 failed"; fi
