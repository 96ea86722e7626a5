#!/usr/bin/env bash
# Command two of the quick start: install what is missing, build, run every test.
# Exits non-zero when anything fails.
set -euo pipefail

source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/build.sh"
keel_build

cd "$KEEL_BUILD"
ctest --output-on-failure --parallel "${KEEL_JOBS:-2}" --timeout 300
