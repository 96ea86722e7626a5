#!/usr/bin/env bash
# Keel's benchmarks, side by side in one run on this machine; writes docs/benchmarks.md.
#
#   bench/run.sh
#
# Builds what it needs (the main build in build/, then the bench project in
# bench/out/build), installs wrk, h2load (nghttp2-client) and nginx-light with apt-get when
# they are missing (the test suite never needs them), and measures:
#   a. compute kernels: native clang-14 -O2 (baseline) and gcc -O2, AOT (keel-aot),
#      interpreter, Node.js; every tier pinned to the same CPU
#   b. data plane: wrk -t1 -c32 on one CPU against each server on another: nginx (one
#      worker, `return`), Node.js http, and keel-agent serving a Keel handler and WAGI
#      guests on the AOT tier; medians of BENCH_DP_RUNS runs with their spread; then
#      the latency of nginx and the agent at one offered rate (h2load --rps)
#   c. cold start: exec keel-agent -> first 200 on /hello/ with 10 components
#   d. RSS: 10 components idle, and growth over 1,000,000 requests
#   e. size: keel-agent stripped, as cmake --install --strip installs it
# A part that cannot run (a tool or agent feature missing) appears in the tables as
# "not measured: <reason>" instead of failing the run. All traffic stays on 127.0.0.1 and
# every load loop is bounded in time; a full run takes about 5-8 minutes.
#
# Knobs (environment): KEEL_BUILD (build dir), BENCH_RUNS (timed runs per kernel, 11),
# BENCH_WRK_SECONDS (10), BENCH_DP_RUNS (3), BENCH_PACED_SECONDS (5), BENCH_COLD_RUNS (25), BENCH_RSS_REQUESTS (1000000),
# BENCH_RSS_SECONDS (time bound for those requests, 150), BENCH_OUTPUT (docs/benchmarks.md),
# BENCH_SKIP_BUILD=1 (use the main build as it is; the bench project is still built).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$(realpath -m "${KEEL_BUILD:-$ROOT/build}")"
OUT="$ROOT/bench/out"
BB="$OUT/build"
KDIR="$BB/kernels"
DOC="${BENCH_OUTPUT:-$ROOT/docs/benchmarks.md}"
RUNS="${BENCH_RUNS:-11}"
WRK_SECONDS="${BENCH_WRK_SECONDS:-10}"
PACED_SECONDS="${BENCH_PACED_SECONDS:-5}"
DP_RUNS="${BENCH_DP_RUNS:-3}"
COLD_RUNS="${BENCH_COLD_RUNS:-25}"
RSS_REQUESTS="${BENCH_RSS_REQUESTS:-1000000}"
RSS_SECONDS="${BENCH_RSS_SECONDS:-150}"
AGENT="$BUILD/bin/keel-agent"
KEEL_AOT="$BUILD/bin/keel-aot"

mkdir -p "$OUT"
TMP="$(mktemp -d "$OUT/run.XXXXXX")"
chmod 755 "$TMP" # nginx's workers (user nobody when started as root) read $TMP/www
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  rm -rf "$TMP"
}
trap cleanup EXIT

rel() { realpath -m --relative-to="$ROOT" "$1"; }
log() { printf '[bench] %s\n' "$*" >&2; }
nm() { local m="$*"; printf 'not measured: %s' "${m//"$ROOT"\//}"; }

# ---------------------------------------------------------------------------------------
# Tools and builds

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

ensure_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v h2load >/dev/null || missing+=(nghttp2-client)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} with apt-get"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 \
      || { as_root apt-get update >&2 && as_root env DEBIAN_FRONTEND=noninteractive \
             apt-get install -y --no-install-recommends "${missing[@]}" >&2; } \
      || log "could not install ${missing[*]}; the parts that need them are reported as not measured"
  fi
  NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
}

AGENT_BUILD_ERROR=""
build_all() {
  if [ "${BENCH_SKIP_BUILD:-0}" = 1 ]; then
    log "BENCH_SKIP_BUILD=1: using $BUILD as it is"
  else
    build_main
  fi
  log "building the kernels and drivers in $BB"
  cmake -S "$ROOT/bench" -B "$BB" -G Ninja -DKEEL_BUILD_DIR="$BUILD" >&2 || exit 1
  cmake --build "$BB" --parallel "${KEEL_JOBS:-2}" >&2 || exit 1
}

build_main() {
  if [ ! -f "$BUILD/build.ninja" ]; then
    log "configuring and building Keel into $BUILD (packaging/build.sh)"
    # shellcheck source=../packaging/build.sh
    (source "$ROOT/packaging/build.sh" && KEEL_BUILD="$BUILD" keel_build) >&2 || true
  fi
  log "building the libraries, keel-aot and the components in $BUILD"
  if ! cmake --build "$BUILD" --parallel "${KEEL_JOBS:-2}" \
         --target keel_runtime keel_aot_load keel_aot_common keel-aot keel_components >&2; then
    log "the main build failed; nothing can be measured"
    exit 1
  fi
  log "building keel-agent"
  if ! cmake --build "$BUILD" --parallel "${KEEL_JOBS:-2}" --target keel-agent >&2; then
    AGENT_BUILD_ERROR="keel-agent did not build"
  fi
}

# ---------------------------------------------------------------------------------------
# a. Compute kernels

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
fmt_ms() { awk -v a="$1" 'BEGIN { if (a == "") print "-"; else if (a >= 100) printf "%.0f", a; else printf "%.1f", a }'; }

# name iterations interp-divisor description
KERNELS=(
  "hash 2500 25 SHA-256 of a 4 KiB buffer repeated N times (the hash component's sha256.c)"
  "json 300 30 recursive-descent parse of a 128 KiB JSON document, N times"
  "matmul 100 50 128x128 double matrix multiply, N times"
  "nbody 400000 20 five-body simulation (benchmarks game), N steps"
  "lz 120 12 LZ77 compress + decompress + CRC-32 of 64 KiB of text, N times"
  "sort 60 6 quicksort of 4096 12-byte records through a comparator pointer (call_indirect), N times"
  "fploop 8000 40 saxpy, cubic polynomial and damped update over 4096-float arrays (vectorised natively), N times"
)

# Every tier of every kernel runs on the same CPU (the last one this script may use): on a
# virtual machine the CPUs are not alike (one may share its core with another guest), and a
# ratio is only meaningful when both sides ran on the same one.
PIN=()
if command -v taskset >/dev/null; then
  PIN_CPU="$(taskset -cp $$ 2>/dev/null | sed 's/.*: //' | tr ',' '\n' | tail -1 | sed 's/.*-//')"
  [ -n "$PIN_CPU" ] && PIN=(taskset -c "$PIN_CPU")
