"""What every benchmark shares: the scale it runs at, its data, timing statistics, figures."""

from __future__ import annotations

import gc
import os
import resource
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
DATA_ROOT = BENCH_DIR / "data"


@dataclass(frozen=True)
class Scale:
    """How big the generated data is and how often each measurement is repeated."""

    name: str
    documents: int  # corpus documents (news-like, mixed sizes)
    mean_doc_chars: int
    big_doc_chars: int  # the one long document
    annotations: int  # in the library database, over all documents
    big_doc_annotations: int  # of those, on the long document (made through the UI path)
    runs: int  # repetitions of a measurement (median reported)
    heavy_runs: int  # ... of one that takes a minute at full scale (import, export)
    samples: int  # samples of a latency distribution (p50/p95/p99 reported)


FULL = Scale(
    name="full",
    documents=100_000,
    mean_doc_chars=2_500,
    big_doc_chars=1_000_000,
    annotations=1_000_000,
    big_doc_annotations=1_000,
    runs=3,
    heavy_runs=2,
    samples=400,
)
QUICK = Scale(
    name="quick",
    documents=300,
    mean_doc_chars=1_500,
    big_doc_chars=20_000,
    annotations=3_000,
    big_doc_annotations=40,
    runs=2,
    heavy_runs=1,
    samples=20,
)


@dataclass
class Figure:
    """One measured figure, the target it is held to and the reference it is compared with."""

    key: str  # stable id, e.g. "import.docs_per_s"
    name: str  # what was measured, for the table
    value: float
    unit: str
    target: float | None = None
    higher_is_better: bool = False
    ratio: float | None = None  # against a reference measured in the same run
    ratio_min: float | None = None  # the ratio must be at least this
    ratio_max: float | None = None  # ... or at most this
    reference: str = ""  # what the ratio is taken against, with its value
    note: str = ""

    @property
    def target_text(self) -> str:
        parts = []
        if self.target is not None:
            parts.append(f"{'≥' if self.higher_is_better else '≤'} {fmt(self.target)} {self.unit}")
        if self.ratio_min is not None:
            parts.append(f"ratio ≥ {self.ratio_min:g}")
        if self.ratio_max is not None:
            parts.append(f"ratio ≤ {self.ratio_max:g}")
        return ", ".join(parts)

    @property
    def passed(self) -> bool | None:
        checks = []
        if self.target is not None:
            ok = self.value >= self.target if self.higher_is_better else self.value <= self.target
            checks.append(ok)
        if self.ratio is not None and self.ratio_min is not None:
            checks.append(self.ratio >= self.ratio_min)
        if self.ratio is not None and self.ratio_max is not None:
            checks.append(self.ratio <= self.ratio_max)
        return all(checks) if checks else None


class Unavailable(Exception):
    """The code a benchmark measures is not there (yet); the benchmark is skipped."""


@dataclass(frozen=True)
class Dataset:
    """The generated data a benchmark runs on (see ``benchmarks.datagen``)."""

    corpus: Path  # JSONL, one news-like document per line
    big_doc: Path  # one long plain-text document
    library: Path  # a database with the corpus, the long document and the annotations

    @property
    def corpus_mb(self) -> float:
        return self.corpus.stat().st_size / 2**20


@dataclass
class Context:
    """Passed to every benchmark: the scale, its data, and where figures go."""

    scale: Scale
    data: Dataset
    work_dir: Path  # scratch space, emptied by the runner
    figures: list[Figure] = field(default_factory=list)
    log: Callable[[str], None] = print

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        self.log("  " + describe(figure))
        return figure


def describe(figure: Figure) -> str:
    text = f"{figure.name}: {fmt(figure.value)} {figure.unit}"
    if figure.ratio is not None:
        text += f" (ratio {figure.ratio:.2f} to {figure.reference})"
    verdict = {True: "PASS", False: "FAIL", None: ""}[figure.passed]
    return f"{text} {verdict}".rstrip()


def fmt(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by the nearest-rank method."""
    ordered = sorted(values)
    rank = max(1, round(q / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """``with stopwatch() as t: ...`` then ``t[0]`` is the elapsed seconds."""
    elapsed: list[float] = []
    gc.collect()
    start = time.perf_counter()
    try:
        yield elapsed
    finally:
        elapsed.append(time.perf_counter() - start)


def repeat(runs: int, action: Callable[[], Any]) -> list[float]:
    """Seconds taken by each of ``runs`` calls of ``action``."""
    times = []
    for _ in range(runs):
        with stopwatch() as t:
            action()
        times.append(t[0])
    return times


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size in MB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(who).ru_maxrss / 1024


def current_rss_mb(pid: int | None = None) -> float:
    """Resident set size now, read from /proc."""
    with open(f"/proc/{pid or os.getpid()}/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
