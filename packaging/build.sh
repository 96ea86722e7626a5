#!/usr/bin/env bash
# Installs missing Debian packages, configures and builds Keel into build/ (binaries in
# build/bin/). Idempotent: a second run only rebuilds what changed.
set -euo pipefail

KEEL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KEEL_BUILD="${KEEL_BUILD:-$KEEL_ROOT/build}"

# shellcheck source=deps.sh
source "$KEEL_ROOT/packaging/deps.sh"

keel_build() {
  keel_install_deps
  if [ ! -f "$KEEL_BUILD/build.ninja" ]; then
    cmake -S "$KEEL_ROOT" -B "$KEEL_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
  fi
  # Two jobs: the reference machine has two cores and each C++ job needs ~1 GB.
  cmake --build "$KEEL_BUILD" --parallel "${KEEL_JOBS:-2}"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  keel_build
fi
