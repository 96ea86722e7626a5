#!/usr/bin/env bash
# Installs the Debian 12 packages Keel builds, tests and runs with, when any is missing.
# Idempotent: a machine that has them all is left untouched (no apt-get call at all).
set -euo pipefail

KEEL_DEBIAN_PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config
  # Qt 6: control plane, keelctl, console, tests
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-websockets-dev qt6-qpa-plugins libqt6opengl6-dev
  libqt6sql6-sqlite libgl-dev
  # console: tokens in the platform keyring
  qtkeychain-qt6-dev
  # wire protocol, metrics, Wasm
  libprotobuf-dev protobuf-compiler prometheus-cpp-dev wabt
  # agent: node-local kv for components
  libsqlite3-dev
  # agent: lean networking stack, options, identity keys
  libboost1.81-dev libboost-program-options1.81-dev libsodium-dev
  # agent: wss:// to the control plane
  libssl-dev
  # manifests and topology files
  libyaml-cpp-dev
  # tests: promtool (Debian ships it only inside prometheus) checks the agent's /metrics
  prometheus
  # guest components (wasm32-wasi)
  clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32
  # the demo checks each agent's components over HTTP
  curl
  # tests make a TLS certificate for the control plane's wss:// listener
  openssl
  # headless runs of the console
  xvfb xauth
)

keel_missing_packages() {
  local missing=() p
  for p in "${KEEL_DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  echo "${missing[@]:-}"
}

keel_install_deps() {
  local missing
  missing=$(keel_missing_packages)
  [ -z "$missing" ] && return 0
  echo "keel: installing Debian packages: $missing"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  $sudo apt-get install -y -qq --no-install-recommends $missing
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  keel_install_deps
fi
