"""scripts/python-env.sh, run for real on stand-ins for what it calls."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = Path("/usr/bin/python3")


def write(path: Path, text: str, executable: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    if executable:
        path.chmod(0o755)
    return path


def python_env(tmp_path: Path, python: str) -> tuple[subprocess.CompletedProcess, str]:
    """Runs python_env from a copy of scripts/python-env.sh (install-deps.sh a stand-in
    that logs its arguments) with PYTHON=python; returns the result and the calls."""
    root = tmp_path / "checkout"
    if not root.exists():
        (root / "scripts").mkdir(parents=True)
        shutil.copy(ROOT / "scripts/python-env.sh", root / "scripts/python-env.sh")
        write(root / "scripts/install-deps.sh", f'echo "install-deps $*" >> {tmp_path}/calls.log\n')
    env = {key: value for key, value in os.environ.items() if key != "EVENT_BRIDGE_VENV"}
    env["PYTHON"] = python
    script = ('set -euo pipefail; . scripts/python-env.sh; python_env "$PWD"; '
              'printf "%s\\n%s\\n" "$PYTHON" "${VIRTUAL_ENV:-}"; command -v python')
    result = subprocess.run(["bash", "-c", script], cwd=root, env=env, capture_output=True,
                            text=True, timeout=300)
    calls = tmp_path / "calls.log"
    return result, calls.read_text() if calls.exists() else ""


def externally_managed(python: Path) -> bool:
    code = ("import os, sys, sysconfig; sys.exit(0 if sys.prefix == sys.base_prefix and "
            "os.path.isfile(os.path.join(sysconfig.get_path('stdlib'), 'EXTERNALLY-MANAGED')) "
            "else 1)")
    return subprocess.run([str(python), "-c", code]).returncode == 0


def test_an_interpreter_pip_may_install_into_is_used_as_it_is(tmp_path):
    assert not externally_managed(Path(sys.executable)), "this Python is where pip installed us"
    result, calls = python_env(tmp_path, sys.executable)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [sys.executable, os.environ.get("VIRTUAL_ENV", "")]
    assert not (tmp_path / "checkout/build/venv").exists()
    assert calls == ""


def assert_venv_used_and_kept(tmp_path: Path, python: str):
    venv = tmp_path / "checkout/build/venv"
    result, calls = python_env(tmp_path, python)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"{venv}/bin/python", str(venv), f"{venv}/bin/python"]
    assert calls == "install-deps --python\n"
    assert "PEP 668" in result.stderr
    subprocess.run([f"{venv}/bin/python", "-m", "pip", "--version"], check=True,
                   capture_output=True)
    made = (venv / "pyvenv.cfg").stat()

    again, calls = python_env(tmp_path, python)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[0] == f"{venv}/bin/python"
    assert calls == "install-deps --python\n", "a second run installs nothing"
    assert (venv / "pyvenv.cfg").stat().st_mtime_ns == made.st_mtime_ns, "venv recreated"


def test_an_interpreter_without_pip_gets_a_venv_made_once(tmp_path):
    no_pip = write(tmp_path / "bin/python-no-pip", f"""\
        #!/usr/bin/env bash
        if [ "$1 $2" = "-m pip" ]; then echo "No module named pip" >&2; exit 1; fi
        exec {sys.executable} "$@"
        """, executable=True)
    assert_venv_used_and_kept(tmp_path, str(no_pip))


@pytest.mark.skipif(not SYSTEM_PYTHON.exists() or not externally_managed(SYSTEM_PYTHON) or
                    subprocess.run([str(SYSTEM_PYTHON), "-c", "import ensurepip, venv"],
                                   capture_output=True).returncode != 0,
                    reason="needs Debian's externally managed python3 with python3-venv")
def test_an_externally_managed_interpreter_gets_a_venv_made_once(tmp_path):
    assert_venv_used_and_kept(tmp_path, str(SYSTEM_PYTHON))
