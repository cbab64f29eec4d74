"""PNG plots of one run (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SYSTEM_LABELS = {
    "raw_librdkafka": "c: raw librdkafka (C++)",
    "ours": "kytos-event-bridge (NApp)",
    "python_client": "b: msgpack + confluent-kafka",
    "kafka_events": "a: kafka_events (json + aiokafka)",
}
COLORS = {"raw_librdkafka": "#7f7f7f", "ours": "#1f77b4", "python_client": "#2ca02c",
          "kafka_events": "#d62728"}


def throughput(results: dict, path: Path) -> Path:
    summary = results["end_to_end"]["summary"]
    contents = sorted({key.split("/")[1] for key in summary}, reverse=True)
    fig, axes = plt.subplots(1, len(contents), figsize=(6 * len(contents), 4.5), squeeze=False)
    for ax, content in zip(axes[0], contents):
        sizes = [k.split("/")[0] for k in summary if k.endswith("/" + content)]
        width = 0.2
        for i, system in enumerate(SYSTEM_LABELS):
            xs, ys, errs = [], [], [[], []]
            for j, size in enumerate(sizes):
                stats = summary[f"{size}/{content}"].get(system)
                if not stats:
                    continue
                xs.append(j + (i - 1.5) * width)
                ys.append(stats["median"])
                errs[0].append(stats["median"] - stats["min"])
                errs[1].append(stats["max"] - stats["median"])
            if xs:
                bars = ax.bar(xs, ys, width, yerr=errs, label=SYSTEM_LABELS[system],
                              color=COLORS[system], capsize=2)
                for bar, y in zip(bars, ys):
                    ax.annotate(f"{y / 1000:.1f}k" if y >= 1000 else f"{y:.0f}",
                                (bar.get_x() + bar.get_width() / 2, y), ha="center",
                                va="bottom", fontsize=7)
        ax.set_yscale("log")
        ax.set_xticks(range(len(sizes)))
        ax.set_xticklabels(sizes)
        ax.set_ylabel("events/s (acks=all, idempotent, all confirmed)")
        ax.set_title(f"End-to-end throughput, {content} content")
        ax.grid(axis="y", which="both", alpha=0.3)
    fig.legend(*axes[0][0].get_legend_handles_labels(), loc="lower center", ncol=4, fontsize=8)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


HANDLER_SERIES = (
    ("ours.publish_event", "bridge.publish_event (native call)", "#9ecae1"),
    ("ours.napp", "our NApp handler", "#1f77b4"),
    ("msgpack.packb", "msgpack.packb alone", "#ff7f0e"),
    ("json.dumps", "json.dumps alone", "#bcbd22"),
    ("python_client.handler", "b: packb + produce + poll", "#2ca02c"),
    ("kafka_events.handler", "a: kafka_events handler", "#d62728"),
)


def handler(results: dict, path: Path) -> Path:
    cases = results["handler"]["cases"]
    fractions = results["handler"]["quantile_fractions"]
    keys = [k for k in ("medium/plain", "medium/objects", "large/objects") if k in cases]
    fig, axes = plt.subplots(1, len(keys), figsize=(6 * len(keys), 4.5), squeeze=False)
    for ax, key in zip(axes[0], keys):
        for name, label, color in HANDLER_SERIES:
            q = cases[key][name]["quantiles_ns"]
            ax.plot([v / 1000 for v in q], fractions, label=label, color=color)
        ax.axvline(1.5, color="k", linestyle=":", linewidth=1)
        ax.set_xscale("log")
        ax.set_xlabel("time on the event loop per event (us, log)")
        ax.set_ylabel("fraction of events")
        ax.set_title(f"Handler cost distribution, {key} ({cases[key]['_pool']['name']})",
                     fontsize=9)
        ax.grid(alpha=0.3, which="both")
    axes[0][0].legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def wire(results: dict, path: Path) -> Path:
    runs = results["wire"]["runs"]
    groups = sorted({(r["stream"], r["mode"]) for r in runs},
                    key=lambda g: (g[0] != "mix", g[0], g[1]))
    fig, axes = plt.subplots(2, len(groups), figsize=(5 * len(groups), 7), squeeze=False)
    for col, (stream, mode) in enumerate(groups):
        sel = [r for r in runs if (r["stream"], r["mode"]) == (stream, mode)]
        codecs = list(dict.fromkeys(r["codec"] for r in sel))
        for row, (field, ylabel) in enumerate((("stored_bytes_per_event", "bytes per event on the broker"),
                                               ("cpu_us_per_event", "bridge CPU us per event"))):
            ax = axes[row][col]
            for i, fmt in enumerate(("msgpack", "json")):
                values = [next((r[field] for r in sel if r["codec"] == c and r["format"] == fmt), 0)
                          for c in codecs]
                bars = ax.bar([j + (i - 0.5) * 0.38 for j in range(len(codecs))], values, 0.38,
                              label="MessagePack" if fmt == "msgpack" else "JSON")
                for bar, v in zip(bars, values):
                    ax.annotate(f"{v:.0f}" if v >= 10 else f"{v:.1f}",
                                (bar.get_x() + bar.get_width() / 2, v), ha="center",
                                va="bottom", fontsize=7)
            ax.set_xticks(range(len(codecs)))
            ax.set_xticklabels(codecs)
            ax.set_ylabel(ylabel)
            ax.set_title(f"{stream} stream, {mode}", fontsize=9)
            ax.grid(axis="y", alpha=0.3)
        axes[0][col].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def dispatch(results: dict, path: Path) -> Path:
    import statistics

    from report.targets import dispatch_placements
    placements = dispatch_placements(results["dispatch"])
    fig, axes = plt.subplots(1, len(placements), figsize=(7 * len(placements), 4), sharey=True,
                             squeeze=False)
    variants = ["none", "noop", "ours", "kafka_events"]
    labels = {"none": "no bridge", "noop": "do-nothing listener", "ours": "our NApp",
              "kafka_events": "kafka_events"}
    for ax, (placement, label, measured) in zip(axes[0], placements):
        rates = measured["events_per_s"]
        for i, stream in enumerate(rates):
            values = [statistics.median(rates[stream][v]) for v in variants]
            bars = ax.bar([j + (i - (len(rates) - 1) / 2) * 0.2 for j in range(len(variants))],
                          values, 0.2, label=stream)
            for bar, v in zip(bars, values):
                ax.annotate(f"{v / 1000:.0f}k", (bar.get_x() + bar.get_width() / 2, v),
                            ha="center", va="bottom", fontsize=7)
        ax.set_xticks(range(len(variants)))
        ax.set_xticklabels([labels[v] for v in variants])
        ax.set_title(f"Kytos dispatch overhead, {placement}\n"
                     f"({label.removeprefix(placement + ': ')})", fontsize=9)
        ax.legend(fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].set_ylabel("events/s through Kytos-like dispatch")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def outage(results: dict, path: Path) -> Path:
    points = results["outage"]["points"]
    fig, ax = plt.subplots(figsize=(7, 4))
    xs = [p["events"] for p in points]
    ax.plot(xs, [p["rss_growth"] / 2 ** 20 for p in points], "o-", label="RSS growth (MiB)")
    ax2 = ax.twinx()
    ax2.plot(xs, [p["in_librdkafka"] for p in points], "--", color="#7f7f7f",
             label="events in librdkafka's queue")
    ax2.plot(xs, [p["in_front_buffer"] for p in points], "--", color="#2ca02c",
             label="events in the front buffer")
    ax.set_xlabel("events published while the broker is down")
    ax.set_ylabel("MiB")
    ax2.set_ylabel("events held")
    ax.set_title("Memory during a broker outage")
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_all(results: dict, out: Path, profile: str) -> list:
    written = []
    for part, plot in (("end_to_end", throughput), ("handler", handler), ("wire", wire),
                       ("dispatch", dispatch), ("outage", outage)):
        if part in results:
            written.append(plot(results, out / f"{profile}-{part.replace('_', '-')}.png"))
    return written
