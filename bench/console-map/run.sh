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
  echo "LiveMetrics with a request rate per region) with a deterministic fleet, shows the real"
  echo "MapPane and times each frame from the view change (pan, zoom, model change) to the end of"
  echo "a synchronous \`MapView::repaint()\`: building the frame (per-region aggregates, marker"
  echo "sizes, label placement, node spread when zoomed in), drawing the land (re-rendered into"
  echo "a pixmap whenever the view moved) and markers, labels and node dots, on Qt's software"
  echo "raster engine. Not included: the compositor and the window system's flush. The target"
  echo "is a median frame of at most 16 ms."
  echo
  echo "$RESULT"
  echo
} > "$SECTION"
# Replace the section (up to the next "## " heading) or append it.
python3 - "$DOC" "$SECTION" <<'PY'
import re, sys
doc_path, section_path = sys.argv[1], sys.argv[2]
doc = open(doc_path).read()
section = open(section_path).read()
pattern = re.compile(r'^## Console map\n.*?(?=^## |\Z)', re.S | re.M)
doc = pattern.sub(lambda m: section, doc) if pattern.search(doc) else doc.rstrip('\n') + '\n\n' + section
open(doc_path, 'w').write(doc)
PY
rm -f "$SECTION"
echo "$RESULT"
