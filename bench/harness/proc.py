"""Each measurement runs in its own Python process: parameters in, one JSON result out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

BENCH_DIR = Path(__file__).resolve().parents[1]


def entry_point(run: Callable[[dict], dict]) -> None:
    """`python measure/<part>.py PARAMS.json RESULT.json`: run(params) -> RESULT.json."""
    params = json.loads(Path(sys.argv[1]).read_text())
    result = run(params)
    Path(sys.argv[2]).write_text(json.dumps(result))


def run_part(module: str, params: dict, log_path: Path, timeout: float = 1800.0) -> dict:
    """Run bench/measure/<module>.py in a fresh interpreter; its output goes to log_path."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        params_path, result_path = Path(tmp) / "params.json", Path(tmp) / "result.json"
        params_path.write_text(json.dumps(params))
        log_path.parent.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(BENCH_DIR)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
        with open(log_path, "a") as log:
            log.write(f"\n==== {time.strftime('%H:%M:%S')} {module} {json.dumps(params)[:400]}\n")
            log.flush()
            completed = subprocess.run(
                [sys.executable, str(BENCH_DIR / "measure" / f"{module}.py"), str(params_path),
                 str(result_path)], stdout=log, stderr=subprocess.STDOUT, env=env, timeout=timeout)
        if completed.returncode != 0 or not result_path.exists():
            tail = "".join(log_path.read_text().splitlines(keepends=True)[-30:])
            raise RuntimeError(f"measure/{module}.py failed ({completed.returncode}); "
                               f"log {log_path}:\n{tail}")
        return json.loads(result_path.read_text())


def rss_bytes() -> int:
    """Resident set size of this process."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def process_cpu_seconds() -> float:
    """CPU time of every thread of this process (the bridge's and librdkafka's too)."""
    return time.process_time()


def thread_context_switches() -> tuple:
    """(voluntary, involuntary) context switches of the calling thread so far: waits (a
    lock, a futex, I/O) and preemptions by other threads on its CPU. (0, 0) where Linux's
    /proc/thread-self is missing."""
    counts = {}
    try:
        with open("/proc/thread-self/status") as status:
            for line in status:
                if "ctxt_switches" in line:
                    key, value = line.split(":", 1)
                    counts[key] = int(value)
    except OSError:
        return (0, 0)
    return (counts.get("voluntary_ctxt_switches", 0), counts.get("nonvoluntary_ctxt_switches", 0))
