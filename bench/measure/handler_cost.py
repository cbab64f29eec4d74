"""Measurement 1: what one event costs on the event loop, per handler and event size.

Every handler runs on one asyncio loop, in the same process, interleaved repeat by
repeat. Each event is timed alone: perf_counter_ns() before and after
`await handler(event)` (or the plain call for the encoders); the timer's own cost is
measured as "timer" and not subtracted. Our NApp is the real napp/main.py loaded by
event_bridge.replay.ReplayHost, publishing to the bench broker while it is measured.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import msgpack  # noqa: E402

from baselines import kafka_events, python_client  # noqa: E402
from harness import events as bench_events  # noqa: E402
from harness import kytos, proc, stats  # noqa: E402

QUANTILES = [i / 200 for i in range(201)]


def _quantiles(samples: list) -> list:
    values = sorted(samples)
    return [stats.percentile(values, q) for q in QUANTILES]


async def _time_async(handler, stream: list) -> list:
    clock = time.perf_counter_ns
    out = [0] * len(stream)
    for i, event in enumerate(stream):
        start = clock()
        await handler(event)
        out[i] = clock() - start
    return out


def _time_call(function, stream: list) -> list:
    clock = time.perf_counter_ns
    out = [0] * len(stream)
    for i, argument in enumerate(stream):
        start = clock()
        function(argument)
        out[i] = clock() - start
    return out


def _settings(bootstrap: str, prefix: str) -> dict:
    return {"BOOTSTRAP_SERVERS": bootstrap, "SOURCE_ID": "bench", "VERBOSE_TOPIC": prefix,
            "NAPP_TOPIC_PREFIX": prefix + ".", "FLUSH_TIMEOUT": 30.0}


def run(params: dict) -> dict:
    from event_bridge.replay import ReplayHost

    bootstrap = params["bootstrap"]
    prefix = params["topic_prefix"]
    repeats = params["repeats"]
    counts = params["counts"]  # "<size>/<content>" -> events per handler per repeat
    slow_divisor = params.get("slow_divisor", 4)

    # Our NApp as ReplayHost loads it (its stand-in alisten_to: one wrapper coroutine),
    # then again with Kytos's own two wrapper levels.
    host = ReplayHost(_settings(bootstrap, prefix + "-napp"))
    shim_alisten_to = sys.modules["kytos.core.helpers"].alisten_to
    kytos.use_kytos_alisten_to()
    host_kytos = ReplayHost(_settings(bootstrap, prefix + "-kytos"))
    loop = host.loop
    napp, napp_kytos = host.napp, host_kytos.napp
    bridge = napp._bridge  # noqa: SLF001 - the bench times the native call alone too
    from event_bridge import Bridge
    json_bridge = Bridge(host.napp._config, format="json",  # noqa: SLF001 - same settings
                         verbose_topic=prefix + "-json", napp_topic_prefix=prefix + "-json.")

    pc = python_client.PythonClient(bootstrap, prefix + "-python-client")
    ke = None  # aiokafka's producer must be built inside the running loop

    class Wrapped:
        """Other handlers behind the same stand-in alisten_to our NApp got."""
        controller = None

        @shim_alisten_to(".*")
        async def noop(self, event):
            return None

        @shim_alisten_to(".*")
        async def kafka_events(self, event):
            await ke.handle_events(event)

        @shim_alisten_to(".*")
        async def python_client(self, event):
            await pc.handle(event)

    wrapped = Wrapped()

    def dumps_objects(content):
        return json.dumps(content, default=python_client._default)  # noqa: SLF001

    def packb_objects(content):
        return msgpack.packb(content, default=python_client._default)  # noqa: SLF001

    async def measure() -> dict:
        nonlocal ke
        ke = kafka_events.KafkaEvents(bootstrap, prefix + "-kafka-events")
        await ke.start()
        # Warm up every path once (topic creation, connections, route caches).
        warm = bench_events.size_pool("medium", "plain", seeds=1)[0]
        for handler in (napp.on_event, napp_kytos.on_event, wrapped.kafka_events,
                        wrapped.python_client):
            await handler(warm)
        bridge.flush(30)
        napp_kytos._bridge.flush(30)  # noqa: SLF001
        await ke.confirm()
        pc.confirm()

        cases = {}
        for size in params["sizes"]:
            for content in params["contents"]:
                key = f"{size}/{content}"
                if key not in counts:
                    continue
                pool = bench_events.size_pool(size, content)
                n = counts[key]
                stream = bench_events.cycle(pool, n)
                slow_stream = stream[: max(200, n // slow_divisor)]
                contents = [event.content for event in stream]
                plain_data = content == "plain"
                systems = {
                    "timer": lambda: _time_call(lambda _: None, stream),
                    "noop_handler": lambda: _time_async(wrapped.noop, stream),
                    "ours.publish_event": lambda: _time_call(bridge.publish_event, stream),
                    "ours.publish_event_json": lambda: _time_call(json_bridge.publish_event,
                                                                  stream),
                    "ours.napp": lambda: _time_async(napp.on_event, stream),
                    "ours.napp_kytos_wrapper": lambda: _time_async(napp_kytos.on_event, stream),
                    "msgpack.packb": lambda: _time_call(
                        msgpack.packb if plain_data else packb_objects, contents),
                    "json.dumps": lambda: _time_call(
                        json.dumps if plain_data else dumps_objects, contents),
                    "kafka_events.serialize": lambda: _time_call(
                        lambda e: kafka_events.serialize_and_encode(e.name, e.content), slow_stream),
                    "kafka_events.handler": lambda: _time_async(wrapped.kafka_events, slow_stream),
                    "python_client.handler": lambda: _time_async(wrapped.python_client, slow_stream),
                }
                samples = {name: [] for name in systems}
                per_repeat = {name: [] for name in systems}
                for _ in range(repeats):
                    for name, timed in systems.items():
                        gc.collect()
                        values = timed()
                        if asyncio.iscoroutine(values):
                            values = await values
                        # Drain what the handlers queued, outside the timed part.
                        bridge.flush(60)
                        json_bridge.flush(60)
                        napp_kytos._bridge.flush(60)  # noqa: SLF001
                        await ke.confirm()
                        pc.confirm()
                        samples[name].extend(values)
                        per_repeat[name].append(stats.summarize_ns(values)["median_ns"])
                cases[key] = {
                    name: dict(stats.summarize_ns(values), per_repeat_median_ns=per_repeat[name],
                               quantiles_ns=_quantiles(values))
                    for name, values in samples.items()
                }
                cases[key]["_pool"] = {
                    "events": len(pool), "name": pool[0].name,
                    "json_bytes": sum(map(bench_events.samples.approx_json_size, pool)) / len(pool),
                    "envelope_bytes": sum(len(bench_events.envelope(e)) for e in pool) / len(pool),
                }
        return cases

    try:
        cases = loop.run_until_complete(measure())
        stats_ours = bridge.stats()
        loop.run_until_complete(ke.stop())
    finally:
        json_bridge.close(30)
        host_kytos.stop()
        host.stop()
    return {"repeats": repeats, "cases": cases, "quantile_fractions": QUANTILES,
            "ours_stats": {k: stats_ours[k] for k in ("received", "published", "delivered",
                                                       "filtered", "dropped")}}


if __name__ == "__main__":
    proc.entry_point(run)