fi

# The data plane: the server on one CPU, wrk on another, when there are two or more (each
# at its best: nginx and Node.js are single-threaded here, and so is the agent's network
# thread). With one CPU both share it.
SERVER_PIN=(); LOAD_PIN=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  SERVER_CPU="${PIN_CPU:-}"
  LOAD_CPU="$(taskset -cp $$ 2>/dev/null | sed 's/.*: //' | tr ',' '\n' | head -1 | sed 's/-.*//')"
  if [ -n "$SERVER_CPU" ] && [ -n "$LOAD_CPU" ] && [ "$SERVER_CPU" != "$LOAD_CPU" ]; then
    SERVER_PIN=(taskset -c "$SERVER_CPU"); LOAD_PIN=(taskset -c "$LOAD_CPU")
  fi
fi

# The C compiler keel-aot picks by default (AotBuilder::defaultCompiler, same order).
aot_compiler() {
  local c
  for c in clang clang-{20..14}; do command -v "$c" >/dev/null && { echo "$c"; return; }; done
  echo cc
}

kernels_section() {
  local kb="$BB/kernelbench" node_ok=1 rows="" k n iters div desc
  # Sums of log(AOT/native) for the geometric means, and whether AOT beat V8 on each kernel.
  local logs_aot=0 logs_aotg=0 counted=0 counted_g=0 below_v8="met"
  command -v node >/dev/null || node_ok=0
  for k in "${KERNELS[@]}"; do
    read -r n iters div desc <<<"$k"
    log "kernel $n: native, gcc, AOT, AOT (gcc), Node.js ($RUNS runs of $iters), interpreter (3 runs of $((iters / div)))"
    local nat gcc aot aotg nod itp itn
    nat="$("${PIN[@]}" "$kb" native "$KDIR/$n.native.so" "$iters" "$RUNS" 2>&1)"
    gcc="$("${PIN[@]}" "$kb" native "$KDIR/$n.gcc.so" "$iters" "$RUNS" 2>&1)"
    aot="$("${PIN[@]}" "$kb" aot "$KDIR/$n.aot.so" "$KDIR/$n.wasm" "$iters" "$RUNS" 2>&1)"
    aotg="$("${PIN[@]}" "$kb" aot "$KDIR/$n.aot-gcc.so" "$KDIR/$n.wasm" "$iters" "$RUNS" 2>&1)"
    if [ $node_ok = 1 ]; then nod="$("${PIN[@]}" node "$ROOT/bench/node/runkernel.mjs" "$KDIR/$n.wasm" "$iters" "$RUNS" 2>&1)"
    else nod="node not installed"; fi
    itp="$(timeout 120 "${PIN[@]}" "$kb" interp "$KDIR/$n.wasm" "$((iters / div))" 3 2>&1)"
    itn="$("${PIN[@]}" "$kb" native "$KDIR/$n.native.so" "$((iters / div))" 1 2>&1)"

    local tn tg ta tag to ti ci cn sums_ok="yes"
    tn="$(field median_ms "$nat")"; ta="$(field median_ms "$aot")"; to="$(field median_ms "$nod")"
    tag="$(field median_ms "$aotg")"
    tg="$(field median_ms "$gcc")"
    ti="$(field median_ms "$itp")"
    [ -n "$ti" ] && ti="$(awk -v t="$ti" -v d="$div" 'BEGIN { print t * d }')"
    # Every tier must compute the same checksum (the interpreter at its smaller N).
    local c_nat c_gcc c_aot c_aotg c_nod
    c_nat="$(field checksum "$nat")"; c_aot="$(field checksum "$aot")"; c_nod="$(field checksum "$nod")"
    c_aotg="$(field checksum "$aotg")"
    c_gcc="$(field checksum "$gcc")"
    ci="$(field checksum "$itp")"; cn="$(field checksum "$itn")"
    [ -n "$c_nat" ] && [ "$c_aot" = "$c_nat" ] || sums_ok="NO (AOT)"
    [ "$c_aotg" = "$c_nat" ] || sums_ok="NO (AOT, gcc)"
    [ "$c_gcc" = "$c_nat" ] || sums_ok="NO (gcc)"
    [ $node_ok = 0 ] || [ "$c_nod" = "$c_nat" ] || sums_ok="NO (Node.js)"
    [ -z "$ci" ] || [ "$ci" = "$cn" ] || sums_ok="NO (interpreter)"

    local cell_gcc cell_aot cell_aotg cell_nod cell_itp r_gcc r_aot r_aotg r_nod r_itp target
    r_aot="$(ratio "$ta" "$tn")"; r_nod="$(ratio "$to" "$tn")"; r_itp="$(ratio "$ti" "$tn")"
    r_aotg="$(ratio "$tag" "$tn")"
    r_gcc="$(ratio "$tg" "$tn")"
    cell_gcc="$( [ -n "$tg" ] && echo "$(fmt_ms "$tg") ms (${r_gcc}×)" || nm "$(tail -1 <<<"$gcc")")"
    cell_aot="$( [ -n "$ta" ] && echo "$(fmt_ms "$ta") ms (**${r_aot}×**)" || nm "$(tail -1 <<<"$aot")")"
    cell_aotg="$( [ -n "$tag" ] && echo "$(fmt_ms "$tag") ms (${r_aotg}×)" || nm "$(tail -1 <<<"$aotg")")"
    cell_nod="$( [ -n "$to" ] && echo "$(fmt_ms "$to") ms (${r_nod}×)" || nm "$(tail -1 <<<"$nod")")"
    cell_itp="$( [ -n "$ti" ] && echo "$(fmt_ms "$ti") ms (${r_itp}×)" || nm "$(tail -1 <<<"$itp")")"
    target="-"
    if [ -n "$ta" ] && [ -n "$tn" ]; then
      logs_aot="$(awk -v s="$logs_aot" -v a="$ta" -v n="$tn" 'BEGIN { print s + log(a / n) }')"
      counted=$((counted + 1))
      if [ -n "$to" ]; then
        target="$(awk -v a="$ta" -v o="$to" 'BEGIN { print (a < o) ? "yes" : "no" }')"
      else
        target="-"
      fi
      [ "$target" = "yes" ] || below_v8="not met"
    else
      below_v8="not met"
    fi
    if [ -n "$tag" ] && [ -n "$tn" ]; then
      logs_aotg="$(awk -v s="$logs_aotg" -v a="$tag" -v n="$tn" 'BEGIN { print s + log(a / n) }')"
      counted_g=$((counted_g + 1))
    fi
    # The spread of the timed calls: fastest and slowest, native and AOT.
    local spread="-"
    if [ -n "$tn" ] && [ -n "$ta" ]; then
      spread="$(fmt_ms "$(field min_ms "$nat")")–$(fmt_ms "$(field max_ms "$nat")"); $(fmt_ms "$(field min_ms "$aot")")–$(fmt_ms "$(field max_ms "$aot")") ms"
    fi
    rows+="| \`$n\` | $desc; N=$iters | $(fmt_ms "$tn") ms | $cell_gcc | $cell_aot | $cell_aotg | $cell_nod | $cell_itp | $spread | $target | $sums_ok |"$'\n'
  done
  # Geometric means of AOT/native over the kernels (clang, the default, and gcc).
  local g_aot="-" g_aotg="-" within="not met"
  [ "$counted" -gt 0 ] && g_aot="$(awk -v s="$logs_aot" -v c="$counted" 'BEGIN { printf "%.2f", exp(s / c) }')"
  [ "$counted_g" -gt 0 ] && g_aotg="$(awk -v s="$logs_aotg" -v c="$counted_g" 'BEGIN { printf "%.2f", exp(s / c) }')"
  [ "$counted" = "${#KERNELS[@]}" ] && awk -v g="$g_aot" 'BEGIN { exit !(g <= 1.25) }' && within="met"
  rows+="| **geometric mean** | AOT/native over the ${#KERNELS[@]} kernels | 1× | | **${g_aot}×** | ${g_aotg}× | | | | geomean ≤ 1.25×: $within; < V8 on each: $below_v8 | |"$'\n'
  KERNEL_ROWS="$rows"
}

