#!/usr/bin/env bash
# Builds Keel (packaging/build.sh) and packs stripped binaries, one tarball per part:
#   keel-agent-<version>-<arch>.tar.gz          bin/keel-agent (the edge daemon)
#   keel-controlplane-<version>-<arch>.tar.gz   bin/keel-controlplane, bin/keel-aot
#   keel-console-<version>-<arch>.tar.gz        bin/keel-console, bin/keelctl
# into OUTDIR (default build/packages). Each is `cmake --install --component <part>
# --strip`: no debug information ships (keep build/ for that).
#
#   packaging/package.sh [OUTDIR]
set -euo pipefail

KEEL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KEEL_BUILD="${KEEL_BUILD:-$KEEL_ROOT/build}"
OUTDIR="$(realpath -m "${1:-$KEEL_BUILD/packages}")"

# shellcheck source=build.sh
source "$KEEL_ROOT/packaging/build.sh"
keel_build

version="$(sed -n 's/^project(Keel VERSION \([0-9.]*\).*/\1/p' "$KEEL_ROOT/CMakeLists.txt")"
arch="$(uname -m)"
mkdir -p "$OUTDIR"
for part in agent controlplane console; do
  stage="$(mktemp -d)"
  cmake --install "$KEEL_BUILD" --component "$part" --strip --prefix "$stage/keel-$part-$version" >/dev/null
  tar -C "$stage" -czf "$OUTDIR/keel-$part-$version-$arch.tar.gz" "keel-$part-$version"
  rm -rf "$stage"
  echo "$OUTDIR/keel-$part-$version-$arch.tar.gz"
done
