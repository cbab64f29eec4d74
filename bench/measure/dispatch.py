"""Measurement 3: Kytos dispatch with and without the bridge.

A faithful copy of Kytos's dispatch (harness.kytos: one buffer consumer task with
`await asyncio.sleep(0)` per event, re.match per listener key, one task per matching
coroutine listener, Kytos's two alisten_to wrapper levels) with five other NApps'
no-op listeners, and in turn: nothing else ("none"), a do-nothing alisten_to(".*")
listener ("noop"), our NApp ("ours", loaded by ReplayHost) and the kafka_events handler
("kafka_events"). events/s = events / (time until the buffer is empty and every
listener task has finished). The bridge's delivery continues on its own threads; the
producers are drained between runs, outside the clock.
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from baselines import kafka_events  # noqa: E402
from harness import events as bench_events  # noqa: E402
from harness import kytos, proc  # noqa: E402

VARIANTS = ("none", "noop", "ours", "kafka_events")


def run(params: dict) -> dict:
    from event_bridge.replay import ReplayHost

    kytos.use_kytos_alisten_to()
    prefix = params["topic_prefix"]
    host = ReplayHost({"BOOTSTRAP_SERVERS": params["bootstrap"], "SOURCE_ID": "bench",
                       "VERBOSE_TOPIC": prefix, "NAPP_TOPIC_PREFIX": prefix + ".",
                       "FLUSH_TIMEOUT": 60.0})
    bridge = host.napp._bridge  # noqa: SLF001 - drained between runs
    streams = {}
    if "mix" in params["streams"]:
        streams["mix"] = bench_events.controller_mix(params["count"])
    if "mix_plain" in params["streams"]:
        # The same events with content already plain: the difference to "mix" is what
        # the as_dict() methods of the NApps' objects cost on the loop.
        streams["mix_plain"] = [bench_events.plain_event(e)
                                for e in bench_events.controller_mix(params["count"])]
    if "medium_plain" in params["streams"]:
        streams["medium_plain"] = bench_events.cycle(
            bench_events.size_pool("medium", "plain"), params["count"])
    if "medium_objects" in params["streams"]:
        streams["medium_objects"] = bench_events.cycle(
            bench_events.size_pool("medium", "objects"), params["count"])

    # The pre-built streams are scaffolding, not part of the system under test: keep the
    # collector from walking them (a controller's heap does not hold 10^5 events).
    gc.collect()
    gc.freeze()

    class KafkaEventsNApp:
        controller = None

        def __init__(self, baseline):
            self.baseline = baseline

        @kytos.alisten_to(".*")
        async def handle_events(self, event):
            await self.baseline.handle_events(event)

    async def main() -> dict:
        baseline = kafka_events.KafkaEvents(params["bootstrap"], prefix + "-kafka-events",
                                            keep_futures=False)
        await baseline.start()
        listeners = {
            "none": None,
            "noop": kytos.NoOpNApp(),
            "ours": host.napp,
            "kafka_events": KafkaEventsNApp(baseline),
        }
        warm = bench_events.size_pool("medium", "objects", seeds=1)[0]
        await host.napp.on_event(warm)
        await baseline.handle_events(warm)
        results: dict = {name: {v: [] for v in VARIANTS} for name in streams}
        cpu: dict = {name: {v: [] for v in VARIANTS} for name in streams}
        loop_cpu: dict = {name: {v: [] for v in VARIANTS} for name in streams}
        for repeat in range(params["repeats"]):
            order = VARIANTS if repeat % 2 == 0 else tuple(reversed(VARIANTS))
            for name, stream in streams.items():
                for variant in order:
                    dispatcher = kytos.Dispatcher()
                    for pattern, listener in kytos.other_napps_listeners():
                        dispatcher.register(pattern, listener)
                    if listeners[variant] is not None:
                        dispatcher.register_napp(listeners[variant])
                    gc.collect()
                    cpu0 = proc.process_cpu_seconds()
                    thread0 = time.thread_time()
                    t0 = time.perf_counter()
                    await dispatcher.dispatch(stream)
                    seconds = time.perf_counter() - t0
                    loop_cpu[name][variant].append((time.thread_time() - thread0) / len(stream) * 1e6)
                    cpu[name][variant].append((proc.process_cpu_seconds() - cpu0) / len(stream) * 1e6)
                    results[name][variant].append(len(stream) / seconds)
                    bridge.flush(120)
                    await baseline._producer.flush()  # noqa: SLF001 - drain outside the clock
        await baseline.stop()
        return {"events_per_s": results, "cpu_us_per_event": cpu,
                "loop_thread_cpu_us_per_event": loop_cpu}

    try:
        measured = host.loop.run_until_complete(main())
        ours_stats = bridge.stats()
    finally:
        host.stop()
    measured.update(
        count=params["count"], repeats=params["repeats"], other_listeners=list(kytos.OTHER_LISTENERS),
        published_fraction={name: len(bench_events.published_only(s)) / len(s)
                            for name, s in streams.items()},
        ours_stats={k: ours_stats[k] for k in ("received", "published", "filtered", "delivered",
                                                "dropped")})
    return measured


if __name__ == "__main__":
    proc.entry_point(run)
