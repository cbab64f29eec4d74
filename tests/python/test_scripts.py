"""scripts/test.sh and scripts/python-env.sh, run for real on stand-ins for what they call."""

from __future__ import annotations

import os
import re
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


@pytest.fixture
def checkout(tmp_path):
    """A checkout with the real test.sh and python-env.sh and stand-ins for everything they
    run: install-deps.sh, kafka.sh, sanitize.sh, cmake, ctest and a Python whose pip does
    nothing and whose pytest passes one test per tier (it logs the tiers it was asked for)."""
    root = tmp_path / "checkout"
    for name in ("test.sh", "python-env.sh"):
        (root / "scripts").mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "scripts" / name, root / "scripts" / name)
    log = tmp_path / "calls.log"
    write(root / "scripts/install-deps.sh", f'echo "install-deps $*" >> {log}\n')
    write(root / "scripts/kafka.sh", 'if [ "$1" = bootstrap ]; then echo 127.0.0.1:9; fi\n')
    write(root / "scripts/sanitize.sh", """\
        echo 'sanitize-address: 1 passed, 0 failed'
        echo 'sanitize-thread: 1 passed, 0 failed'
        echo 'sanitize-fuzz: 1 passed, 0 failed'
        """)
    bin_dir = tmp_path / "bin"
    write(bin_dir / "cmake", "#!/bin/sh\nexit 0\n", executable=True)
    write(bin_dir / "ctest", "#!/bin/sh\necho '100% tests passed, 0 tests failed out of 2'\n",
          executable=True)
    write(bin_dir / "python", f"""\
        #!/usr/bin/env bash
        if [ "$1 $2" = "-m pip" ]; then exit 0; fi
        if [ "$1 $2" = "-m pytest" ]; then
          while [ "$#" -gt 0 ] && [ "$1" != --junitxml ]; do shift; done
          xml=$2; shift 2
          echo "pytest $*" >> {log}
          echo '<testsuite tests="1" failures="0" errors="0" skipped="0"><testcase classname="c" name="t"/></testsuite>' > "$xml"
          exit 0
        fi
        if [ "$1" = bench/run.py ]; then printf 'Targets\\n\\n'; exit 0; fi
        exec {sys.executable} "$@"
        """, executable=True)
    for tier in ("python", "napp", "integration", "faults"):
        write(root / "tests" / tier / "test_tier.py", "def test_tier():\n    pass\n")
    (root / "build").mkdir()
    env = {key: value for key, value in os.environ.items()
           if key not in ("CI", "EVENT_BRIDGE_FAULTS", "PYTEST_ARGS", "EVENT_BRIDGE_VENV")}
    env.update(PATH=f"{bin_dir}:{env['PATH']}", PYTHON=str(bin_dir / "python"))

    def run(**extra_env):
        result = subprocess.run(["bash", str(root / "scripts/test.sh")], env={**env, **extra_env},
                                capture_output=True, text=True, timeout=120)
        calls = log.read_text() if log.exists() else ""
        return result, calls

    run.root = root
    return run


def summary(output: str) -> list[str]:
    return [line.strip() for line in output.split("[test] summary", 1)[1].splitlines()]


def test_stub_run_of_every_tier_passes(checkout):
    result, calls = checkout()
    assert result.returncode == 0, result.stdout + result.stderr
    lines = summary(result.stdout)
    for tier in ("C++ unit", "C++ mock", "Python", "NApp", "integration", "faults",
                 "sanitize-thread", "bench (quick)"):
        assert any(re.match(rf"{re.escape(tier)}:\s+[1-9]\d* passed, 0 failed", line)
                   for line in lines), (tier, lines)
    assert "tests/faults" in calls and "tests/napp" in calls


def test_missing_napp_tests_fail_the_run_as_0_passed(checkout):
    (checkout.root / "tests/napp/test_tier.py").unlink()
    result, calls = checkout()
    assert result.returncode == 1, result.stdout + result.stderr
    lines = summary(result.stdout)
    assert any(line.startswith("NApp:") and " 0 passed" in line for line in lines), lines
    assert "NApp: no tests/napp/test_*.py" in result.stdout
    assert "tests/napp" not in calls


def test_faults_skipped_locally_is_shown_in_the_summary(checkout):
    result, calls = checkout(EVENT_BRIDGE_FAULTS="0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "faults: skipped (EVENT_BRIDGE_FAULTS=0)" in summary(result.stdout)
    assert "tests/faults" not in calls


def test_faults_cannot_be_skipped_in_ci(checkout):
    result, calls = checkout(EVENT_BRIDGE_FAULTS="0", CI="true")
    assert result.returncode == 2
    assert "EVENT_BRIDGE_FAULTS=0" in result.stderr and "CI" in result.stderr
    assert calls == "", "refused only after installing"


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
