#!/usr/bin/env bash
# The demo on a fresh machine: installs what it needs (Debian packages, the package
# with its consumer extra, into $PYTHON or build/venv: scripts/python-env.sh), then
# runs `event-bridge demo` on the embedded mock cluster. Extra arguments go to the
# demo (e.g. --bootstrap-servers 127.0.0.1:19092).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh >/dev/null
# shellcheck source=scripts/python-env.sh
. scripts/python-env.sh
python_env "$root"
"$PYTHON" -m pip install --quiet --disable-pip-version-check "scikit-build-core>=0.10" "pybind11>=2.12"
"$PYTHON" -m pip install --quiet --disable-pip-version-check --no-build-isolation ".[consumer]"
exec "$PYTHON" -m event_bridge.cli demo "$@"
