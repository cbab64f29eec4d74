"""Measurement 2: sustained end-to-end events/s with acks=all and idempotence, one system.

The events are handed to the system's handler back to back on an asyncio loop
(`await handler(event)`, as Kytos awaits a listener), then the system is waited on
until every record is confirmed by its delivery report. events/s = events / (time of
the last delivery report - time of the first handler call). One warm-up event is sent
and confirmed before the clock starts. Systems: "ours" (the NApp through ReplayHost,
verbose topic only so that every system writes one record per event), "kafka_events"
(baseline a) and "python_client" (baseline b); baseline c runs as its own binary.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from baselines import kafka_events, python_client  # noqa: E402
from harness import events as bench_events  # noqa: E402
from harness import proc  # noqa: E402
from harness.broker import process_cpu_seconds  # noqa: E402


async def _drive(handler, stream: list) -> None:
    for event in stream:
        await handler(event)


def _ours(params: dict, stream: list) -> dict:
    from event_bridge.replay import ReplayHost

    count = len(stream)
    host = ReplayHost({
        "BOOTSTRAP_SERVERS": params["bootstrap"], "SOURCE_ID": "bench",
        "VERBOSE_TOPIC": params["topic"], "NAPP_TOPICS_ENABLED": False,
        "COMPRESSION": params.get("compression", "lz4"),
        # Room for the whole burst: the bridge never pushes back on Kytos, it drops
        # when its buffer is full, and a throughput run must not drop.
        "BUFFER_MAX_EVENTS": count + 1000, "BUFFER_MAX_BYTES": 8 * 1024 ** 3,
        "FLUSH_TIMEOUT": 60.0})
    napp = host.napp
    bridge = napp._bridge  # noqa: SLF001 - flush and stats for the confirmation
    try:
        host.loop.run_until_complete(napp.on_event(stream[0]))
        if bridge.flush(60) != 0:
            raise RuntimeError("warm-up event not delivered")
        before = bridge.stats()
        cpu0 = proc.process_cpu_seconds()
        _BrokerClock.mark()
        t0 = time.perf_counter()
        host.loop.run_until_complete(_drive(napp.on_event, stream))
        t1 = time.perf_counter()
        left = bridge.flush(600)
        t2 = time.perf_counter()
        cpu = proc.process_cpu_seconds() - cpu0
        broker_cpu = _BrokerClock.elapsed()
        after = bridge.stats()
    finally:
        host.stop()
    delivered = after["delivered"] - before["delivered"]
    failed = (after["failed_terminal"] - before["failed_terminal"]
              + after["dropped"]["buffer_full"] - before["dropped"]["buffer_full"] + left)
    return {"handler_seconds": t1 - t0, "seconds": t2 - t0, "delivered": delivered,
            "failed": failed, "cpu_seconds": cpu, "broker_cpu_seconds": broker_cpu}


def _kafka_events(params: dict, stream: list) -> dict:
    async def main() -> dict:
        napp = kafka_events.KafkaEvents(params["bootstrap"], params["topic"])
        await napp.start()
        await napp.handle_events(stream[0])
        delivered, failed = await napp.confirm()
        if delivered != 1:
            raise RuntimeError("warm-up event not delivered")
        cpu0 = proc.process_cpu_seconds()
        _BrokerClock.mark()
        t0 = time.perf_counter()
        await _drive(napp.handle_events, stream)
        t1 = time.perf_counter()
        delivered, failed = await napp.confirm()
        t2 = time.perf_counter()
        cpu = proc.process_cpu_seconds() - cpu0
        broker_cpu = _BrokerClock.elapsed()
        failed += napp.errors
        await napp.stop()
        return {"handler_seconds": t1 - t0, "seconds": t2 - t0, "delivered": delivered,
                "failed": failed, "cpu_seconds": cpu, "broker_cpu_seconds": broker_cpu}
    return asyncio.run(main())


def _python_client(params: dict, stream: list) -> dict:
    client = python_client.PythonClient(params["bootstrap"], params["topic"])

    async def main() -> dict:
        await client.handle(stream[0])
        if client.confirm(60) != (1, 0):
            raise RuntimeError("warm-up event not delivered")
        client.delivered = 0
        cpu0 = proc.process_cpu_seconds()
        _BrokerClock.mark()
        t0 = time.perf_counter()
        await _drive(client.handle, stream)
        t1 = time.perf_counter()
        delivered, failed = client.confirm(600)
        t2 = time.perf_counter()
        cpu = proc.process_cpu_seconds() - cpu0
        broker_cpu = _BrokerClock.elapsed()
        return {"handler_seconds": t1 - t0, "seconds": t2 - t0, "delivered": delivered,
                "failed": failed, "cpu_seconds": cpu, "broker_cpu_seconds": broker_cpu}
    return asyncio.run(main())


SYSTEMS = {"ours": _ours, "kafka_events": _kafka_events, "python_client": _python_client}


class _BrokerClock:
    """Broker JVM CPU around the timed part (read by the systems' drivers)."""

    pid = None
    start = None

    @classmethod
    def mark(cls) -> None:
        cls.start = process_cpu_seconds(cls.pid) if cls.pid else None

    @classmethod
    def elapsed(cls):
        if cls.start is None:
            return None
        now = process_cpu_seconds(cls.pid)
        return None if now is None else now - cls.start


def run(params: dict) -> dict:
    pool = bench_events.size_pool(params["size"], params["content"])
    stream = bench_events.cycle(pool, params["count"])
    gc.collect()
    gc.freeze()  # the pre-built stream is scaffolding: keep the collector off it
    _BrokerClock.pid = params.get("broker_pid")
    result = SYSTEMS[params["system"]](params, stream)
    broker_cpu = result.pop("broker_cpu_seconds", None)
    result["broker_cpu_us_per_event"] = (broker_cpu / len(stream) * 1e6
                                         if broker_cpu is not None else None)
    result.update(system=params["system"], size=params["size"], content=params["content"],
                  events=len(stream), events_per_s=len(stream) / result["seconds"],
                  cpu_us_per_event=result["cpu_seconds"] / len(stream) * 1e6)
    return result


if __name__ == "__main__":
    proc.entry_point(run)