# ---------------------------------------------------------------------------------------
# Components for the agent: the four samples and six more copies, each with its own AOT
# object, tier: aot.

COMPONENT_SET_ERROR=""
aot_component() { # dir name wasm manifest: copies the module, builds its AOT object, writes its manifest
  local dir="$1" name="$2" wasm="$3" manifest="$4"
  [ -f "$wasm" ] && [ -f "$manifest" ] || { COMPONENT_SET_ERROR="$(rel "$wasm") or $(rel "$manifest") missing"; return 1; }
  cp "$wasm" "$dir/$name.wasm"
  if ! "$KEEL_AOT" "$dir/$name.wasm" -o "$dir/$name.so" >"$TMP/keel-aot.log" 2>&1; then
    COMPONENT_SET_ERROR="keel-aot $(basename "$wasm") failed: $(tail -1 "$TMP/keel-aot.log")"
    return 1
  fi
  sed -e "s/^name: .*/name: $name/" -e "s/^module: .*/module: $name.wasm\naot: $name.so/" \
      -e "s/^tier: .*/tier: aot/" "$manifest" >"$dir/$name.yaml"
  grep -q '^aot:' "$dir/$name.yaml" || printf 'aot: %s.so\n' "$name" >>"$dir/$name.yaml"
  grep -q '^tier:' "$dir/$name.yaml" || printf 'tier: aot\n' >>"$dir/$name.yaml"
}

make_component_set() {
  local dir="$TMP/components" src="$BUILD/components" copy name base
  mkdir -p "$dir"
  # name-of-copy:sample
  local set=(hello:hello echo:echo counter:counter hash:hash hello-2:hello hello-3:hello
             echo-2:echo echo-3:echo counter-2:counter hash-2:hash)
  for copy in "${set[@]}"; do
    name="${copy%%:*}"; base="${copy#*:}"
    aot_component "$dir" "$name" "$src/$base.wasm" "$src/$base.yaml" || return 1
  done
  COMPONENTS="$dir"
  # The data plane's set: echo (Keel handler), hello (WAGI, a stderr line per request)
  # and hello-quiet (the same guest without it), all on the AOT tier.
  dir="$TMP/dp-components"; mkdir -p "$dir"
  aot_component "$dir" echo "$src/echo.wasm" "$src/echo.yaml" || return 1
  aot_component "$dir" hello "$src/hello.wasm" "$src/hello.yaml" || return 1
  aot_component "$dir" hello-quiet "$BB/components/hello-quiet.wasm" "$src/hello.yaml" || return 1
  DP_COMPONENTS="$dir"
}

agent_unavailable() {
  [ -n "$AGENT_BUILD_ERROR" ] && { echo "$AGENT_BUILD_ERROR"; return 0; }
  [ -x "$AGENT" ] || { echo "$(rel "$AGENT") missing"; return 0; }
  "$AGENT" --help 2>&1 | grep -q -- '--components' \
    || { echo "keel-agent has no --components yet"; return 0; }
  [ -n "$COMPONENT_SET_ERROR" ] && { echo "$COMPONENT_SET_ERROR"; return 0; }
  return 1
}

PORT_NEXT=$((20000 + RANDOM % 20000))
pick_port() { # VAR: the next port nothing listens on (never one handed out before)
  while (exec 3<>"/dev/tcp/127.0.0.1/$PORT_NEXT") 2>/dev/null; do PORT_NEXT=$((PORT_NEXT + 1)); done
  printf -v "$1" '%s' "$PORT_NEXT"
  PORT_NEXT=$((PORT_NEXT + 1))
}

wait_http() { # url seconds: until 200
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$1")" = 200 ] && return 0
    sleep 0.05
  done
  return 1
}

AGENT_PID=""
start_agent() { # http-port admin-port [components-dir]: on the server CPU
  local data="$TMP/agent-data"
  mkdir -p "$data"
  "${SERVER_PIN[@]}" "$AGENT" --name bench --region local --data-dir "$data" --components "${3:-$COMPONENTS}" \
    --http "127.0.0.1:$1" --admin "127.0.0.1:$2" >>"$TMP/agent.log" 2>&1 &
  AGENT_PID=$!
  PIDS+=("$AGENT_PID")
  wait_http "http://127.0.0.1:$2/readyz" 15 && wait_http "http://127.0.0.1:$1/echo/" 5
}
stop_pid() { [ -n "$1" ] && kill "$1" 2>/dev/null && wait "$1" 2>/dev/null; return 0; }

# ---------------------------------------------------------------------------------------
# b. Data plane

to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
  if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000; printf "%.3f", n }'; }
median_of() { sort -n | awk '{ v[++n] = $1 } END { if (!n) exit; print (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }'; }

