#!/usr/bin/env bash
# The control plane at scale, measured with keel-fleetsim, written into the "Control plane
# at scale" section of docs/benchmarks.md (that section only):
#   steady:  1k / 5k / 10k simulated agents at a 5 s heartbeat and 2 s metrics for a
#            steady period: control-plane CPU (cores, /proc/<pid>/stat over the period),
#            RSS (VmRSS at its end, VmHWM), p50/p99 report->watch, reports lost
#   deploy:  a deploy to every agent of the largest size until all acknowledged it
#   rollout: 1,000 agents in 10 waves without bake until succeeded
#   storm:   every agent of the largest size drops its connection at once; time until all
#            are admitted again holding the generation they held
#   console: after the last run's steady runs, the largest fleet connected again (fresh
#            control plane, keel-fleetsim until stopped) and keel-console-fleet-bench
#            --server against it: first paint, sorts, frames and event-loop latency while
#            the fleet's metrics flow (QT_QPA_PLATFORM=offscreen); once, not a median
# Every figure is the median over BENCH_FLEET_RUNS runs, each against a fresh control
# plane (data dir in a temp dir, a free port, its admin token), with the spread (min-max).
# A part that fails appears as "not measured: why".
#
#   bench/fleet/run.sh            # full run (needs the machine to itself; long)
#   bench/fleet/run.sh --smoke    # 20 agents, short; ctest runs it so the harness cannot rot
#
# Knobs: KEEL_BUILD (build dir, default build), BENCH_SKIP_BUILD=1, BENCH_OUTPUT (default
# docs/benchmarks.md; --smoke: a temp file), BENCH_FLEET_RUNS (3), BENCH_FLEET_SIZES
# ("1000 5000 10000"), BENCH_FLEET_STEADY_SECONDS (60), BENCH_FLEET_DEPLOY_AGENTS and
# BENCH_FLEET_STORM_AGENTS (the largest size), BENCH_FLEET_ROLLOUT_AGENTS (1000),
# BENCH_FLEET_THREADS (fleetsim io threads, 1), BENCH_FLEET_CONSOLE=0 (skip the console
# part), BENCH_FLEET_CONSOLE_STREAM_SECONDS (frames measured while metrics flow, 10).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="$(realpath -m "${KEEL_BUILD:-$ROOT/build}")"
BIN="$BUILD/bin"
SMOKE=0
[ "${1:-}" = "--smoke" ] && SMOKE=1
if [ "$SMOKE" = 1 ]; then
  RUNS="${BENCH_FLEET_RUNS:-1}"; SIZES="${BENCH_FLEET_SIZES:-20}"; STEADY="${BENCH_FLEET_STEADY_SECONDS:-3}"
  DOC="${BENCH_OUTPUT:-$(mktemp)}"
else
  RUNS="${BENCH_FLEET_RUNS:-3}"; SIZES="${BENCH_FLEET_SIZES:-1000 5000 10000}"; STEADY="${BENCH_FLEET_STEADY_SECONDS:-60}"
  DOC="${BENCH_OUTPUT:-$ROOT/docs/benchmarks.md}"
fi
LARGEST="$(printf '%s\n' $SIZES | sort -n | tail -1)"
DEPLOY_AGENTS="${BENCH_FLEET_DEPLOY_AGENTS:-$LARGEST}"
STORM_AGENTS="${BENCH_FLEET_STORM_AGENTS:-$LARGEST}"
ROLLOUT_AGENTS="${BENCH_FLEET_ROLLOUT_AGENTS:-$([ "$SMOKE" = 1 ] && echo 20 || echo 1000)}"
THREADS="${BENCH_FLEET_THREADS:-1}"
CONSOLE="${BENCH_FLEET_CONSOLE:-1}"
CONSOLE_STREAM="${BENCH_FLEET_CONSOLE_STREAM_SECONDS:-$([ "$SMOKE" = 1 ] && echo 2 || echo 10)}"

