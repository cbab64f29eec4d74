"""The issue's targets, checked against one run's results (ratios from the same run)."""

from __future__ import annotations

import statistics
from typing import Optional

from harness import cpus

HANDLER_CASE = "medium/plain"


def _ratios(numerators: list, denominators: list) -> list:
    return [n / d for n, d in zip(numerators, denominators) if n and d]


def _median(values: list) -> Optional[float]:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _row(ident: str, target: str, basis: str, value: Optional[float], threshold: float,
         higher_is_better: bool, unit: str, detail: str = "", primary: bool = True) -> dict:
    if value is None:
        passed = None
    else:
        passed = value >= threshold if higher_is_better else value <= threshold
    return {"id": ident, "target": target, "basis": basis, "value": value, "unit": unit,
            "threshold": threshold, "pass": passed, "detail": detail, "primary": primary}


def handler_targets(handler: dict) -> list:
    case = handler.get("cases", {}).get(HANDLER_CASE)
    if not case:
        return []
    ours = case["ours.napp"]["per_repeat_median_ns"]
    packb = case["msgpack.packb"]["per_repeat_median_ns"]
    baseline_a = case["kafka_events.handler"]["per_repeat_median_ns"]
    median_ns = _median(ours)
    basis = ("medium (~1 KB link_up) plain-data event, `await napp.on_event(event)`, "
             "median of per-repeat medians")
    return [
        _row("handler_1_5us", "handler median <= 1.5 us", basis, median_ns / 1000, 1.5, False,
             "us", f"{median_ns:.0f} ns (timer overhead {case['timer']['median_ns']:.0f} ns "
             "included)"),
        _row("handler_vs_packb", "handler < msgpack.packb alone on the same content",
             basis, _median(_ratios(packb, ours)), 1.0, True, "x",
             f"packb {_median(packb):.0f} ns / ours {median_ns:.0f} ns"),
        _row("handler_vs_a", "handler >= 30x less than baseline a (kafka_events)", basis,
             _median(_ratios(baseline_a, ours)), 30.0, True, "x",
             f"a {_median(baseline_a):.0f} ns / ours {median_ns:.0f} ns"),
    ]


def end_to_end_targets(e2e: dict) -> list:
    rows = []
    for content, primary in (("plain", True), ("objects", False)):
        key = f"medium/{content}"
        ratios = e2e.get("ratios", {}).get(key)
        if not ratios:
            continue
        basis = (f"medium events ({'plain data' if content == 'plain' else 'Link objects, as_dict() on the loop'}), "
                 "acks=all + idempotence, every record confirmed; median of per-round ratios")
        rates = e2e["summary"][key]
        detail_a = (f"ours {rates['ours']['median']:.0f}/s vs a {rates['kafka_events']['median']:.0f}/s"
                    if "kafka_events" in rates else "")
        if ratios.get("raw_librdkafka/kafka_events"):
            detail_a += f"; raw librdkafka c itself reaches {ratios['raw_librdkafka/kafka_events']:.1f}x a"
        rows.append(_row(f"e2e_vs_a_{content}", "end-to-end >= 30x baseline a", basis,
                         ratios.get("ours/kafka_events"), 30.0, True, "x", detail_a, primary))
        if "raw_librdkafka" in rates:
            rows.append(_row(f"e2e_vs_c_{content}", "end-to-end >= 60% of raw librdkafka (c)",
                             basis, ratios.get("ours/raw_librdkafka"), 0.6, True, "x",
                             f"ours {rates['ours']['median']:.0f}/s vs c "
                             f"{rates['raw_librdkafka']['median']:.0f}/s", primary))
    return rows


DISPATCH_STREAMS = (("mix", "the controller mix (event_mix, live objects)"),
                    ("mix_plain", "the controller mix with content already plain"),
                    ("medium_plain", "medium plain-data events only"),
                    ("medium_objects", "medium Link-object events only"))


def dispatch_placements(dispatch: dict) -> list:
    """(placement, label, measurements), pinned first when the run measured it; the unpinned
    measurements are the top level (where results from before pinning have theirs)."""
    place = dispatch.get("placement", {})
    pairs = []
    if cpus.PINNED in dispatch:
        pairs.append((cpus.PINNED, place["pinned_label"], dispatch[cpus.PINNED]))
    return pairs + [(cpus.UNPINNED, place.get("unpinned_label", cpus.UNPINNED_LABEL), dispatch)]


