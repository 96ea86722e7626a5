#!/usr/bin/env bash
# Runs the console map benchmark and writes its results into the "Console map" section of
# docs/benchmarks.md (replacing that section only). Needs a build with the tests:
#   KEEL_BUILD=build bench/console-map/run.sh     (default build dir: build)
# QT_QPA_PLATFORM decides where it paints (default offscreen: software raster, no display).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${KEEL_BUILD:-$ROOT/build}"
DOC="${BENCH_OUTPUT:-$ROOT/docs/benchmarks.md}"
BIN="$BUILD/bin/keel-console-map-bench"
cmake --build "$BUILD" --target keel-console-map-bench >/dev/null
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
RESULT="$("$BIN" "$@")"
SECTION="$(mktemp)"
{
  echo "## Console map"
  echo
  echo "Written by \`bench/console-map/run.sh\` ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg),"
  echo "Keel $(git -C "$ROOT" describe --always --dirty), build \`$(basename "$BUILD")\` $(grep -m1 CMAKE_BUILD_TYPE: "$BUILD/CMakeCache.txt" | cut -d= -f2), QT_QPA_PLATFORM=$QT_QPA_PLATFORM)."
  echo
  echo "\`keel-console-map-bench\` fills the console's real models (NodeTableModel, RegionListModel,"
  echo "LiveMetrics with a request rate per region) with a deterministic fleet (regions scattered"
  echo "over the inhabited latitudes, 1-4 sites each, one node in twenty unreachable), shows the"
  echo "real MapPane and times each frame from the view change (pan, zoom, model change) to the"
  echo "end of a synchronous \`MapView::repaint()\` on Qt's software raster engine: building the"
  echo "frame (marker sizes from the per-region aggregates, label placement, the node spread when"
  echo "zoomed in) and painting land, markers, labels and node dots. The land is a pixmap 35%"
  echo "larger than the view on each side: a pan within that margin only moves it; a zoom step"
  echo "draws the last sharp land scaled and the outline is drawn again 150 ms after the last"
  echo "step (the \"land re-rendered\" row is that full cost). The window system's flush is not"
  echo "included. Target: a median frame of at most 16 ms. Timings include whatever else ran on"
  echo "the machine (see the load average)."
  echo
  echo "$RESULT"
  echo
} > "$SECTION"
python3 "$ROOT/bench/write-section.py" "$DOC" "$SECTION"
rm -f "$SECTION"
echo "$RESULT"
