#!/usr/bin/env bash
# packaging/screenshots.sh [OUTDIR]: pictures of keel-console's main views, made from a
# real fleet. Brings up the demo fleet headless (a fresh one, in a temporary directory,
# with its light traffic), runs the console under Xvfb at 1400x900 once per view and
# writes map.png, fleet.png, node.png, components.png, metrics.png and audit.png to
# OUTDIR (default: docs/screenshots). Needs the demo's ports free (7070, 8081-8083,
# 9091-9093, 9464). KEEL_SCREENSHOT_THEME=dark takes them in a dark theme (needs the
# qt6-gtk-platformtheme package).
set -euo pipefail

source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/build.sh"
KEEL_DEBIAN_PACKAGES+=(imagemagick)
keel_build

OUT="$(realpath -m "${1:-$KEEL_ROOT/docs/screenshots}")"
BIN="$KEEL_BUILD/bin"
WORK="$(mktemp -d)"
SIZE=1400x900
SETTLE="${KEEL_SCREENSHOT_SETTLE:-8}"   # seconds a view gets to connect, list and draw
mkdir -p "$OUT"

die() { echo "keel screenshots: $*" >&2; exit 1; }

DEMO_PID=""
XVFB_PID=""
cleanup() {
  [ -n "$DEMO_PID" ] && kill -INT -- "-$DEMO_PID" 2>/dev/null || true
  [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
  [ -n "$DEMO_PID" ] && wait "$DEMO_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The demo fleet, headless, in its own process group so that it stops as a whole.
env -u DISPLAY -u WAYLAND_DISPLAY KEEL_DEMO_DIR="$WORK/demo" setsid "$KEEL_ROOT/packaging/demo.sh" >"$WORK/demo.log" 2>&1 &
DEMO_PID=$!
deadline=$((SECONDS + 120))
until grep -q "fleet is up" "$WORK/demo.log"; do
  kill -0 "$DEMO_PID" 2>/dev/null || { cat "$WORK/demo.log" >&2; die "the demo fleet did not start"; }
  [ $SECONDS -lt $deadline ] || die "the demo fleet did not come up in 120 s; see its output above"
  sleep 0.5
done
SERVER="ws://127.0.0.1:${KEEL_DEMO_PORT:-7070}"
TOKEN_FILE="$WORK/demo/controlplane/admin.token"

# Some history for the charts: the demo's traffic runs meanwhile.
echo "keel screenshots: fleet up; letting traffic run for ${KEEL_SCREENSHOT_WARMUP:-30} s"
sleep "${KEEL_SCREENSHOT_WARMUP:-30}"

# A free X display.
display=90
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 "${SIZE}x24" -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done
[ -e "/tmp/.X11-unix/X$display" ] || die "Xvfb did not start on :$display"

theme_env=()
if [ "${KEEL_SCREENSHOT_THEME:-}" = dark ]; then
  theme_env=(QT_QPA_PLATFORMTHEME=gtk3 GTK_THEME=Adwaita:dark)
fi

# shot NAME ARGS...: one console run, one picture of the whole screen.
shot() {
  local name="$1"; shift
  env "${theme_env[@]}" DISPLAY=":$display" QT_QPA_PLATFORM=xcb \
    "$BIN/keel-console" --server "$SERVER" --token-file "$TOKEN_FILE" -geometry "${SIZE}+0+0" "$@" \
    >"$WORK/console-$name.log" 2>&1 &
  local pid=$!
  sleep "$SETTLE"
  kill -0 "$pid" 2>/dev/null || { cat "$WORK/console-$name.log" >&2; die "keel-console exited before the $name picture"; }
  DISPLAY=":$display" import -window root "$OUT/$name.png"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "keel screenshots: $OUT/$name.png"
}

shot map --view map
shot fleet --view fleet
shot node --node edge-eu-1
shot components --view components
shot metrics --view metrics
shot audit --view audit
