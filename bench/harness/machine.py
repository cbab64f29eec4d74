"""What the numbers were measured on: CPU, memory, versions, commit."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return float("nan")


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def _git(root: Path, *args: str) -> str:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _pkg_config_version(name: str) -> str:
    try:
        return subprocess.run(["pkg-config", "--modversion", name], capture_output=True,
                              text=True, timeout=10).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def package_drift(root: Path) -> list:
    """The python/event_bridge/*.py files of the tree whose importable copy differs (the
    benchmark measures the installed package, its Python code included)."""
    import importlib.util
    spec = importlib.util.find_spec("event_bridge")
    if spec is None or not spec.origin:
        return ["event_bridge is not importable"]
    installed = Path(spec.origin).parent
    tree = root / "python" / "event_bridge"
    if installed.resolve() == tree.resolve():
        return []
    return sorted(path.name for path in tree.glob("*.py")
                  if not (installed / path.name).is_file()
                  or (installed / path.name).read_bytes() != path.read_bytes())


def describe(root: Path) -> dict:
    """Machine, software versions and source revision, for results files."""
    try:
        import confluent_kafka
        confluent_librdkafka = confluent_kafka.libversion()[0]
    except ImportError:
        confluent_librdkafka = "not installed"
    dirty = _git(root, "status", "--porcelain", "--untracked-files=no")
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "mem_total_gib": _mem_total_gib(),
        "kernel": platform.release(),
        "python": sys.version.split()[0],
        "librdkafka_bridge": _pkg_config_version("rdkafka"),
        "librdkafka_confluent_kafka": confluent_librdkafka,
        "kytos_event_bridge": _version("kytos-event-bridge"),
        "aiokafka": _version("aiokafka"),
        "confluent_kafka": _version("confluent-kafka"),
        "msgpack": _version("msgpack"),
        "commit": _git(root, "rev-parse", "--short", "HEAD"),
        "worktree_dirty": bool(dirty),
        "installed_package_differs": package_drift(root),
    }
