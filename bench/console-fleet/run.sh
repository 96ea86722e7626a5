#!/usr/bin/env bash
# Runs the console fleet-table and chart benchmark and writes its results into the
# "Console fleet table and charts" section of docs/benchmarks.md (that section only).
# Needs a build with the tests:
#   KEEL_BUILD=build bench/console-fleet/run.sh [--nodes N --regions R]
# QT_QPA_PLATFORM decides where it paints (default offscreen: software raster, no display).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${KEEL_BUILD:-$ROOT/build}"
DOC="${BENCH_OUTPUT:-$ROOT/docs/benchmarks.md}"
BIN="$BUILD/bin/keel-console-fleet-bench"
cmake --build "$BUILD" --target keel-console-fleet-bench >/dev/null
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
RESULT="$("$BIN" "$@")"
SECTION="$(mktemp)"
{
  echo "## Console fleet table and charts"
  echo
  echo "Written by \`bench/console-fleet/run.sh\` ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg),"
  echo "Keel $(git -C "$ROOT" describe --always --dirty), build \`$(basename "$BUILD")\` $(grep -m1 CMAKE_BUILD_TYPE: "$BUILD/CMakeCache.txt" | cut -d= -f2), QT_QPA_PLATFORM=$QT_QPA_PLATFORM)."
  echo
  echo "\`keel-console-fleet-bench\` fills the console's real models (NodeTableModel, RegionListModel,"
  echo "LiveMetrics) with a deterministic fleet (two components per node, one node in twenty"
  echo "unreachable, one in fifty behind its desired generation) and times the real widgets,"
  echo "each operation ending with a synchronous \`repaint()\` on Qt's software raster engine:"
  echo "the Fleet pane's first paint after the node list arrives (setNodes, one live reading per"
  echo "node, paint), sorting through the pane's proxy as a header click does, filtering by"
  echo "text, one metrics report from every node reaching the table (row-level dataChanged),"
  echo "and a TimeSeriesChart with 50 series of 5 minutes of points taking one more point per"
  echo "series (append, trim, rescale, paint). The models are fed directly, not through a"
  echo "control plane; the window system's flush is not included. Timings include whatever"
  echo "else ran on the machine (see the load average). The proxy sorts through"
  echo "\`NodeTableModel::lessThan\` (typed keys kept per row, no QVariant per comparison) and the"
  echo "columns fit their contents when rows arrive, not after every sort. The same console"
  echo "connected to a control plane with 10,000 simulated agents (\`keel-console-fleet-bench"
  echo "--server\`, with the metrics stream flowing) is measured by \`bench/fleet/run.sh\` in"
  echo "\"Control plane at scale\"."
  echo
  echo "$RESULT"
  echo
} > "$SECTION"
python3 "$ROOT/bench/write-section.py" "$DOC" "$SECTION"
rm -f "$SECTION"
echo "$RESULT"
