"""The issue's targets, checked against one run's results (ratios from the same run)."""

from __future__ import annotations

import statistics
from typing import Optional

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


def dispatch_targets(dispatch: dict) -> list:
    rows = []
    rates = dispatch.get("events_per_s", {})
    for stream, primary, label in (("mix", True, "the controller mix (event_mix, live objects)"),
                                   ("mix_plain", False, "the controller mix with content already plain"),
                                   ("medium_plain", False, "medium plain-data events only"),
                                   ("medium_objects", False, "medium Link-object events only")):
        if stream not in rates:
            continue
        ratio = _median(_ratios(rates[stream]["ours"], rates[stream]["noop"]))
        rows.append(_row(f"dispatch_{stream}", "Kytos dispatch with our NApp >= 90% of a "
                         "do-nothing alisten_to('.*') listener", label, ratio, 0.9, True, "x",
                         f"ours {_median(rates[stream]['ours']):.0f}/s vs no-op "
                         f"{_median(rates[stream]['noop']):.0f}/s", primary))
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