def dispatch_summary(measured: dict, stream: str) -> dict:
    """Medians of one stream in one placement: events/s and loop-thread CPU per variant,
    ours/noop (median of per-repeat ratios) and, with live objects, the loop-thread CPU per
    event in the objects' as_dict(): inside the dispatch (the as_dict-only listener's loop
    CPU minus the no-op listener's), its share of what our NApp adds over the no-op
    listener, and the same calls timed alone in a row."""
    rates = measured["events_per_s"][stream]
    loop = {v: _median(c) for v, c in measured["loop_thread_cpu_us_per_event"][stream].items()}

    def per_variant(key: str) -> dict:
        return {v: _median(c) for v, c in measured.get(key, {}).get(stream, {}).items()}

    summary = {"rates": {v: _median(r) for v, r in rates.items()}, "loop_cpu": loop,
               "ratio": _median(_ratios(rates["ours"], rates["noop"])),
               "loop_gap": loop["ours"] - loop["noop"],
               "as_dict": loop["as_dict"] - loop["noop"] if "as_dict" in loop else None,
               "as_dict_alone": _median(measured.get("as_dict_alone_loop_cpu_us_per_event",
                                                     {}).get(stream, [])),
               "as_dict_share": None,
               "waits": per_variant("loop_thread_waits_per_1k_events"),
               "preemptions": per_variant("loop_thread_preemptions_per_1k_events")}
    if summary["as_dict"] is not None and summary["loop_gap"] > 0:
        summary["as_dict_share"] = summary["as_dict"] / summary["loop_gap"]
    return summary


def dispatch_detail(summary: dict) -> str:
    rates, loop = summary["rates"], summary["loop_cpu"]
    detail = (f"ours {rates['ours']:.0f}/s vs no-op {rates['noop']:.0f}/s; loop thread CPU "
              f"{loop['ours']:.1f} vs {loop['noop']:.1f} us/event")
    if summary["as_dict"] is not None:
        detail += f"; as_dict() {summary['as_dict']:.1f} us/event"
        if summary["as_dict_share"] is not None:
            detail += f" = {summary['as_dict_share']:.0%} of the {summary['loop_gap']:.1f} us ours adds"
    return detail


def dispatch_targets(dispatch: dict) -> list:
    """The pinned controller mix is the primary row (the deployment: the loop thread has a
    core of its own); without it (fewer than 2 CPUs, or results from before pinning) the
    unpinned mix is."""
    rows = []
    skipped = dispatch.get("placement", {}).get("skipped")
    placements = dispatch_placements(dispatch)
    for index, (placement, where, measured) in enumerate(placements):
        for stream, label in DISPATCH_STREAMS:
            if stream not in measured.get("events_per_s", {}):
                continue
            summary = dispatch_summary(measured, stream)
            basis = f"{label}; {where}"
            if skipped and placement == cpus.UNPINNED:
                basis += f" ({skipped})"
            rows.append(_row(f"dispatch_{stream}" if placement == cpus.UNPINNED
                             else f"dispatch_{placement}_{stream}",
                             "Kytos dispatch with our NApp >= 90% of a do-nothing "
                             "alisten_to('.*') listener", basis, summary["ratio"], 0.9, True, "x",
                             dispatch_detail(summary), index == 0 and stream == "mix"))
    return rows


def evaluate(results: dict) -> list:
    rows = []
    if "handler" in results:
        rows += handler_targets(results["handler"])
    if "end_to_end" in results:
        rows += end_to_end_targets(results["end_to_end"])
    if "dispatch" in results:
        rows += dispatch_targets(results["dispatch"])
    return rows


def format_value(row: dict) -> str:
    value = row["value"]
    if value is None:
        return "n/a"
    if row["unit"] == "us":
        return f"{value:.2f} us"
    if row["threshold"] < 1.5 and row["unit"] == "x":
        return f"{value * 100:.0f}%" if row["id"].startswith(("e2e_vs_c", "dispatch")) else f"{value:.2f}x"
    return f"{value:.1f}x"


def verdict(row: dict) -> str:
    return {True: "PASS", False: "FAIL", None: "n/a"}[row["pass"]]


def print_table(rows: list) -> None:
    print("\nTargets (ratios measured in this run):")
    for row in rows:
        tag = "" if row["primary"] else " (secondary)"
        print(f"  {verdict(row):4s}  {row['target']}{tag}: {format_value(row)}"
              f"  [{row['basis']}; {row['detail']}]")
