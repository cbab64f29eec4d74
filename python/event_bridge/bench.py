"""`event-bridge bench`: run the benchmark in bench/ of a source checkout (bench/README.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Optional, Sequence


def find_bench_dir() -> Optional[Path]:
    """bench/ of the source tree: $EVENT_BRIDGE_SOURCE_DIR, the working directory or one of
    its parents, or the checkout this package was imported from."""
    candidates = []
    if os.environ.get("EVENT_BRIDGE_SOURCE_DIR"):
        candidates.append(Path(os.environ["EVENT_BRIDGE_SOURCE_DIR"]))
    cwd = Path.cwd().resolve()
    candidates += [cwd, *cwd.parents]
    candidates.append(Path(__file__).resolve().parents[2])
    for root in candidates:
        if (root / "bench" / "run.py").is_file() and (root / "napp" / "kytos.json").is_file():
            return root / "bench"
    return None


def main(argv: Sequence[str]) -> int:
    bench = find_bench_dir()
    if bench is None:
        print("event-bridge bench: bench/run.py not found; run it from the kytos-event-bridge "
              "source tree or set EVENT_BRIDGE_SOURCE_DIR", file=sys.stderr)
        return 2
    return subprocess.call([sys.executable, str(bench / "run.py"), *argv])