wrk_row() { # label url -> "rps|p50|p99|errors|rps-min|rps-max" (medians of DP_RUNS runs)
  local out i rps=() p50=() p99=() errs=0
  "${LOAD_PIN[@]}" wrk -t1 -c32 -d2s "$2" >/dev/null 2>&1 # warm-up (and the agent's inline promotion)
  for i in $(seq 1 "$DP_RUNS"); do
    out="$("${LOAD_PIN[@]}" wrk -t1 -c32 -d"${WRK_SECONDS}s" --latency "$2" 2>&1)"
    echo "$out" >"$TMP/wrk-$1-$i.txt"
    rps+=("$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")")
    p50+=("$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")")
    p99+=("$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")")
    errs=$((errs + $(awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' <<<"$out")))
  done
  [ -n "${rps[0]}" ] || return 0
  printf '%s|%s|%s|%s|%s|%s\n' "$(printf '%s\n' "${rps[@]}" | median_of)" "$(printf '%s\n' "${p50[@]}" | median_of)" \
    "$(printf '%s\n' "${p99[@]}" | median_of)" "$errs" "$(printf '%s\n' "${rps[@]}" | sort -n | head -1)" \
    "$(printf '%s\n' "${rps[@]}" | sort -n | tail -1)"
}

# Latency at one offered rate: h2load (HTTP/1.1) with 32 connections, each paced at RATE/32
# requests a second (--rps), for PACED_SECONDS. -> "achieved|p50|p99|errors" (percentiles over
# every request, from h2load's per-request log).
paced_row() { # label url rate
  command -v h2load >/dev/null || return 0
  local out log a b
  log="$TMP/h2load-$1-$3.log"; rm -f "$log"
  # The connections start 1 ms apart, so their paced requests interleave rather than
  # arrive in bursts of 32.
  out="$("${LOAD_PIN[@]}" h2load --h1 -c32 --rps=$(( $3 / 32 )) -r 1 --rate-period=1ms -n $(( $3 * PACED_SECONDS )) \
           --log-file="$log" "$2" 2>&1)"
  echo "$out" >"$TMP/h2load-$1-$3.txt"
  read -r a b <<<"$(awk '{ print $3 }' "$log" 2>/dev/null | sort -n | awk '{ v[++n] = $1 } END { if (n) printf "%.3f %.3f", v[int(n * 0.5) + 1] / 1000, v[int(n * 0.99) + 1] / 1000 }')"
  [ -n "$b" ] || return 0
  printf '%s|%s|%s|%s\n' "$(awk '/^finished in/ { printf "%.0f", $4 }' <<<"$out")" "$a" "$b" \
    "$(awk '/^requests:/ { n += $10 + $12 + $14 } /^status codes:/ { n += $5 + $7 + $9 } END { print n + 0 }' <<<"$out")"
}

paced_rows() { # label url -> one result per rate in PACED_RATES, in PACED[label:rate]
  local r
  for r in "${PACED_RATES[@]}"; do PACED["$1:$r"]="$(paced_row "$1" "$2" "$r")"; done
}

dataplane_section() {
  DP_ROWS=""; DP_BODY="-"; DP_DROPPED=""; PACED_ROWS=""; PACED_RATES=(); declare -gA PACED=()
  local why
  if ! command -v wrk >/dev/null; then
    DP_ROWS="| all | $(nm "wrk is not installed") | | | | | |"$'\n'; return
  fi
  if why="$(agent_unavailable)"; then
    DP_ROWS+="| keel-agent | $(nm "$why") | | | | | |"$'\n'
    return
  fi
  local hp ap np jp body
  pick_port hp; pick_port ap
  if ! start_agent "$hp" "$ap" "$DP_COMPONENTS"; then
    DP_ROWS+="| keel-agent | $(nm "the agent did not answer /echo/ (log: $(tail -1 "$TMP/agent.log"))") | | | | | |"$'\n'
    stop_pid "$AGENT_PID"; return
  fi
  # echo's answer to exactly what wrk sends (GET, Host only) is the body the peers return.
  body="$TMP/www/echo/index.html"; mkdir -p "$(dirname "$body")"
  curl -s -H 'User-Agent:' -H 'Accept:' -o "$body" "http://127.0.0.1:$hp/echo/"
  DP_BODY="$(stat -c %s "$body")"
  local echo_r="" quiet_r="" hello_r="" nginx_r="" node_r=""
  log "data plane: keel-agent echo, hello-quiet, hello (body $DP_BODY bytes; $DP_RUNS runs of ${WRK_SECONDS}s each)"
  echo_r="$(wrk_row echo "http://127.0.0.1:$hp/echo/")"
  quiet_r="$(wrk_row hello-quiet "http://127.0.0.1:$hp/hello-quiet/")"
  hello_r="$(wrk_row hello "http://127.0.0.1:$hp/hello/")"
  # The rates for the latency comparison: a quarter, half and three quarters of what the
  # slowest agent row sustained, so that every server gets the same load and the curve
  # shows where the tail starts to grow.
  local slowest
  slowest="$(printf '%s\n' "${echo_r%%|*}" "${quiet_r%%|*}" "${hello_r%%|*}" | grep -E '^[0-9]+$' | sort -n | head -1)"
  if [ -n "$slowest" ] && command -v h2load >/dev/null; then
    PACED_RATES=($(( slowest / 4 / 32 * 32 )) $(( slowest / 2 / 32 * 32 )) $(( slowest * 3 / 4 / 32 * 32 )))
    log "data plane: latency at ${PACED_RATES[*]} requests/s (h2load), keel-agent"
    paced_rows echo "http://127.0.0.1:$hp/echo/"
    paced_rows hello-quiet "http://127.0.0.1:$hp/hello-quiet/"
    paced_rows hello "http://127.0.0.1:$hp/hello/"
  fi
  DP_DROPPED="$(curl -s "http://127.0.0.1:$ap/metrics" | awk '/^keel_agent_component_log_lines_dropped_total\{component="hello"\}/ { printf "%.0f", $2 }')"
  stop_pid "$AGENT_PID"

  pick_port np
  if [ -x "$NGINX" ]; then
    mkdir -p "$TMP/nginx"
    # One worker answering from its configuration: nginx at its fastest for a fixed body.
    # Single quotes hold echo's JSON as it is (it contains none).
    {
      printf 'daemon off;\nworker_processes 1;\npid %s/nginx/nginx.pid;\n' "$TMP"
      printf 'error_log %s/nginx/error.log warn;\nevents { worker_connections 1024; }\n' "$TMP"
      printf 'http {\n  access_log off;\n  default_type application/json;\n  keepalive_requests 1000000;\n'
      local t
      for t in client_body proxy fastcgi uwsgi scgi; do printf '  %s_temp_path %s/nginx/%s;\n' "$t" "$TMP" "$t"; done
      printf '  server {\n    listen 127.0.0.1:%s;\n    location = /echo/ { return 200 '"'"'%s'"'"'; }\n  }\n}\n' \
        "$np" "$(cat "$body")"
    } >"$TMP/nginx/nginx.conf"
    "${SERVER_PIN[@]}" "$NGINX" -c "$TMP/nginx/nginx.conf" -p "$TMP/nginx" >"$TMP/nginx/out.log" 2>&1 &
    local ngx=$!; PIDS+=("$ngx")
    if wait_http "http://127.0.0.1:$np/echo/" 10; then
      log "data plane: nginx"
      nginx_r="$(wrk_row nginx "http://127.0.0.1:$np/echo/")"
      [ ${#PACED_RATES[@]} -gt 0 ] && paced_rows nginx "http://127.0.0.1:$np/echo/"
    fi
    stop_pid "$ngx"
  fi
  pick_port jp
  if command -v node >/dev/null; then
    "${SERVER_PIN[@]}" node "$ROOT/bench/node/server.mjs" "$jp" "$body" >"$TMP/node.log" 2>&1 &
    local nd=$!; PIDS+=("$nd")
    if wait_http "http://127.0.0.1:$jp/echo/" 10; then
      log "data plane: Node.js"
      node_r="$(wrk_row node "http://127.0.0.1:$jp/echo/")"
    fi
    stop_pid "$nd"
  fi

  local nginx_rps=""
  [ -n "$nginx_r" ] && nginx_rps="${nginx_r%%|*}"
  AGENT_RPS="${echo_r%%|*}"
  dp_row() { # label result why-missing [target-ratio]
    local rps p50 p99 errs lo hi vs met=""
    if [ -z "$2" ]; then DP_ROWS+="| $1 | $(nm "$3") | | | | | |"$'\n'; return; fi
    IFS='|' read -r rps p50 p99 errs lo hi <<<"$2"
    vs="$(ratio "$rps" "$nginx_rps")"
    if [ -n "${4:-}" ] && [ -n "$nginx_rps" ]; then
      met="≥ ${4}×: $(awk -v r="$vs" -v t="$4" 'BEGIN { print (r >= t) ? "met" : "not met" }')"
    fi
    DP_ROWS+="| $1 | $rps ($lo–$hi) | $(printf %.2f "$p50") ms | $(printf %.2f "$p99") ms | ${vs}× | $errs | $met |"$'\n'
  }
  dp_row "nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'), 1 worker, \`return 200\`" "${nginx_r:-}" "nginx is not installed or did not start"
  dp_row "Node.js $(node --version 2>/dev/null), \`http.createServer\`" "${node_r:-}" "node is not installed or did not start"
  dp_row "keel-agent, Keel handler \`echo\`" "$echo_r" "no answer from /echo/" 0.8
  dp_row "keel-agent, WAGI \`hello-quiet\` (an instance per request)" "$quiet_r" "no answer from /hello-quiet/" 0.4
  dp_row "keel-agent, WAGI \`hello\` (and a stderr line per request)" "$hello_r" "no answer from /hello/" 0.4

  paced_table_row() { # label key [judge]
    local r row="| $1 |" achieved p50 p99 errs np99 vs met=() missed=()
    for r in "${PACED_RATES[@]}"; do
      if [ -z "${PACED["$2:$r"]:-}" ]; then row+=" $(nm "no answer") |"; missed+=("$r"); continue; fi
      IFS='|' read -r achieved p50 p99 errs <<<"${PACED["$2:$r"]}"
      np99=""; [ -n "${PACED["nginx:$r"]:-}" ] && IFS='|' read -r _ _ np99 _ <<<"${PACED["nginx:$r"]}"
      vs="$(ratio "$p99" "$np99")"
      row+=" $(printf %.2f "$p50") / $(printf %.2f "$p99") ms (${vs}×$( [ "$errs" != 0 ] && echo ", $errs errors")) |"
      if [ -n "$np99" ]; then
        if awk -v a="$p99" -v n="$np99" 'BEGIN { exit !(a <= 2 * n) }'; then met+=("$r"); else missed+=("$r"); fi
      fi
    done
    local verdict=""
    if [ -n "${3:-}" ]; then
      [ ${#met[@]} -gt 0 ] && verdict="met at ${met[*]}"
      [ ${#missed[@]} -gt 0 ] && verdict+="${verdict:+; }not met at ${missed[*]}"
    fi
    PACED_ROWS+="$row $verdict |"$'\n'
  }
  if [ ${#PACED_RATES[@]} -gt 0 ]; then
    paced_table_row "nginx, 1 worker, \`return 200\`" nginx
    paced_table_row "keel-agent, Keel handler \`echo\`" echo judge
    paced_table_row "keel-agent, WAGI \`hello-quiet\`" hello-quiet judge
    paced_table_row "keel-agent, WAGI \`hello\`" hello judge
  fi
}

# ---------------------------------------------------------------------------------------
# c. Cold start

coldstart_section() {
  COLD_ROWS=""
  local why out port
  if why="$(agent_unavailable)"; then
    COLD_ROWS="| keel-agent, 10 components, AOT | $(nm "$why") | | | |"$'\n'; return
  fi
  local data="$TMP/cold-data"; mkdir -p "$data"
  pick_port port
  # coldstart uses port+1 .. port+RUNS+1 for the agent's runs: keep them for it.
  PORT_NEXT=$((PORT_NEXT + COLD_RUNS + 2))
  local args=("$AGENT" --name bench --region local --data-dir "$data" --components "$COMPONENTS"
              --http "127.0.0.1:{PORT}" --admin 127.0.0.1:0)
  # One untimed run first: it makes the node key in the data dir (as a first boot would).
  "$BB/coldstart" 1 "$port" /hello/ "$TMP/cold.log" -- "${args[@]}" >/dev/null 2>&1
  log "cold start: keel-agent, $COLD_RUNS runs"
  out="$("$BB/coldstart" "$COLD_RUNS" "$((port + 1))" /hello/ "$TMP/cold.log" -- "${args[@]}" 2>&1)"
  cold_row "keel-agent, 10 components (AOT), \`/hello/\`" "$out" "≤ 5 ms"
  # The same agent with nothing to load: what the components add, and what is the rest.
  mkdir -p "$TMP/no-components"
  pick_port port
  PORT_NEXT=$((PORT_NEXT + COLD_RUNS + 2))
  args=("$AGENT" --name bench --region local --data-dir "$data" --components "$TMP/no-components"
        --http "127.0.0.1:{PORT}" --admin 127.0.0.1:0)
  log "cold start: keel-agent without components, $COLD_RUNS runs"
  out="$("$BB/coldstart" "$COLD_RUNS" "$port" / "$TMP/cold.log" -- "${args[@]}" 2>&1)"
  cold_row "keel-agent, no components, \`/\`" "$out" "reference"

  if [ -x "$NGINX" ] && [ -d "$TMP/www" ]; then
    # Same tool; nginx listens on a fixed port, so every run uses port+0 of a config each.
    log "cold start: nginx"
    pick_port port
    sed "s/listen 127.0.0.1:[0-9]*;/listen 127.0.0.1:$port;/" "$TMP/nginx/nginx.conf" >"$TMP/nginx/cold.conf"
    out="$(for _ in $(seq 1 "$COLD_RUNS"); do "$BB/coldstart" 1 "$port" /echo/ "$TMP/cold.log" -- \
             "$NGINX" -c "$TMP/nginx/cold.conf" -p "$TMP/nginx" 2>&1 | grep '^run'; done)"
    cold_row "nginx, 1 worker, \`return\`" "$(summarise_runs "$out")" "peer"
  fi
  if command -v node >/dev/null && [ -f "$TMP/www/echo/index.html" ]; then
    log "cold start: Node.js"
    pick_port port
    PORT_NEXT=$((PORT_NEXT + COLD_RUNS))
    out="$("$BB/coldstart" "$COLD_RUNS" "$port" /echo/ "$TMP/cold.log" -- \
             "$(command -v node)" "$ROOT/bench/node/server.mjs" "{PORT}" "$TMP/www/echo/index.html" 2>&1)"
    cold_row "Node.js http.createServer" "$out" "peer"
  fi
}
summarise_runs() { # "run i: X ms" lines -> coldstart's summary line
  awk '/^run/ { print $3 }' <<<"$1" | sort -n | awk '{ v[++n] = $1 } END { if (!n) exit;
    m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2;
    printf "median_ms=%.3f min_ms=%.3f max_ms=%.3f runs=%d\n", m, v[1], v[n], n }'
}
cold_row() { # label coldstart-output target
  local med mn mx
  med="$(field median_ms "$2")"; mn="$(field min_ms "$2")"; mx="$(field max_ms "$2")"
  if [ -z "$med" ]; then COLD_ROWS+="| $1 | $(nm "$(tail -1 <<<"$2")") | | | $3 |"$'\n'; return; fi
  local met=""
  case "$3" in "≤ "*" ms") met=" ($(awk -v m="$med" -v t="$(tr -dc '0-9.' <<<"$3")" 'BEGIN { print (m <= t) ? "met" : "not met" }'))" ;; esac
  COLD_ROWS+="| $1 | $(printf %.1f "$med") ms | $(printf %.1f "$mn") ms | $(printf %.1f "$mx") ms | $3$met |"$'\n'
}

# ---------------------------------------------------------------------------------------
# d. RSS

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
# Pages only this process holds (USS: private clean + dirty) and its proportional share
# of the shared ones (PSS): VmRSS also counts every page of libc and libstdc++ it maps.
uss_kib() { awk '/^Private_(Clean|Dirty):/ { n += $2 } END { print n }' "/proc/$1/smaps_rollup" 2>/dev/null; }
pss_kib() { awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null; }
metric_rss() { curl -s --max-time 2 "http://127.0.0.1:$1/metrics" | awk '/^process_resident_memory_bytes/ { printf "%.0f", $2 / 1024 }'; }
mib() { awk -v k="$1" 'BEGIN { if (k == "") print "-"; else printf "%.1f MiB", k / 1024 }'; }

rss_section() {
  RSS_ROWS=""
  local why
  if why="$(agent_unavailable)"; then RSS_ROWS="| keel-agent, 10 components | $(nm "$why") | | |"$'\n'; return; fi
  local hp ap
  pick_port hp; pick_port ap
  if ! start_agent "$hp" "$ap"; then
    RSS_ROWS="| keel-agent, 10 components | $(nm "the agent did not start (log: $(tail -1 "$TMP/agent.log"))") | | |"$'\n'
    stop_pid "$AGENT_PID"; return
  fi
  sleep 2
  local idle idle_m
  idle="$(rss_kib "$AGENT_PID")"; idle_m="$(metric_rss "$ap")"
  local idle_uss idle_pss
  idle_uss="$(uss_kib "$AGENT_PID")"; idle_pss="$(pss_kib "$AGENT_PID")"
  RSS_ROWS+="| 10 components loaded, idle (before any request but the readiness probe) | $(mib "$idle") | $(mib "$idle_m") | ≤ 6 MB: $(awk -v k="$idle" 'BEGIN { print (k <= 6 * 1000 * 1000 / 1024) ? "met" : "not met" }') |"$'\n'
  RSS_ROWS+="| the same, private to the agent (USS) / its share of shared pages included (PSS) | $(mib "$idle_uss") / $(mib "$idle_pss") | | |"$'\n'
  # One request to each component, then a short warm-up on echo, so that "before" has
  # every instance and the server's buffers in place.
  local c
  for c in hello echo counter hash hello-2 hello-3 echo-2 echo-3 counter-2 hash-2; do
    curl -s -o /dev/null "http://127.0.0.1:$hp/$c/"
  done
  if ! command -v wrk >/dev/null; then
    RSS_ROWS+="| growth over $RSS_REQUESTS requests | $(nm "wrk is not installed") | | |"$'\n'
    stop_pid "$AGENT_PID"; return
  fi
  "${LOAD_PIN[@]}" wrk -t1 -c32 -d3s "http://127.0.0.1:$hp/echo/" >/dev/null 2>&1
  sleep 1
  local before before_m after after_m out done_n
  before="$(rss_kib "$AGENT_PID")"; before_m="$(metric_rss "$ap")"
  # wrk runs for its whole -d even after the script stops every thread, so -d comes from
  # the rate measured in part b (plus 25 %), capped at BENCH_RSS_SECONDS.
  local secs
  secs="$(awk -v n="$RSS_REQUESTS" -v r="${AGENT_RPS:-0}" -v cap="$RSS_SECONDS" \
            'BEGIN { s = r > 0 ? int(1.25 * n / r) + 3 : cap; print (s > cap) ? cap : s }')"
  log "RSS: $RSS_REQUESTS requests to echo (wrk -d${secs}s)"
  out="$(BENCH_REQUESTS="$RSS_REQUESTS" BENCH_THREADS=1 "${LOAD_PIN[@]}" wrk -t1 -c32 -d"${secs}s" \
           -s "$ROOT/bench/tools/stop-after.lua" "http://127.0.0.1:$hp/echo/" 2>&1)"
  echo "$out" >"$TMP/wrk-rss.txt"
  done_n="$(awk '/requests in/ { print $1 }' <<<"$out")"
  sleep 1
  after="$(rss_kib "$AGENT_PID")"; after_m="$(metric_rss "$ap")"
  stop_pid "$AGENT_PID"
  RSS_ROWS+="| after warm-up (one request per component + 3 s of wrk on \`echo\`) | $(mib "$before") | $(mib "$before_m") | |"$'\n'
  RSS_ROWS+="| after ${done_n:-?} more requests to echo | $(mib "$after") | $(mib "$after_m") | ≤ 6 MB: $(awk -v k="$after" 'BEGIN { print (k <= 6 * 1000 * 1000 / 1024) ? "met" : "not met" }') |"$'\n'
  RSS_ROWS+="| **growth** over those requests | **$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%+d KiB", a - b }')** | $(awk -v a="$after_m" -v b="$before_m" 'BEGIN { if (a == "" || b == "") print "-"; else printf "%+d KiB", a - b }') | < 1 MB: $(awk -v a="$after" -v b="$before" 'BEGIN { print (a - b < 1000 * 1000 / 1024) ? "met" : "not met" }') |"$'\n'
}

# ---------------------------------------------------------------------------------------
# e. Size

size_section() {
  SIZE_ROWS=""
  if [ ! -x "$AGENT" ]; then SIZE_ROWS="| keel-agent | $(nm "$(rel "$AGENT") missing") | |"$'\n'; return; fi
  local stage="$TMP/install" bytes
  # As it is packaged: cmake --install --strip of the agent's component (packaging/package.sh).
  if cmake --install "$BUILD" --component agent --strip --prefix "$stage" >"$TMP/install.log" 2>&1 \
     && [ -f "$stage/bin/keel-agent" ]; then
    bytes="$(stat -c %s "$stage/bin/keel-agent")"
    SIZE_ROWS+="| \`keel-agent\` as installed (\`cmake --install --component agent --strip\`) | $(awk -v b="$bytes" 'BEGIN { printf "%.2f MB", b / 1e6 }') | ≤ 8 MB: $(awk -v b="$bytes" 'BEGIN { print (b <= 8e6) ? "met" : "not met" }') |"$'\n'
  else
    SIZE_ROWS+="| \`keel-agent\` as installed | $(nm "cmake --install failed: $(tail -1 "$TMP/install.log")") | |"$'\n'
  fi
  SIZE_ROWS+="| \`keel-agent\` in the build (with debug information) | $(awk -v b="$(stat -c %s "$AGENT")" 'BEGIN { printf "%.1f MB", b / 1e6 }') | |"$'\n'
  SIZE_ROWS+="| its shared libraries (\`ldd\`) | $(ldd "$AGENT" | awk '$1 !~ /vdso/ { print $1 }' | tr '\n' ' ') | |"$'\n'
}

# ---------------------------------------------------------------------------------------

write_doc() {
  local cpu mem
  cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  mem="$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  # The console's sections are written by their own scripts (bench/console-*/run.sh):
  # kept as they are, after this run's sections.
  local console=""
  [ -f "$DOC" ] && console="$(python3 - "$DOC" <<'PY'
import re, sys
doc = open(sys.argv[1]).read()
print(''.join(m.group(0) for m in re.finditer(r'^## Console .*?(?=^## |\Z)', doc, re.S | re.M)), end='')
PY
)"
  cat >"$DOC" <<EOF
# Benchmarks

Written by \`bench/run.sh\` (do not edit by hand: run it again). All five parts ran side by
side in one run on one machine; shared machines are noisy, so these are a record of one
run, not assertions (the test suite checks behaviour, never timings).

- **Date:** $RUN_DATE
- **Command:** \`$RUN_COMMAND\` (in the repository root; $RUN_SECONDS s)
- **Machine:** $(nproc) CPUs, $cpu, $mem RAM, Linux $(uname -r); load average at the start: $LOAD_START
- **Tools:** $(gcc --version | head -1); $(clang-14 --version | head -1); Node.js $(node --version 2>/dev/null || echo "-"); $( { "$NGINX" -v 2>&1 || echo "nginx -"; } | head -1); $(wrk --version 2>&1 | head -1 | awk '{ print $1, $2 }')
- **Keel:** ${KEEL_DESCRIBE}, build in \`$(rel "$BUILD")\`

## a. Compute kernels

Each kernel (\`bench/kernels/\`, plain C) exports \`uint32_t run(uint32_t iterations)\` and
returns a checksum over all its work. The same source is built four ways:

- **native** (the baseline): \`clang-14 -O2 -std=c11 -shared -fPIC\`, loaded with \`dlopen\`.
  The \`.wasm\` is built by clang-14 -O2, so this is the same C through the same compiler
  and optimisation level, only targeting this CPU instead of wasm32: the ratio measures what
  the WebAssembly route costs, not the difference between two C compilers;
- **gcc**: the same with \`gcc -O2\`, as a second native reference (its ratio to the
  baseline is shown). Neither native build is tuned for the host (\`-march\` default,
  x86-64 baseline: SSE2) and both may auto-vectorise; WebAssembly built without
  \`-msimd128\` (wasm2c 1.0.32 cannot translate SIMD) is scalar on every tier;
- **AOT**: \`clang-14 --target=wasm32-wasi -O2\` (the project's \`keel_add_wasm_component\`,
  reactor, no imports), then \`keel-aot\` with its defaults (\`-O2\`, guard pages, C compiler
  \`$(aot_compiler)\`: $("$(aot_compiler)" --version 2>/dev/null | head -1)), loaded by \`keel_aot_load\`'s \`AotObject\`/\`AotInstance\` exactly as the
  agent does;
- **AOT (gcc)**: the same object built with \`keel-aot --cc gcc\` ($(gcc --version 2>/dev/null | head -1));
- **interpreter**: the same \`.wasm\` on \`keel_runtime\`'s \`InterpEngine\` (WABT's interpreter);
- **Node.js**: the same \`.wasm\` in V8 (\`bench/node/runkernel.mjs\`).

\`bench/out/build/kernelbench\` (native, AOT, interpreter) and \`runkernel.mjs\` make one untimed
warm-up call and then $RUNS timed calls in one process, every one pinned to the same CPU
(${PIN_CPU:+CPU $PIN_CPU, }\`taskset\`; this machine's CPUs are not equally fast); the table gives the
**median** wall time of one call and, in parentheses, its ratio to native; "spread" gives the
fastest and slowest of the timed calls, native and AOT. The interpreter is too slow for
the full N: it runs N/k (k = 12–50) three times and its median is scaled back to N.
"Checksums" says whether every tier computed the native checksum (the interpreter compared
with native at its smaller N).

| kernel | work | native (clang-14) | gcc | AOT | AOT (gcc) | Node.js | interpreter | spread: native; AOT | AOT < V8 | checksums |
|---|---|---|---|---|---|---|---|---|---|---|
${KERNEL_ROWS}
Targets (for the default AOT object): the geometric mean of AOT/native over the kernels at most
1.25×, and AOT faster than V8 (Node.js, same \`.wasm\`) on each kernel.

## b. Data plane

One server at a time on CPU ${SERVER_CPU:-any} (\`taskset\`), \`wrk -t1 -c32 -d${WRK_SECONDS}s --latency\`
on CPU ${LOAD_CPU:-any} against it over loopback: each peer at its best on this machine, one
thread serving, one thread loading. After 2 s of warm-up, ${DP_RUNS} runs; the table gives the
median requests/s (with the lowest and highest run), the median p50 and p99:

- **nginx** from Debian: \`worker_processes 1\`, \`access_log off\`, \`location = /echo/ { return
  200 '...'; }\` with exactly echo's response body to wrk's request ($DP_BODY bytes);
- **Node.js** \`http.createServer\` (\`bench/node/server.mjs\`) answering the same bytes;
- **keel-agent** \`--components DIR\` serving, each on the AOT tier (object by \`keel-aot\`):
  \`echo\`, a Keel handler (a long-lived instance; the request encoded into its memory, the
  answer decoded out of it); \`hello-quiet\`, a WAGI command (the \`hello\` sample built with \`-DHELLO_QUIET\`: a fresh
  instance of the module for every request, from the pooled, pre-initialised image, CGI
  environment in, stdout out); and the \`hello\` sample, which also writes a stderr line per
  request (buffered and rate-limited per component: ${DP_DROPPED:-0} lines dropped and counted
  in \`keel_agent_component_log_lines_dropped_total\` during its runs).

"errors" counts non-2xx answers and socket errors over all runs.

| server | requests/s (range) | p50 | p99 | vs nginx | errors | targets |
|---|---|---|---|---|---|---|
${DP_ROWS}
**Latency at the same load.** With a fixed number of connections each waiting for its
answer, as above, a server's latency is the number of connections divided by its
throughput: a server at 0.4× nginx's requests/s has about 2.5× its latency by arithmetic,
so the p99 column above compares the servers at different loads. The p99 target is
judged here instead, with every server given the same requests/s, at a quarter, half and
three quarters of what the slowest agent row sustained above (${PACED_RATES[*]:-not measured}
requests/s): \`h2load --h1 -c32 --rps=RATE/32 -r 1 --rate-period=1ms -n RATE×${PACED_SECONDS}\` on CPU
${LOAD_CPU:-any} (32 connections, each paced at its share of the rate and started 1 ms
apart, so that their requests interleave rather than arrive together), one run of
${PACED_SECONDS} s per server and rate; p50 and p99 over every request of the run, from
h2load's per-request log (\`--log-file\`), and the p99 as a multiple of nginx's at the same rate.
On this machine the CPU's speed moves by a third from minute to minute, so a rate that
is three quarters of the capacity measured a minute before may be all of it now.

| server | p50 / p99 at ${PACED_RATES[0]:-} req/s | at ${PACED_RATES[1]:-} req/s | at ${PACED_RATES[2]:-} req/s | p99 ≤ 2× nginx's |
|---|---|---|---|---|
${PACED_ROWS:-| all | not measured: h2load is not installed | | | |
}
Targets: the Keel handler at ≥ 0.8× nginx's requests/s, WAGI at ≥ 0.4×, and a p99 no worse
than twice nginx's at the same load.
Where the agent's time per request goes, and what the targets not met would take:
\`docs/ARCHITECTURE.md\`, "The data plane per request".

## c. Cold start

\`bench/tools/coldstart.c\` takes the time, \`posix_spawn\`s the server, then connects to it and
sends \`GET\` in a tight loop (100 µs between refused attempts) until an answer starts with
\`HTTP/1.1 200\`; then it stops the server and waits for it. ${COLD_RUNS} runs each (the
agent after one untimed run that creates its node key, as a first boot would). The agent
runs with 10 components from \`--components DIR\` (hello, echo, counter, hash and two or
three copies of each under other names, every one with its own AOT object and
\`tier: aot\`), no control plane; and, for reference, with none.

| server | median | min | max | target |
|---|---|---|---|---|
${COLD_ROWS}
What the cold start is made of, and what was done about it: \`docs/ARCHITECTURE.md\`,
"Agent start-up".

## d. Memory

The agent with the same 10 components; VmRSS from \`/proc/PID/status\` and the agent's own
\`process_resident_memory_bytes\` from \`/metrics\`. Then ${RSS_REQUESTS} requests to \`echo\`
(\`wrk -t1 -c32\` with \`bench/tools/stop-after.lua\`, bounded to ${RSS_SECONDS} s).

| state | VmRSS | process_resident_memory_bytes | target |
|---|---|---|---|
${RSS_ROWS}
Targets: ≤ 6 MB with 10 components idle; flat (growth < 1 MB) over a million requests.

## e. Size

| binary | size | target |
|---|---|---|
${SIZE_ROWS}
What the size is made of, and the trade-off the 8 MB target would take (OpenSSL shared,
slower to start): \`docs/ARCHITECTURE.md\`, "Agent start-up".

EOF
  if [ -n "$console" ]; then printf '\n%s\n' "$console" >>"$DOC"; fi
  log "wrote $DOC"
}

main() {
  local start=$SECONDS
  RUN_DATE="$(date -u '+%Y-%m-%d %H:%M UTC')"
  RUN_COMMAND="bench/run.sh"
  local v
  for v in KEEL_BUILD BENCH_RUNS BENCH_WRK_SECONDS BENCH_DP_RUNS BENCH_PACED_SECONDS BENCH_COLD_RUNS BENCH_RSS_REQUESTS BENCH_RSS_SECONDS BENCH_SKIP_BUILD; do
    # A path inside the repository is written relative to it (the record stays portable).
    [ -n "${!v:-}" ] && RUN_COMMAND="$v=$( [ "$v" = KEEL_BUILD ] && rel "$BUILD" || echo "${!v}") $RUN_COMMAND"
  done
  LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
  # Before anything is written: the document itself is opened for writing before its text
  # is expanded, which would make every tree look modified.
  KEEL_DESCRIBE="$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)"
  ensure_tools
  build_all
  make_component_set || log "component set: $COMPONENT_SET_ERROR"
  kernels_section
  dataplane_section
  coldstart_section
  rss_section
  size_section
  RUN_SECONDS=$((SECONDS - start))
  write_doc
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
