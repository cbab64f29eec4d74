"""Order statistics of timing samples, and medians over repeated runs."""

from __future__ import annotations

import statistics
from typing import Iterable, Sequence


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of already sorted values (fraction in [0, 1])."""
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, int(round(fraction * (len(sorted_values) - 1)))))
    return float(sorted_values[index])


def summarize_ns(samples: Iterable[int]) -> dict:
    """Median, p90, p99, p99.9, mean and count of per-event nanosecond timings."""
    values = sorted(samples)
    return {
        "count": len(values),
        "median_ns": percentile(values, 0.5),
        "p90_ns": percentile(values, 0.9),
        "p99_ns": percentile(values, 0.99),
        "p999_ns": percentile(values, 0.999),
        "mean_ns": statistics.fmean(values) if values else float("nan"),
        "min_ns": float(values[0]) if values else float("nan"),
    }


def median_of(values: Iterable[float]) -> float:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def spread(values: Iterable[float]) -> dict:
    """Median, minimum and maximum of the values of repeated runs."""
    values = [v for v in values if v is not None]
    if not values:
        return {"median": float("nan"), "min": float("nan"), "max": float("nan"), "runs": 0}
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "runs": len(values)}


def histogram(samples: Sequence[int], edges: Sequence[float]) -> list[int]:
    """Counts of samples per [edges[i], edges[i+1]) bucket, the last one open-ended."""
    counts = [0] * len(edges)
    for value in samples:
        lo, hi = 0, len(edges) - 1
        if value < edges[0]:
            counts[0] += 1
            continue
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if edges[mid] <= value:
                lo = mid
            else:
                hi = mid - 1
        counts[lo] += 1
    return counts
