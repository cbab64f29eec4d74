"""The soak section of bench/RESULTS.md, from the newest bench/results/soak-*.json of a run
of at least 30 minutes (scripts/soak.sh; issue 4)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

MIN_MINUTES = 30


def newest(results_dir: Path, min_minutes: float = MIN_MINUTES) -> Optional[dict]:
    runs = []
    for path in sorted(results_dir.glob("soak-*.json")):
        try:
            run = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if run.get("parameters", {}).get("minutes", 0) >= min_minutes:
            run["_file"] = path.name
            runs.append(run)
    return runs[-1] if runs else None


def _command(run: dict) -> str:
    if run.get("command"):
        return run["command"]
    p = run["parameters"]
    return (f"scripts/soak.sh --minutes {p['minutes']:g} --rate {p['rate']} "
            f"--restart-every {p['restart_every_s']:g} --buffer-mb {p['buffer_max_bytes'] >> 20}")


def section(results_dir: Path) -> list:
    run = newest(results_dir)
    if run is None:
        return ["## 6. Soak", "", f"No soak run of {MIN_MINUTES} minutes or more in "
                "bench/results/ yet (`scripts/soak.sh`).", ""]
    p, rss, dropped = run["parameters"], run["rss"], run["dropped"]
    machine = run.get("machine", {})
    verdict = ("PASS" if run["unreported_loss"] == 0 and rss["max_mib"] <= rss["bound_mib"]
               and run["duplicates"] == 0 else "FAIL")
    restarts = run.get("restarts", [])
    lines = [
        f"## 6. Soak: {p['minutes']:g} minutes at {p['rate']:,} events/s, the broker SIGKILLed "
        f"and restarted every {p['restart_every_s']:g} s",
        "",
        f"- **Command:** `{_command(run)}` (not part of CI; bench/soak.py)",
        f"- **Date:** {run['started_at']}; **machine:** {machine.get('cpus', '?')} CPUs, "
        f"Linux {machine.get('kernel', '?')}, Python {machine.get('python', '?')}; the broker "
        f"(one KRaft node, {run['bootstrap']}) on the same CPUs"
        + (f"; commit {run['commit']}" if run.get("commit") else "") + ".",
        f"- **Events:** {p['events']}, {p['format']}; `buffer_max_bytes` "
        f"{p['buffer_max_bytes'] >> 20} MiB. Results: `bench/results/{run['_file']}`.",
        "",
        f"**{verdict}**: {run['sent']:,} events sent ({run['sent'] / (p['minutes'] * 60):,.0f}/s), "
        f"{run['published']:,} published, {run['delivered']:,} delivered (distinct "
        f"`(instance, seq)` read back by a consumer), {run['duplicates']} duplicates, "
        f"{dropped['reported_total']:,} dropped and reported (buffer_full "
        f"{dropped['buffer_full']:,}, closed {dropped['closed']}, terminal "
        f"{dropped['failed_terminal']}), **unreported loss {run['unreported_loss']}** "
        f"(published - delivered - reported drops). Gap records: "
        f"{run['gap_records']['published']} published, {run['gap_records']['read']} read back, "
        f"counts adding up to {run['gap_records']['count_sum']:,}; missing seqs "
        f"{run['missing_seqs']:,}, of which outside every gap record "
        f"{run['missing_seqs_not_in_a_gap_record']}.",
        "",
        f"RSS: {rss['start_mib']} MiB at start, at most {rss['max_mib']} MiB, bound "
        f"{rss['bound_mib']} MiB ({rss['bound']}).",
        "",
    ]
    if restarts:
        lines += ["| restart | at (s) | broker down (s) | bridge buffer drained after the broker was back (s) |",
                  "|---|---|---|---|"]
        for i, r in enumerate(restarts, 1):
            drained = r.get("drained_s_after_up")
            lines.append(f"| {i} | {r['at_s']:.0f} | {r['down_s']:.1f} | "
                         f"{'-' if drained is None else f'{drained:.1f}'} |")
        lines.append("")
    lines += ["RSS and counters over time (one row a minute):", "",
              "| t (s) | RSS MiB | published | acked | buffered | buffered MiB | in flight | dropped | gap records | connection |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    last_minute = -1
    for row in run["samples"]:
        minute = int(row["t_s"] // 60)
        if minute == last_minute and row is not run["samples"][-1]:
            continue
        last_minute = minute
        lines.append(f"| {row['t_s']:.0f} | {row['rss_mib']} | {row['published']:,} | "
                     f"{row['delivered_acks']:,} | {row['buffered']:,} | {row['buffered_mib']} | "
                     f"{row['in_flight']:,} | {row['dropped']:,} | {row['gap_records']} | "
                     f"{row['connection']} |")
    lines.append("")
    return lines
