# shellcheck shell=bash
# Sourced by scripts/test.sh and scripts/demo.sh (not run): `python_env ROOT` chooses
# the interpreter that pip installs into and everything after runs, and exports it as
# PYTHON:
#   * $PYTHON (default python3) itself, when `$PYTHON -m pip --version` works and the
#     interpreter is not externally managed (PEP 668): a pyenv or conda Python, a venv;
#   * otherwise (Debian 12's python3: no pip, EXTERNALLY-MANAGED) the virtual
#     environment ROOT/build/venv (or $EVENT_BRIDGE_VENV), created from $PYTHON once,
#     after `scripts/install-deps.sh --python` (python3-pip, python3-venv, python3-dev);
#     its bin/ goes first on PATH, as `activate` would do.

# True when pip may install into interpreter $1, as pip itself decides: not externally
# managed, or running in a virtual environment (where the marker does not apply).
python_env_installable() {
  "$1" -m pip --version >/dev/null 2>&1 || return 1
  "$1" - <<'PY'
import os, sys, sysconfig
in_venv = sys.prefix != getattr(sys, "base_prefix", sys.prefix)
marker = os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")
sys.exit(0 if in_venv or not os.path.isfile(marker) else 1)
PY
}

# The base installation and version of interpreter $1 (for a venv: of the one it was
# made from).
python_env_origin() {
  "$1" -c 'import sys; print(sys.base_prefix, sys.version)' 2>/dev/null
}

python_env() {
  local root=$1 base=${PYTHON:-python3}
  local venv=${EVENT_BRIDGE_VENV:-$root/build/venv}
  if python_env_installable "$base"; then
    PYTHON=$base
    export PYTHON
    return 0
  fi
  # A venv left by an earlier run is kept if it works and comes from the same Python.
  if ! python_env_installable "$venv/bin/python" ||
    [ "$(python_env_origin "$venv/bin/python")" != "$(python_env_origin "$base")" ]; then
    printf '[python-env] %s has no pip or is externally managed (PEP 668): ' "$base" >&2
    printf 'creating the virtual environment %s\n' "$venv" >&2
    bash "$root/scripts/install-deps.sh" --python >&2
    "$base" -m venv --clear "$venv" >&2
    "$venv/bin/python" -m pip --version >/dev/null ||
      { echo "[python-env] error: no pip in $venv" >&2; return 1; }
  fi
  PYTHON=$venv/bin/python
  VIRTUAL_ENV=$venv
  PATH=$venv/bin:$PATH
  export PYTHON VIRTUAL_ENV PATH
}
