"""Measurement 4: bytes per event on the broker's disk and CPU per event, for MessagePack
and JSON envelopes under each compression codec.

For every (format, codec) the bridge publishes the same events to its own topic
(3 partitions, one record per event). Bytes per event = growth of the topic's *.log
segment files in the broker's data directory (record batches exactly as the broker
stores them: batch headers, record headers, keys, compressed values) / events. CPU per
event = CPU time of this process (loop thread, service thread, librdkafka threads:
encoding, compression, protocol) and of the broker JVM, / events. "burst" publishes as
fast as the bridge takes them (large batches); "paced" publishes at a steady
controller-like rate (small batches, the common case in production).
"""

from __future__ import annotations

import gc
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import msgpack  # noqa: E402

from harness import events as bench_events  # noqa: E402
from harness import proc  # noqa: E402
from harness.broker import BenchBroker  # noqa: E402


def _publish(bridge, stream: list, rate: float) -> None:
    publish = bridge.publish_event
    if not rate:
        for event in stream:
            publish(event)
        return
    start = time.perf_counter()
    interval = 1.0 / rate
    for i, event in enumerate(stream):
        publish(event)
        delay = start + (i + 1) * interval - time.perf_counter()
        if delay > 0.001:
            time.sleep(delay)


def _per_event_us(function, items: list, rounds: int = 5) -> float:
    """Median over rounds of the mean time per item of function(item)."""
    means = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for item in items:
            function(item)
        means.append((time.perf_counter() - t0) / len(items) * 1e6)
    return statistics.median(means)


def _offline(stream: list, fmt: str) -> dict:
    """Uncompressed envelope size, encode-only and decode-only costs per event."""
    from event_bridge import codec

    envelopes = [bench_events.envelope(event, fmt) for event in stream]
    loads = json.loads if fmt == "json" else msgpack.unpackb
    return {"envelope_bytes": sum(map(len, envelopes)) / len(envelopes),
            "encode_us": _per_event_us(lambda e: codec.encode(
                e.name, e.content, format=fmt, id=e.id, timestamp=e.timestamp, seq=1,
                source="bench"), stream),
            "decode_us_event_bridge": _per_event_us(lambda d: codec.decode(d, fmt), envelopes),
            "decode_us_python": _per_event_us(loads, envelopes),
            "python_decoder": "json.loads" if fmt == "json" else "msgpack.unpackb"}


def _measure(params: dict, broker: BenchBroker, topic: str, fmt: str, codec_name: str,
             events: list, rate: float) -> dict:
    """Publish the events with one format and codec to their own topic; bytes and CPU."""
    from event_bridge import Bridge, samples

    bridge = Bridge(bootstrap_servers=params["bootstrap"], source_id="bench", format=fmt,
                    compression=codec_name, verbose_topic=topic, napp_topics_enabled=False,
                    deny=list(samples.FILTERED_BY_DEFAULT), buffer_max_events=len(events) + 1000,
                    buffer_max_bytes=8 * 1024 ** 3)
    try:
        bridge.publish_event(events[0])
        if bridge.flush(60) != 0:
            raise RuntimeError(f"{topic}: warm-up not delivered")
        time.sleep(0.2)
        bytes0 = broker.topic_log_bytes(topic)
        broker_cpu0 = broker.cpu_seconds()
        cpu0 = proc.process_cpu_seconds()
        t0 = time.perf_counter()
        _publish(bridge, events, rate)
        left = bridge.flush(600)
        seconds = time.perf_counter() - t0
        cpu = proc.process_cpu_seconds() - cpu0
        time.sleep(0.2)
        broker_cpu = broker.cpu_seconds() - broker_cpu0
        stored = broker.topic_log_bytes(topic) - bytes0
        stats = bridge.stats()
    finally:
        bridge.close(30)
    n = len(events)
    return {"format": fmt, "codec": codec_name, "topic": topic, "events": n,
            "undelivered": left, "delivered": stats["delivered"] - 1,
            "stored_bytes_per_event": stored / n, "cpu_us_per_event": cpu / n * 1e6,
            "broker_cpu_us_per_event": broker_cpu / n * 1e6, "events_per_s": n / seconds}


def run(params: dict) -> dict:
    broker = BenchBroker(Path(params["root"]))
    streams = {}
    for name, spec in params["streams"].items():
        # Plain content: as_dict() of Kytos objects costs the same whatever the format, and
        # would hide the difference between the encoders.
        if name == "mix":
            events = [bench_events.plain_event(e) for e in bench_events.published_only(
                bench_events.controller_mix(spec["mix_count"]))]
        else:
            events = bench_events.cycle(bench_events.size_pool(name, spec.get("content", "plain")),
                                        spec["count"])
        streams[name] = events[: spec.get("count", len(events))]

    gc.collect()
    gc.freeze()  # the pre-built streams are scaffolding: keep the collector off them
    results = []
    for stream_name, stream in streams.items():
        offline = {fmt: _offline(stream[:2000], fmt) for fmt in params["formats"]}
        for mode, rate in params["modes"].items():
            if rate and stream_name not in params.get("paced_streams", [stream_name]):
                continue
            events = stream if not rate else stream[: int(rate * params["paced_seconds"])]
            configs = [(r, fmt, c) for r in range(params.get("rounds", 1))
                       for c in params["codecs"]
                       for fmt in (params["formats"] if r % 2 == 0 else params["formats"][::-1])]
            for round_index, fmt, codec_name in configs:
                topic = (f"{params['topic_prefix']}-{stream_name}-{mode}-{fmt}-{codec_name}"
                         f"-{round_index}")
                row = _measure(params, broker, topic, fmt, codec_name, events, rate)
                row.update(round=round_index, stream=stream_name, mode=mode, rate=rate,
                           envelope_bytes=offline[fmt]["envelope_bytes"],
                           ratio_vs_envelope=row["stored_bytes_per_event"]
                           / offline[fmt]["envelope_bytes"])
                results.append(row)
        for fmt in params["formats"]:
            offline[fmt]["stream"] = stream_name
            offline[fmt]["format"] = fmt
        results.append({"offline": offline, "stream": stream_name})
    runs = [r for r in results if "offline" not in r]
    return {"runs": _medians(runs), "all_runs": runs,
            "offline": [r for r in results if "offline" in r]}


def _medians(runs: list) -> list:
    """One row per (stream, mode, format, codec): the median of its rounds."""
    groups: dict = {}
    for run in runs:
        groups.setdefault((run["stream"], run["mode"], run["format"], run["codec"]), []).append(run)
    rows = []
    for (stream, mode, fmt, codec_name), group in groups.items():
        row = dict(group[0])
        for field in ("stored_bytes_per_event", "ratio_vs_envelope", "cpu_us_per_event",
                      "broker_cpu_us_per_event", "events_per_s"):
            row[field] = statistics.median(r[field] for r in group)
        row["rounds"] = len(group)
        row["undelivered"] = sum(r["undelivered"] for r in group)
        row["topics"] = [r["topic"] for r in group]
        rows.append(row)
    return rows


if __name__ == "__main__":
    proc.entry_point(run)
