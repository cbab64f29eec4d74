"""Measurement 5: memory per buffered event while the broker is down.

The NApp's bridge connects and delivers a warm-up event; the bench broker is then
stopped (scripts/kafka.sh stop) and events keep coming. RSS of this process is sampled
with the bridge's counters after every chunk of events: first they pile up in
librdkafka's queue (bounded by queue.buffering.max.messages/kbytes), then in the
bridge's own front buffer. Bytes per event in each place = slope of RSS over the
events held there. Optionally the broker is started again and the time until every
buffered event is delivered is measured.
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import events as bench_events  # noqa: E402
from harness import proc  # noqa: E402
from harness.broker import BenchBroker  # noqa: E402


def _slope(points: list) -> float:
    """Least-squares slope of (x, y) points."""
    n = len(points)
    if n < 2:
        return float("nan")
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else float("nan")


def _settled(bridge, timeout: float = 5.0) -> dict:
    """Counters once the service thread has moved into librdkafka all it will take."""
    deadline = time.monotonic() + timeout
    last = bridge.stats()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = bridge.stats()
        if (now["in_flight"], now["buffered_events"]) == (last["in_flight"], last["buffered_events"]):
            return now
        last = now
    return last


def run(params: dict) -> dict:
    from event_bridge.replay import ReplayHost

    broker = BenchBroker(Path(params["root"]))
    count, chunk = params["count"], params["chunk"]
    pool = bench_events.size_pool(params["size"], params["content"])
    stream = bench_events.cycle(pool, count)
    payload = sum(len(bench_events.envelope(e)) for e in pool) / len(pool)
    host = ReplayHost({"BOOTSTRAP_SERVERS": params["bootstrap"], "SOURCE_ID": "bench",
                       "VERBOSE_TOPIC": params["topic"], "NAPP_TOPICS_ENABLED": False,
                       "BUFFER_MAX_EVENTS": count + 1000, "BUFFER_MAX_BYTES": 8 * 1024 ** 3,
                       "FLUSH_TIMEOUT": 0.0})
    napp, loop = host.napp, host.loop
    bridge = napp._bridge  # noqa: SLF001 - counters per sample
    points = []
    recovery = None
    try:
        loop.run_until_complete(napp.on_event(stream[0]))
        if bridge.flush(60) != 0:
            raise RuntimeError("warm-up event not delivered")
        stop_seconds = broker.stop()
        time.sleep(1.0)
        gc.collect()
        gc.freeze()
        rss0 = proc.rss_bytes()

        async def publish(events):
            for event in events:
                await napp.on_event(event)

        for start in range(0, count, chunk):
            loop.run_until_complete(publish(stream[start:start + chunk]))
            s = _settled(bridge)
            points.append({"events": start + len(stream[start:start + chunk]),
                           "rss_growth": proc.rss_bytes() - rss0,
                           "in_librdkafka": s["in_flight"], "in_front_buffer": s["buffered_events"],
                           "connection": s["connection"],
                           "dropped": s["dropped"]["buffer_full"]})
        if params.get("restart"):
            t0 = time.perf_counter()
            broker.start()
            started = time.perf_counter() - t0
            left = bridge.flush(600)
            after = bridge.stats()
            recovery = {"broker_start_seconds": started,
                        "drain_seconds_after_start": time.perf_counter() - t0 - started,
                        "undelivered": left, "delivered": after["delivered"] - 1}
    finally:
        napp.shutdown()
        host.loop.close()
        if params.get("restart") and not broker.running():
            broker.start()
    # Phase 1: the service thread hands everything to librdkafka (front buffer empty).
    # Phase 2: librdkafka's queue is full, new events stay in the front buffer.
    full = max(p["in_librdkafka"] for p in points)
    phase1 = [(p["in_librdkafka"], p["rss_growth"]) for p in points if p["in_front_buffer"] == 0]
    phase2 = [(p["in_front_buffer"], p["rss_growth"]) for p in points
              if p["in_librdkafka"] == full and p["in_front_buffer"] > 0]
    total = points[-1]
    return {
        "size": params["size"], "content": params["content"], "events": count,
        "envelope_bytes": payload, "broker_stop_seconds": stop_seconds, "points": points,
        "bytes_per_event_in_librdkafka": _slope(phase1),
        "bytes_per_event_in_front_buffer": _slope(phase2),
        "librdkafka_queue_limit_events": full,
        "bytes_per_event_overall": total["rss_growth"] / total["events"],
        "recovery": recovery,
    }


if __name__ == "__main__":
    proc.entry_point(run)
