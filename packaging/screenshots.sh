#!/usr/bin/env bash
# packaging/screenshots.sh [OUTDIR]: pictures of keel-console's main views, made from a
# real fleet. Brings up the demo fleet headless (a fresh one, in a temporary directory,
# with its light traffic), runs the console under Xvfb at 1400x900 once per view and
# writes map.png, fleet.png, node.png, components.png, metrics.png and audit.png to
# OUTDIR (default: docs/screenshots); then rolls hash out as docs/rollouts.md does and
# takes rollout.png (2.0.0, its second wave baking) and rollout-failed.png (2.1.0-broken,
# rolled back by its error rate); last, residency: policy.png (the Policies pane previewing a
# stricter policy, the demo's pii rule for every subject, with the placements it would
# remove) and policy-map.png (the map after that policy is applied: jurisdictions shaded,
# the removals marked). Needs the demo's ports free (7070, 8081-8083,
# 9091-9093, 9464). KEEL_SCREENSHOT_THEME=dark takes them in a dark theme (needs the
# qt6-gtk-platformtheme package). KEEL_BUILD=DIR uses another build directory.
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

# console NAME ARGS...: starts keel-console for the picture NAME (CONSOLE_PID).
console() {
  local name="$1"; shift
  env "${theme_env[@]}" DISPLAY=":$display" QT_QPA_PLATFORM=xcb \
    "$BIN/keel-console" --server "$SERVER" --token-file "$TOKEN_FILE" -geometry "${SIZE}+0+0" "$@" \
    >"$WORK/console-$name.log" 2>&1 &
  CONSOLE_PID=$!
}

# capture NAME: a picture of the whole screen, then the console stops.
capture() {
  local name="$1"
  kill -0 "$CONSOLE_PID" 2>/dev/null || { cat "$WORK/console-$name.log" >&2; die "keel-console exited before the $name picture"; }
  DISPLAY=":$display" import -window root "$OUT/$name.png"
  kill "$CONSOLE_PID" 2>/dev/null || true
  wait "$CONSOLE_PID" 2>/dev/null || true
  echo "keel screenshots: $OUT/$name.png"
}

# shot NAME ARGS...: one console run, one picture once it settled.
shot() {
  console "$@"
  sleep "$SETTLE"
  capture "$1"
}

shot map --view map
shot fleet --view fleet
shot node --node edge-eu-1
shot components --view components
shot metrics --view metrics
shot audit --view audit

# Rollouts, as docs/rollouts.md walks through them. The console is up before each one
# starts, so that its gate charts hold every evaluation of the wave shown.
ctl() { "$BIN/keelctl" --server "$SERVER" --token "$(cat "$TOKEN_FILE")" "$@"; }
# "progressing", "succeeded", "rolled_back": the end of status's first line.
rollout_state() { ctl rollout status "$1" | head -n 1 | sed 's/.*, //'; }
# The state of wave N: the STATE column of its row in status's table.
wave_state() { ctl rollout status "$1" | awk -v wave="$2" '$1 == wave { print $4 }'; }
# until_true SECONDS WHAT COMMAND...: polls COMMAND until it succeeds.
until_true() {
  local deadline=$((SECONDS + $1)) what="$2"; shift 2
  until "$@"; do
    [ $SECONDS -lt $deadline ] || die "$what did not happen in time; see $WORK/demo/logs/"
    sleep 0.5
  done
}

# rollout.png: hash 2.0.0 wave by wave, one node a wave; taken while wave 2 bakes (wave 1
# passed, wave 3 pending), some seconds into its bake so its gate charts have points.
console rollout --view rollouts
sleep "$SETTLE"
id="$(ctl rollout start hash@2.0.0 --to all --order by-jurisdiction --batch 1 --bake 10s)"
echo "keel screenshots: rollout $id of hash@2.0.0 started"
# Pending first, while the AOT object of 2.0.0 is built.
until_true 300 "wave 2 of $id baking" eval '[ "$(wave_state "$id" 2)" = baking ]'
sleep 6
capture rollout
until_true 120 "rollout $id succeeding" eval '[ "$(rollout_state "$id")" = succeeded ]'

# rollout-failed.png: hash 2.1.0-broken answers 500; its first wave fails the error-rate
# gate within seconds and the rollout rolls back, saying why at the top of the pane.
console rollout-failed --view rollouts
sleep "$SETTLE"
id="$(ctl rollout start hash@2.1.0-broken --to all --order by-jurisdiction --batch 1 --bake 10s)"
echo "keel screenshots: rollout $id of hash@2.1.0-broken started"
until_true 300 "rollout $id rolling back" eval '[ "$(rollout_state "$id")" = rolled_back ]'
sleep 2
capture rollout-failed

# policy.png: the demo's policy made stricter — its pii rule for every subject, not only
# EU ones — opened in the Policies pane and previewed (what `keelctl policy check -f`
# prints): profile would be removed from the agents outside the EU. Nothing is applied.
ctl policy get >"$WORK/policy.yaml"
grep -q 'subjects: \[EU\]' "$WORK/policy.yaml" || die "the demo's policy has no rule for EU subjects: $(cat "$WORK/policy.yaml")"
sed 's/subjects: \[EU\]/subjects: ["*"]/' "$WORK/policy.yaml" >"$WORK/policy-strict.yaml"
console policy --preview-policy "$WORK/policy-strict.yaml"
sleep "$SETTLE"
capture policy

# policy-map.png: that policy applied; the map shades each jurisdiction and marks the
# regions whose nodes lost profile.
ctl policy apply -f "$WORK/policy-strict.yaml" >/dev/null
until_true 60 "the stricter policy's violations" eval '[ "$(ctl policy violations | grep -c removed)" -ge 1 ]'
shot policy-map --view map
ctl policy apply -f "$WORK/policy.yaml" >/dev/null