TMP="$(mktemp -d)"
RESULTS="$TMP/results"
mkdir -p "$RESULTS"
CP_PID=""
SIM_PID=""
cleanup() {
  [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
  [ -n "$CP_PID" ] && kill "$CP_PID" 2>/dev/null && wait "$CP_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
log() { printf '[bench fleet] %s\n' "$*" >&2; }

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  targets="keel-controlplane keelctl keel-fleetsim keel-aot keel_components"
  [ "$CONSOLE" = 1 ] && targets="$targets keel-console-fleet-bench"
  cmake --build "$BUILD" --target $targets >/dev/null \
    || { log "build failed"; exit 1; }
fi

# A fresh control plane: 5 s heartbeats, 2 s metrics, a free port; the sample component
# hello pushed as 1.0.0 (deploy) and 2.0.0 (rollout).
start_cp() {
  stop_cp
  local dir="$TMP/cp.$1"
  mkdir -p "$dir"
  "$BIN/keel-controlplane" --data-dir "$dir/data" --listen 127.0.0.1:0 --heartbeat-interval 5000 \
    --metrics-interval 2000 >"$dir/log" 2>&1 &
  CP_PID=$!
  SERVER=""
  for _ in $(seq 1 200); do
    SERVER="$(grep -o 'listening on ws://[^ ]*' "$dir/log" | head -1 | cut -d' ' -f3)"
    [ -n "$SERVER" ] && [ -s "$dir/data/admin.token" ] && break
    kill -0 "$CP_PID" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$SERVER" ] || { CP_WHY="the control plane did not start: $(tail -1 "$dir/log")"; return 1; }
  TOKEN="$(cat "$dir/data/admin.token")"
  for version in 1.0.0 2.0.0; do
    "$BIN/keelctl" --server "$SERVER" --token "$TOKEN" component push "$BUILD/components/hello.wasm" \
      --name hello --version "$version" >/dev/null 2>"$dir/push.err" \
      || { CP_WHY="keelctl component push failed: $(tail -1 "$dir/push.err")"; return 1; }
  done
}
stop_cp() {
  [ -n "$CP_PID" ] && kill "$CP_PID" 2>/dev/null && wait "$CP_PID" 2>/dev/null
  CP_PID=""
}

# fleetsim NAME AGENTS ARGS...: one run against a fresh control plane; its JSON report in
# $RESULTS/NAME.json, or the reason it has none in $RESULTS/NAME.why.
fleetsim() {
  local name="$1" agents="$2"
  shift 2
  CP_WHY=""
  if ! start_cp "$name"; then
    echo "$CP_WHY" >"$RESULTS/$name.why"
    return
  fi
  log "$name: $agents agents $*"
  "$BIN/keel-fleetsim" --server "$SERVER" --token "$TOKEN" --agents "$agents" --threads "$THREADS" \
    --heartbeat-ms 5000 --metrics-ms 2000 --connect-rate 1000 --grace 15 --controlplane-pid "$CP_PID" \
    --prefix "$name" --report "$RESULTS/$name.json" "$@" 2>"$RESULTS/$name.log" \
    || echo "keel-fleetsim: $(grep -m1 'FAILED\|keel-fleetsim: [a-z].*\(not\|cannot\|did\)' "$RESULTS/$name.log" | sed 's/^ *//')" >"$RESULTS/$name.why"
  stop_cp
}

# The console against the largest fleet: a fresh control plane, every agent connected and
# reporting (keel-fleetsim until stopped), then keel-console-fleet-bench --server on the
# console's own client path. Its Markdown table in $RESULTS/console.md, or console.why.
console_bench() {
  local agents="$1" simlog="$RESULTS/console-sim.log" why=""
  CP_WHY=""
  if ! start_cp console; then
    echo "$CP_WHY" >"$RESULTS/console.why"
    return
  fi
  log "console: $agents agents, then keel-console-fleet-bench --server"
  "$BIN/keel-fleetsim" --server "$SERVER" --token "$TOKEN" --agents "$agents" --threads "$THREADS" \
    --heartbeat-ms 5000 --metrics-ms 2000 --connect-rate 1000 --grace 15 --prefix console --duration 0 \
    2>"$simlog" &
  SIM_PID=$!
  while ! grep -q 'agents ready after' "$simlog"; do
    if ! kill -0 "$SIM_PID" 2>/dev/null; then
      why="keel-fleetsim ended before its agents were ready: $(tail -1 "$simlog")"
      break
    fi
    sleep 0.2 # keel-fleetsim gives up by itself after its --ready-timeout
  done
  if [ -z "$why" ]; then
    QT_QPA_PLATFORM=offscreen "$BIN/keel-console-fleet-bench" --server "$SERVER" --token "$TOKEN" --expect "$agents" \
      --stream-seconds "$CONSOLE_STREAM" >"$RESULTS/console.md" 2>"$RESULTS/console.err" \
      || why="keel-console-fleet-bench: $(tail -1 "$RESULTS/console.err")"
  fi
  [ -n "$why" ] && { echo "$why" >"$RESULTS/console.why"; rm -f "$RESULTS/console.md"; }
  kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
  SIM_PID=""
  stop_cp
}

for run in $(seq 1 "$RUNS"); do
  for size in $SIZES; do
    fleetsim "steady-$size-r$run" "$size" --duration "$STEADY"
  done
  [ "$CONSOLE" = 1 ] && [ "$run" = "$RUNS" ] && console_bench "$LARGEST"
  fleetsim "deploy-r$run" "$DEPLOY_AGENTS" --scenario deploy hello@1.0.0 --duration 1
  fleetsim "rollout-r$run" "$ROLLOUT_AGENTS" --scenario rollout hello@2.0.0 --waves 10 --bake 0 --duration 1
  fleetsim "storm-r$run" "$STORM_AGENTS" --scenario storm --duration 1
done

SECTION="$TMP/section.md"
MACHINE="$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/{print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$ROOT/bench/fleet/summarize.py" "$RESULTS" "$RUNS" "$SIZES" "$DEPLOY_AGENTS" "$ROLLOUT_AGENTS" "$STORM_AGENTS" \
  "$STEADY" "$THREADS" "$MACHINE" "Keel $(git -C "$ROOT" describe --always --dirty), build \`$(basename "$BUILD")\`" \
  >"$SECTION" || { log "summarize failed"; exit 1; }
[ -e "$DOC" ] || : >"$DOC" # a scratch output starts empty
python3 "$ROOT/bench/write-section.py" "$DOC" "$SECTION" || { log "cannot write $DOC"; exit 1; }
cat "$SECTION"
# The smoke run fails when any part could not be measured: the harness has rotted.
if [ "$SMOKE" = 1 ] && grep -q 'not measured' "$SECTION"; then
  log "smoke: a part was not measured"
  exit 1
fi
exit 0
