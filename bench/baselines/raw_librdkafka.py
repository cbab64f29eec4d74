"""Baseline c, the ceiling: build and run bench/cpp/raw_librdkafka on our own encoded bytes."""

from __future__ import annotations

import json
import os
import struct
import subprocess
from pathlib import Path
from typing import Iterable

from event_bridge import _core, codec

BENCH_DIR = Path(__file__).resolve().parents[1]


def build(root: Path) -> Path:
    """Configure and build bench/ on its own (CMake + pkg-config librdkafka); the binary."""
    build_dir = root / "build" / "bench-cpp"
    binary = build_dir / "raw_librdkafka"
    subprocess.run(["cmake", "-S", str(BENCH_DIR), "-B", str(build_dir),
                    "-DCMAKE_BUILD_TYPE=Release"], check=True, capture_output=True, text=True)
    subprocess.run(["cmake", "--build", str(build_dir), "-j", str(os.cpu_count() or 2)],
                   check=True, capture_output=True, text=True)
    return binary


def write_records(events: Iterable, path: Path, fmt: str = "msgpack") -> dict:
    """Encode each event exactly as the bridge does (envelope, key from the default key
    paths, name header) into the file raw_librdkafka reads; returns byte counts."""
    key_paths = list(_core.default_key_paths())
    count = value_bytes = 0
    with open(path, "wb") as out:
        for seq, event in enumerate(events, 1):
            value = codec.encode(event.name, event.content, format=fmt, id=event.id,
                                 timestamp=event.timestamp, seq=seq, source="bench")
            key = (_core.find_key(event.content, key_paths) or "").encode()
            name = event.name.encode()
            for field in (key, name, value):
                out.write(struct.pack("=I", len(field)))
                out.write(field)
            count += 1
            value_bytes += len(value)
    return {"records": count, "mean_value_bytes": value_bytes / max(count, 1)}


def run(binary: Path, bootstrap: str, topic: str, records: Path, count: int,
        compression: str = "lz4", fmt: str = "msgpack", timeout: float = 600.0) -> dict:
    content_type = "application/msgpack" if fmt == "msgpack" else "application/json"
    result = subprocess.run([str(binary), "--bootstrap", bootstrap, "--topic", topic,
                             "--records", str(records), "--count", str(count),
                             "--compression", compression, "--content-type", content_type],
                            capture_output=True, text=True, timeout=timeout)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"raw_librdkafka failed ({result.returncode}): {result.stderr}")
    return json.loads(lines[-1])
