"""Measurement 3: Kytos dispatch with and without the bridge.

A faithful copy of Kytos's dispatch (harness.kytos: one buffer consumer task with
`await asyncio.sleep(0)` per event, re.match per listener key, one task per matching
coroutine listener, Kytos's two alisten_to wrapper levels) with five other NApps'
no-op listeners, and in turn: nothing else ("none"), a do-nothing alisten_to(".*")
listener ("noop"), our NApp ("ours", loaded by ReplayHost) and the kafka_events handler
("kafka_events"). events/s = events / (time until the buffer is empty and every
listener task has finished). The bridge's delivery continues on its own threads; the
producers are drained between runs, outside the clock.

For the streams with live objects a fifth listener, "as_dict", makes only the as_dict()
calls our walker makes for the event (the bound methods are looked up, found outside the
clock): its loop CPU over the no-op listener's is what the Kytos objects' Python code
costs inside the dispatch. The same calls are also timed in a row, alone.

Every run is made in two placements (harness.cpus), interleaved: "pinned", the loop
thread alone on the first CPU and the bridge's and librdkafka's threads, the broker JVM
and the runner on the second (the deployment: the loop has a core to itself, the broker
is elsewhere), and "unpinned", everything sharing every CPU. With fewer than 2 CPUs only
the unpinned runs are made.
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from baselines import kafka_events  # noqa: E402
from harness import events as bench_events  # noqa: E402
from harness import cpus, kytos, proc  # noqa: E402

VARIANTS = ("none", "noop", "ours", "kafka_events")
AS_DICT = "as_dict"
OBJECT_STREAMS = ("mix", "medium_objects")  # content with live Link/Switch/... objects
PER_VARIANT = ("events_per_s", "cpu_us_per_event", "loop_thread_cpu_us_per_event",
               # per 1,000 events: the loop thread waiting (voluntary) or preempted
               "loop_thread_waits_per_1k_events", "loop_thread_preemptions_per_1k_events")


def _as_dict_alone_us(methods: list, events: int) -> float:
    """Loop-thread CPU per event of calling the walker's as_dict methods in a row."""
    gc.collect()
    thread0 = time.thread_time()
    for method in methods:
        method()
    return (time.thread_time() - thread0) / events * 1e6


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

    # id(event) -> the as_dict methods our walker calls for it, for the events the NApp
    # publishes (its default deny list drops the others before the walk).
    as_dict_by_event = {name: {id(e): bench_events.as_dict_methods(e.content)
                               for e in bench_events.published_only(stream)}
                        for name, stream in streams.items() if name in OBJECT_STREAMS}
    as_dict_in_order = {name: [m for e in streams[name] for m in by_event.get(id(e), ())]
                        for name, by_event in as_dict_by_event.items()}
    variants = {name: VARIANTS + ((AS_DICT,) if name in as_dict_by_event else ())
                for name in streams}
    # Built on the loop thread, after the bridge: its threads exist now.
    placement = cpus.Placement([params.get("broker_pid"), params.get("runner_pid")])

    # The pre-built streams (and the as_dict methods) are scaffolding, not part of the
    # system under test: keep the collector from walking them (a controller's heap does
    # not hold 10^5 events).
    gc.collect()
    gc.freeze()

    class KafkaEventsNApp:
        controller = None

        def __init__(self, baseline):
            self.baseline = baseline

        @kytos.alisten_to(".*")
        async def handle_events(self, event):
            await self.baseline.handle_events(event)

    class AsDictNApp:
        """Only the as_dict() calls our walker makes for the event."""
        controller = None

        def __init__(self, by_event):
            self.by_event = by_event

        @kytos.alisten_to(".*")
        async def on_event(self, event):
            for method in self.by_event.get(id(event), ()):
                method()

    def empty() -> dict:
        measured = {key: {name: {v: [] for v in variants[name]} for name in streams}
                    for key in PER_VARIANT}
        measured["as_dict_alone_loop_cpu_us_per_event"] = {name: [] for name in as_dict_by_event}
        return measured

    async def main() -> dict:
        baseline = kafka_events.KafkaEvents(params["bootstrap"], prefix + "-kafka-events",
                                            keep_futures=False)
        await baseline.start()
        listeners = {name: {"none": None, "noop": kytos.NoOpNApp(), "ours": host.napp,
                            "kafka_events": KafkaEventsNApp(baseline)} for name in streams}
        for name, by_event in as_dict_by_event.items():
            listeners[name][AS_DICT] = AsDictNApp(by_event)
        warm = bench_events.size_pool("medium", "objects", seeds=1)[0]
        await host.napp.on_event(warm)
        await baseline.handle_events(warm)
        measured = {p: empty() for p in placement.placements()}
        for repeat in range(params["repeats"]):
            placements = placement.placements()
            placements = placements if repeat % 2 == 0 else tuple(reversed(placements))
            for name, stream in streams.items():
                order = variants[name] if repeat % 2 == 0 else tuple(reversed(variants[name]))
                for where in placements:
                    m = measured[where]
                    for variant in order:
                        dispatcher = kytos.Dispatcher()
                        for pattern, listener in kytos.other_napps_listeners():
                            dispatcher.register(pattern, listener)
                        if listeners[name][variant] is not None:
                            dispatcher.register_napp(listeners[name][variant])
                        # Again before every run: librdkafka starts threads as it needs them.
                        placement.apply(where)
                        gc.collect()
                        switches0 = proc.thread_context_switches()
                        cpu0 = proc.process_cpu_seconds()
                        thread0 = time.thread_time()
                        t0 = time.perf_counter()
                        await dispatcher.dispatch(stream)
                        seconds = time.perf_counter() - t0
                        thread_us = (time.thread_time() - thread0) * 1e6
                        cpu_us = (proc.process_cpu_seconds() - cpu0) * 1e6
                        waits, preemptions = (b - a for a, b in zip(
                            switches0, proc.thread_context_switches()))
                        for key, value in (("events_per_s", len(stream) / seconds),
                                           ("loop_thread_cpu_us_per_event", thread_us / len(stream)),
                                           ("cpu_us_per_event", cpu_us / len(stream)),
                                           ("loop_thread_waits_per_1k_events",
                                            waits / len(stream) * 1000),
                                           ("loop_thread_preemptions_per_1k_events",
                                            preemptions / len(stream) * 1000)):
                            m[key][name][variant].append(value)
                        bridge.flush(120)
                        await baseline._producer.flush()  # noqa: SLF001 - drain outside the clock
                    if name in as_dict_in_order:
                        placement.apply(where)
                        m["as_dict_alone_loop_cpu_us_per_event"][name].append(
                            _as_dict_alone_us(as_dict_in_order[name], len(stream)))
            if repeat == 0 and placement.usable:
                placement.apply(cpus.PINNED)
                print("pinned:", placement.threads(), flush=True)
        placement.restore()
        await baseline.stop()
        return measured

    try:
        by_placement = host.loop.run_until_complete(main())
        ours_stats = bridge.stats()
    finally:
        placement.restore()
        host.stop()
    # The unpinned numbers stay where earlier results had them; the pinned ones beside.
    measured = by_placement[cpus.UNPINNED]
    if cpus.PINNED in by_placement:
        measured[cpus.PINNED] = by_placement[cpus.PINNED]
    measured.update(
        placement=placement.describe(),
        as_dict_calls_per_event={name: len(methods) / len(streams[name])
                                 for name, methods in as_dict_in_order.items()},
        count=params["count"], repeats=params["repeats"], other_listeners=list(kytos.OTHER_LISTENERS),
        published_fraction={name: len(bench_events.published_only(s)) / len(s)
                            for name, s in streams.items()},
        ours_stats={k: ours_stats[k] for k in ("received", "published", "filtered", "delivered",
                                                "dropped")})
    return measured


if __name__ == "__main__":
    proc.entry_point(run)
