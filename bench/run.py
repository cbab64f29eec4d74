#!/usr/bin/env python3
"""Run the benchmark: `python bench/run.py [--quick]` (or `event-bridge bench [--quick]`).

Starts the bench broker if it is not running (build/kafka-bench, 127.0.0.1:29092),
builds the raw librdkafka baseline, runs the five measurements in fresh processes,
prints the targets with PASS/FAIL, writes bench/results/<profile>.json and the plots,
and with the full profile bench/RESULTS.md. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from baselines import raw_librdkafka  # noqa: E402
from harness import events as bench_events  # noqa: E402
from harness import cpus, machine, proc  # noqa: E402
from harness.broker import BenchBroker  # noqa: E402
from report import targets  # noqa: E402

PARTS = ("handler", "e2e", "dispatch", "wire", "outage")
SYSTEMS = ("raw_librdkafka", "ours", "python_client", "kafka_events")

PROFILES = {
    "quick": {
        "handler": {"repeats": 3, "counts": {
            "small/plain": 10000, "medium/plain": 20000, "large/plain": 2000,
            "medium/objects": 4000}},
        "e2e": {"rounds": {"medium/plain": 2, "small/plain": 1},
                "counts": {
                    "small": {"raw_librdkafka": 150000, "ours": 150000, "python_client": 50000, "kafka_events": 6000},
                    "medium": {"raw_librdkafka": 150000, "ours": 150000, "python_client": 50000, "kafka_events": 6000},
                    "large": {"raw_librdkafka": 25000, "ours": 25000, "python_client": 8000, "kafka_events": 1500}},
                "objects_divisor": 2,
                # b only where the targets are measured: the CI budget is 2 minutes.
                "systems": {"small/plain": ["raw_librdkafka", "ours", "kafka_events"],
                            "large/plain": ["raw_librdkafka", "ours", "kafka_events"]}},
        # Pinned and unpinned runs of every variant: 8,000 events keep the part near 20 s.
        "dispatch": {"count": 8000, "repeats": 3, "streams": ["mix", "medium_plain"]},
        "wire": {"streams": {"mix": {"mix_count": 40000}}, "modes": {"burst": 0},
                 "paced_seconds": 0},
        "outage": {"size": "medium", "content": "plain", "count": 100000, "chunk": 10000,
                   "restart": False},
    },
    "full": {
        "handler": {"repeats": 7, "counts": {
            "small/plain": 30000, "medium/plain": 50000, "large/plain": 5000,
            "small/objects": 10000, "medium/objects": 10000, "large/objects": 1000}},
        "e2e": {"rounds": {"small/plain": 3, "medium/plain": 3, "large/plain": 3,
                           "small/objects": 3, "medium/objects": 3, "large/objects": 3},
                "counts": {
                    "small": {"raw_librdkafka": 1000000, "ours": 1000000, "python_client": 300000, "kafka_events": 30000},
                    "medium": {"raw_librdkafka": 800000, "ours": 800000, "python_client": 250000, "kafka_events": 25000},
                    "large": {"raw_librdkafka": 150000, "ours": 150000, "python_client": 50000, "kafka_events": 8000}},
                "objects_divisor": 2},
        "dispatch": {"count": 50000, "repeats": 5,
                     "streams": ["mix", "mix_plain", "medium_plain", "medium_objects"]},
        "wire": {"streams": {"mix": {"mix_count": 200000}, "small": {"count": 30000},
                             "medium": {"count": 30000}, "large": {"count": 10000}},
                 "modes": {"burst": 0, "paced": 1000}, "paced_seconds": 5,
                 "paced_streams": ["mix"], "rounds": 3},
        "outage": {"size": "medium", "content": "plain", "count": 300000, "chunk": 20000,
                   "restart": True},
    },
}
CODECS = ["none", "lz4", "zstd", "snappy", "gzip"]
FORMATS = ["msgpack", "json"]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Run:
    def __init__(self, profile: str, args: argparse.Namespace) -> None:
        self.profile_name = profile
        self.profile = PROFILES[profile]
        self.args = args
        self.broker = BenchBroker(ROOT)
        self.run_id = f"bench-{time.strftime('%m%d%H%M%S')}-{uuid.uuid4().hex[:4]}"
        self.log_path = ROOT / "build" / "bench" / f"{self.run_id}.log"
        self.topics: list = []
        self.results: dict = {"profile": profile}

    def topic(self, name: str) -> str:
        topic = f"{self.run_id}-{name}"
        self.topics.append(topic)
        return topic

    # ----------------------------------------------------------------- parts

    def handler(self) -> None:
        cfg = self.profile["handler"]
        prefix = self.topic("handler")
        self.broker.create_topics([prefix + "-kafka-events", prefix + "-python-client"])
        self.topics += [prefix + s for s in ("-kafka-events", "-python-client", "-napp", "-kytos")]
        result = proc.run_part("handler_cost", {
            "bootstrap": self.broker.bootstrap, "topic_prefix": prefix, "repeats": cfg["repeats"],
            "sizes": list(bench_events.SIZES), "contents": ["plain", "objects"],
            "counts": cfg["counts"]}, self.log_path)
        self.results["handler"] = result
        for key, case in result["cases"].items():
            ours, packb, a = case["ours.napp"], case["msgpack.packb"], case["kafka_events.handler"]
            log(f"handler {key:15s} ours {ours['median_ns']:7.0f} ns (p99 {ours['p99_ns']:7.0f})"
                f"  packb {packb['median_ns']:7.0f}  json {case['json.dumps']['median_ns']:7.0f}"
                f"  a {a['median_ns']:8.0f} (p99 {a['p99_ns']:8.0f})"
                f"  b {case['python_client.handler']['median_ns']:7.0f}")

    def e2e(self) -> None:
        cfg = self.profile["e2e"]
        binary = raw_librdkafka.build(ROOT)
        runs = []
        with tempfile.TemporaryDirectory(prefix="bench-records-") as tmp:
            record_files = {}
            for case, rounds in cfg["rounds"].items():
                size, content = case.split("/")
                if size not in record_files:
                    path = Path(tmp) / f"{size}.bin"
                    raw_librdkafka.write_records(bench_events.size_pool(size, "plain"), path)
                    record_files[size] = path
                divisor = cfg["objects_divisor"] if content == "objects" else 1
                for round_index in range(rounds):
                    # Rotate the order so that drift on a shared machine hits every system.
                    order = SYSTEMS[round_index % 4:] + SYSTEMS[:round_index % 4]
                    for system in order:
                        if system not in cfg.get("systems", {}).get(case, SYSTEMS):
                            continue
                        if system == "raw_librdkafka" and content == "objects":
                            continue  # c gets encoded bytes: the same for both contents
                        count = cfg["counts"][size][system] // (1 if system == "raw_librdkafka" else divisor)
                        topic = self.topic(f"e2e-{size}-{content}-{system}-{round_index}")
                        self.broker.create_topics([topic])
                        if system == "raw_librdkafka":
                            cpu0 = self.broker.cpu_seconds()
                            out = raw_librdkafka.run(binary, self.broker.bootstrap, topic,
                                                     record_files[size], count)
                            broker_cpu = self.broker.cpu_seconds() - cpu0
                            result = {"system": system, "size": size, "content": content,
                                      "events": count, "seconds": out["seconds"],
                                      "handler_seconds": out["produce_seconds"],
                                      "delivered": out["delivered"], "failed": out["failed"],
                                      "cpu_seconds": out["cpu_seconds"],
                                      "events_per_s": count / out["seconds"],
                                      "cpu_us_per_event": out["cpu_seconds"] / count * 1e6,
                                      "broker_cpu_us_per_event": broker_cpu / count * 1e6,
                                      "librdkafka": out["librdkafka"]}
                        else:
                            result = proc.run_part("end_to_end", {
                                "bootstrap": self.broker.bootstrap, "topic": topic,
                                "system": system, "size": size, "content": content,
                                "count": count, "broker_pid": self.broker.pid()}, self.log_path)
                        consumed = self.broker.count_records(topic)
                        result.update(round=round_index, consumer_count=consumed,
                                      expected_records=count + 1,
                                      count_ok=consumed == count + 1 and result["delivered"] == count)
                        runs.append(result)
                        log(f"e2e {size:6s} {content:7s} round {round_index} {system:15s} "
                            f"{result['events_per_s']:9.0f} events/s  cpu {result['cpu_us_per_event']:6.1f} us/event"
                            f"  broker {result['broker_cpu_us_per_event'] or 0:5.1f} us/event"
                            f"  consumer read {consumed}/{count + 1}{'' if result['count_ok'] else '  MISMATCH'}")
                        self.broker.delete_topics([topic])
        self.results["end_to_end"] = summarize_e2e(runs)

    def dispatch(self) -> None:
        cfg = self.profile["dispatch"]
        prefix = self.topic("dispatch")
        self.broker.create_topics([prefix + "-kafka-events"])
        # The part pins the broker and this process to the background CPU in its pinned
        # runs and puts them back; put them back here too, should it die pinned.
        broker_pid = self.broker.pid()
        masks = {pid: cpus.process_cpus(pid) for pid in (broker_pid, os.getpid()) if pid}
        try:
            result = proc.run_part("dispatch", {
                "bootstrap": self.broker.bootstrap, "topic_prefix": prefix,
                "broker_pid": broker_pid, "runner_pid": os.getpid(), **cfg}, self.log_path)
        finally:
            for pid, mask in masks.items():
                if mask:
                    cpus.set_process_cpus(pid, mask)
        self.results["dispatch"] = result
        place = result.get("placement", {})
        if place.get("skipped"):
            log(f"dispatch: {place['skipped']}")
        if place.get("not_moved"):
            log(f"dispatch: not moved to the background CPU: {', '.join(place['not_moved'])}")
        for where, label, measured in targets.dispatch_placements(result):
            log(f"dispatch {where}: {label}")
            for stream, rates in measured["events_per_s"].items():
                summary = targets.dispatch_summary(measured, stream)
                log(f"dispatch {where:8s} {stream:14s} "
                    + "  ".join(f"{v} {m:7.0f}/s" for v, m in summary["rates"].items())
                    + f"  ours/noop {summary['ratio']:.2f}  ({targets.dispatch_detail(summary)})"
                    + ("; loop waits/preemptions per 1k events: " + "  ".join(
                        f"{v} {summary['waits'][v]:.0f}/{summary['preemptions'][v]:.0f}"
                        for v in summary["waits"]) if summary["waits"] else ""))

    def wire(self) -> None:
        cfg = self.profile["wire"]
        prefix = self.topic("wire")
        result = proc.run_part("wire_size", {
            "root": str(ROOT), "bootstrap": self.broker.bootstrap, "topic_prefix": prefix,
            "formats": FORMATS, "codecs": CODECS, **cfg}, self.log_path)
        self.topics += [r["topic"] for r in result["all_runs"]]
        self.results["wire"] = result
        for r in result["runs"]:
            log(f"wire {r['stream']:6s} {r['mode']:5s} {r['format']:7s} {r['codec']:6s} "
                f"{r['stored_bytes_per_event']:8.1f} B/event stored  cpu {r['cpu_us_per_event']:6.2f} us/event"
                f"  broker {r['broker_cpu_us_per_event']:6.2f} us/event")

    def outage(self) -> None:
        cfg = self.profile["outage"]
        was_running = self.broker.running()
        topic = self.topic("outage")
        self.broker.create_topics([topic])
        self.broker.close_admin()  # the broker goes down: no reconnect noise from this process
        try:
            result = proc.run_part("outage_memory", {
                "root": str(ROOT), "bootstrap": self.broker.bootstrap, "topic": topic, **cfg},
                self.log_path)
        finally:
            self.broker_stopped = not self.broker.running()
        self.results["outage"] = result
        log(f"outage {result['events']} {cfg['size']} events buffered: "
            f"{result['bytes_per_event_overall']:.0f} B/event overall "
            f"({result['bytes_per_event_in_librdkafka']:.0f} in librdkafka's queue up to "
            f"{result['librdkafka_queue_limit_events']} events, "
            f"{result['bytes_per_event_in_front_buffer']:.0f} in the front buffer; "
            f"envelope {result['envelope_bytes']:.0f} B)")
        if result.get("recovery"):
            rec = result["recovery"]
            log(f"outage recovery: broker up in {rec['broker_start_seconds']:.1f} s, "
                f"{rec['delivered']} delivered {rec['drain_seconds_after_start']:.1f} s later, "
                f"{rec['undelivered']} undelivered")
        # Restart only a broker this run did not start (someone else's, left as found).
        self.restore_broker = was_running and self.broker_stopped and not self.broker.started_here

    # ----------------------------------------------------------------- driver

    def execute(self, parts: list) -> dict:
        started = time.monotonic()
        self.broker_stopped = False
        self.restore_broker = False
        log(f"profile {self.profile_name}; log {self.log_path.relative_to(ROOT)}")
        self.broker.ensure_running()
        log(f"broker {self.broker.bootstrap} ({'started' if self.broker.started_here else 'already running'})")
        self.broker.delete_leftovers()
        self.results["machine"] = machine.describe(ROOT)
        drift = self.results["machine"]["installed_package_differs"]
        if drift:
            log(f"warning: the installed event_bridge differs from python/event_bridge ({', '.join(drift)}); "
                "the benchmark measures the installed one (pip install --no-build-isolation . "
                "measures this tree)")
        self.results["command"] = " ".join(shlex.quote(a) for a in self.args.command_line)
        self.results["config"] = {"parts": parts, **{p: self.profile[p] for p in parts}}
        try:
            for part in parts:
                began = time.monotonic()
                getattr(self, part)()
                self.results.setdefault("seconds", {})[part] = time.monotonic() - began
        finally:
            if self.broker.running():
                self.broker.delete_topics(self.topics)
            if self.restore_broker:
                self.broker.start()
            elif self.broker.started_here and not self.args.keep_broker and self.broker.running():
                self.broker.stop()
        self.results["seconds"]["total"] = time.monotonic() - started
        self.results["targets"] = targets.evaluate(self.results)
        return self.results


def summarize_e2e(runs: list) -> dict:
    summary, ratios = {}, {}
    cases = sorted({(r["size"], r["content"]) for r in runs},
                   key=lambda c: (bench_events.SIZES.index(c[0]), c[1]))
    for size, content in cases:
        key = f"{size}/{content}"
        of_case = [r for r in runs if (r["size"], r["content"]) == (size, content)]
        # c's records are the same bytes for both contents: compare objects with c too.
        c_runs = [r for r in runs if r["size"] == size and r["system"] == "raw_librdkafka"]
        summary[key] = {}
        for system in SYSTEMS:
            rates = [r["events_per_s"] for r in (c_runs if system == "raw_librdkafka" else of_case)
                     if r["system"] == system]
            if rates:
                cpu = [r["cpu_us_per_event"] for r in of_case + c_runs if r["system"] == system]
                broker = [r["broker_cpu_us_per_event"] for r in of_case + c_runs
                          if r["system"] == system and r["broker_cpu_us_per_event"] is not None]
                summary[key][system] = {"median": statistics.median(rates), "min": min(rates),
                                        "max": max(rates), "runs": len(rates),
                                        "cpu_us_per_event": statistics.median(cpu),
                                        "broker_cpu_us_per_event": statistics.median(broker) if broker else None}
        ratios[key] = {}
        rounds = sorted({r["round"] for r in of_case})
        for other in ("kafka_events", "python_client", "raw_librdkafka"):
            per_round = []
            for rnd in rounds:
                ours = [r["events_per_s"] for r in of_case if r["system"] == "ours" and r["round"] == rnd]
                pool = c_runs if other == "raw_librdkafka" else of_case
                theirs = [r["events_per_s"] for r in pool if r["system"] == other and r["round"] == rnd]
                if not theirs and other == "raw_librdkafka":
                    theirs = [r["events_per_s"] for r in c_runs]
                if ours and theirs:
                    per_round.append(ours[0] / statistics.median(theirs))
            if per_round:
                ratios[key][f"ours/{other}"] = statistics.median(per_round)
        c_rates = [r["events_per_s"] for r in c_runs]
        a_rates = [r["events_per_s"] for r in of_case if r["system"] == "kafka_events"]
        if c_rates and a_rates:
            # The most any system built on librdkafka could reach against a on this machine.
            ratios[key]["raw_librdkafka/kafka_events"] = (statistics.median(c_rates)
                                                          / statistics.median(a_rates))
    return {"runs": runs, "summary": summary, "ratios": ratios,
            "all_counts_ok": all(r["count_ok"] for r in runs)}


def report_only(args: argparse.Namespace) -> int:
    from report import plots, results_md
    profile = "quick" if args.quick else "full"
    out = Path(args.out)
    results = json.loads((out / f"{profile}.json").read_text())
    results["targets"] = targets.evaluate(results)
    targets.print_table(results["targets"])
    for path in plots.write_all(results, out, profile):
        log(f"plot {path}")
    if args.results_md != "no":
        log(f"wrote {results_md.write(results, BENCH_DIR / 'RESULTS.md', out)}")
    return 0


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="the CI profile: fewer events and repeats, under 2 minutes")
    parser.add_argument("--parts", default=",".join(PARTS),
                        help=f"comma-separated subset of {','.join(PARTS)}")
    parser.add_argument("--out", default=str(BENCH_DIR / "results"),
                        help="directory for <profile>.json and the plots")
    parser.add_argument("--no-plots", action="store_true")
    parser.add_argument("--results-md", choices=("auto", "yes", "no"), default="auto",
                        help="write bench/RESULTS.md (auto: for the full profile with every part)")
    parser.add_argument("--keep-broker", action="store_true",
                        help="leave the bench broker running if this run started it")
    parser.add_argument("--report-only", action="store_true",
                        help="measure nothing: redo the plots and RESULTS.md from <out>/<profile>.json")
    args = parser.parse_args(argv)
    if args.report_only:
        return report_only(args)
    args.command_line = ["event-bridge", "bench"] + (list(argv) if argv is not None else sys.argv[1:])
    parts = [p for p in args.parts.split(",") if p]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"--parts: unknown {sorted(unknown)}")
    parts = [p for p in PARTS if p in parts]  # outage last: it stops the broker
    profile = "quick" if args.quick else "full"

    results = Run(profile, args).execute(parts)
    targets.print_table(results["targets"])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / f"{profile}.json"
    json_path.write_text(json.dumps(results, indent=1, default=str))
    log(f"results {json_path}")
    if not args.no_plots:
        from report import plots
        for path in plots.write_all(results, out, profile):
            log(f"plot {path}")
    if args.results_md == "yes" or (args.results_md == "auto" and profile == "full"
                                    and set(parts) == set(PARTS)):
        from report import results_md
        path = results_md.write(results, BENCH_DIR / "RESULTS.md", out)
        log(f"wrote {path}")
    log(f"done in {results['seconds']['total']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
