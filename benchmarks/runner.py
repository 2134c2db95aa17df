"""Run the benchmarks in order and collect their figures; one failing benchmark spares the rest."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from benchmarks import (
    bench_commit,
    bench_export,
    bench_import,
    bench_latency,
    bench_memory,
    bench_search,
    bench_startup,
)
from benchmarks.common import DATA_ROOT, Context, Figure, Scale, Unavailable
from benchmarks.datagen import dataset

BENCHMARKS: dict[str, ModuleType] = {
    "import": bench_import,
    "commit": bench_commit,
    "search": bench_search,
    "export": bench_export,
    "startup": bench_startup,
    "latency": bench_latency,
    "memory": bench_memory,
}


@dataclass
class Outcome:
    scale: Scale
    figures: list[Figure] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # benchmark -> why
    failed: dict[str, str] = field(default_factory=dict)  # benchmark -> traceback
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per step
    load: dict[str, float] = field(default_factory=dict)  # 1-minute load average at its start
    started: dict[str, str] = field(default_factory=dict)  # UTC date and time of its start


def run(
    scale: Scale,
    names: list[str] | None = None,
    root: Path = DATA_ROOT,
    log: Callable[[str], None] = print,
) -> Outcome:
    outcome = Outcome(scale)
    start = time.perf_counter()
    data = dataset(scale, root, log)
    outcome.seconds["data"] = time.perf_counter() - start
    # Scratch space of this run alone: runs started side by side must not empty each other's.
    work = Path(tempfile.mkdtemp(prefix=f"work-{scale.name}-", dir=root))
    for name in names or list(BENCHMARKS):
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        ctx = Context(scale, data, work, log=log)
        outcome.load[name] = os.getloadavg()[0]
        outcome.started[name] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        log(f"[{name}] (load average {outcome.load[name]:.1f})")
        start = time.perf_counter()
        try:
            BENCHMARKS[name].run(ctx)
        except Unavailable as exc:
            outcome.skipped[name] = str(exc)
            log(f"  skipped: {exc}")
        except Exception:
            outcome.failed[name] = traceback.format_exc()
            log(f"  FAILED:\n{outcome.failed[name]}")
        outcome.seconds[name] = time.perf_counter() - start
        outcome.figures.extend(ctx.figures)
    shutil.rmtree(work, ignore_errors=True)
    return outcome


def merge(earlier: Outcome, later: Outcome) -> Outcome:
    """``earlier`` with the benchmarks that ``later`` ran replaced by their new results."""
    ran = set(later.started)
    kept = [f for f in earlier.figures if f.key.split(".")[0] not in ran]
    merged = Outcome(earlier.scale, kept + later.figures)
    for name in BENCHMARKS:
        source = later if name in ran else earlier
        for part in ("skipped", "failed", "seconds", "load", "started"):
            if name in getattr(source, part):
                getattr(merged, part)[name] = getattr(source, part)[name]
    merged.seconds["data"] = later.seconds.get("data", 0.0)
    order = list(BENCHMARKS)
    merged.figures.sort(key=lambda f: order.index(f.key.split(".")[0]))
    return merged


def save(outcome: Outcome, path: Path) -> None:
    path.write_text(json.dumps(asdict(outcome), indent=1))


def load(path: Path) -> Outcome:
    """The outcome of an earlier run, to render its report again."""
    fields = json.loads(path.read_text())
    fields["scale"] = Scale(**fields["scale"])
    fields["figures"] = [Figure(**figure) for figure in fields["figures"]]
    return Outcome(**fields)
