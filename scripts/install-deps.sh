#!/usr/bin/env bash
# Install the Debian packages kytos-event-bridge needs to build, test and run
# its local Kafka (scripts/kafka.sh). Idempotent: installed packages are left
# alone and `apt-get update` runs only when something is actually missing, so
# CI can call this on every run for the cost of a few dpkg queries.
#
# Usage: scripts/install-deps.sh [--dry-run] [--python]
#   --dry-run   only print what would be installed
#   --python    also pip, venv and the headers for Debian's python3, for a
#               virtual environment (scripts/python-env.sh asks for them when
#               python3 has no pip or is externally managed, PEP 668)
#
# Targets Debian 12 (bookworm). Needs root (or sudo).
set -euo pipefail

# Build toolchain and C++ libraries the bridge links against.
PACKAGES=(
  build-essential
  cmake
  ninja-build
  pkg-config
  librdkafka-dev # Kafka client (Debian 12 ships librdkafka 2.0.2)
  libre2-dev
  libmsgpack-cxx-dev
  libspdlog-dev
  rapidjson-dev
  libgtest-dev
  libgmock-dev
  kcat # command-line Kafka client for smoke tests against scripts/kafka.sh
  clang # libFuzzer targets (fuzz/, scripts/sanitize.sh)
  libclang-rt-14-dev
)

DRY_RUN=0
for arg in "$@"; do
  case "$arg" in
    --dry-run) DRY_RUN=1 ;;
    --python) PACKAGES+=(python3-pip python3-venv python3-dev) ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

log() { printf '[install-deps] %s\n' "$*"; }

is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

# Java and Maven are wanted as commands, not as particular packages: a JDK
# installed another way (the image's own, SDKMAN, ...) is fine if it is >= 17,
# the minimum for a Kafka 4.x broker.
java_major() {
  java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if command -v java >/dev/null 2>&1 && (($(java_major || echo 0) >= 17)); then
  log "java: $(java -version 2>&1 | head -n1) (ok)"
else
  log "java >= 17 not found: will install openjdk-17-jre-headless"
  missing+=(openjdk-17-jre-headless)
fi

if command -v mvn >/dev/null 2>&1; then
  log "mvn: $(mvn -v 2>/dev/null | head -n1 | sed 's/\x1b\[[0-9;]*m//g') (ok)"
else
  log "mvn not found: will install maven"
  missing+=(maven)
fi

if ((${#missing[@]} == 0)); then
  log "all ${#PACKAGES[@]} Debian packages already installed; nothing to do"
  exit 0
fi

log "missing: ${missing[*]}"
if ((DRY_RUN)); then
  log "dry run: not installing"
  exit 0
fi

SUDO=()
if ((EUID != 0)); then
  command -v sudo >/dev/null 2>&1 || { echo "[install-deps] error: need root or sudo" >&2; exit 1; }
  SUDO=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
log "apt-get update"
"${SUDO[@]}" apt-get update -q
log "apt-get install ${missing[*]}"
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
log "done"
