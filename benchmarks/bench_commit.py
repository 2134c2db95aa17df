"""Saving one annotation with its action row (``Store.add_annotation``), and undoing it.

Runs on a copy of the library database (1M annotations), so indexes are at their real size,
with the store opened as the app opens it: commits never copy the WAL back themselves, a
thread does (the app's every few seconds; here every 0.1 s, so that commits meet it). The
store's own setting (WAL + synchronous=NORMAL) is measured, and synchronous=FULL for
comparison: NORMAL in WAL survives a crash of the app but not a power cut; FULL survives both.
"""

from __future__ import annotations

import random
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.common import Context, Figure, percentile
from reader.core.store import Store, checkpoint

TARGET_P99_MS = 5.0
CHECKPOINT_EVERY_SECONDS = 0.1


Series = tuple[list[float], list[float]]  # wall and CPU milliseconds per call


def _latencies_ms(samples: int, action: Callable[[int], object]) -> Series:
    wall: list[float] = []
    cpu: list[float] = []
    for i in range(samples):
        start, cpu_start = time.perf_counter(), time.thread_time()
        action(i)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - cpu_start) * 1000)
    return wall, cpu


def _spans(store: Store, samples: int) -> list[tuple[int, int, int]]:
    rng = random.Random(7)
    doc_ids = store.document_ids()
    spans = []
    for _ in range(samples):
        doc_id = rng.choice(doc_ids)
        length = store.conn.execute(
            "SELECT length(text) FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()[0]
        start = rng.randrange(0, length - 30)
        spans.append((doc_id, start, start + rng.randint(10, 30)))
    return spans


def commit_latencies(store: Store, samples: int) -> Series:
    spans = _spans(store, samples)

    def add(i: int) -> None:
        doc_id, start, end = spans[i]
        store.add_annotation(doc_id, start, end, "denial")

    return _latencies_ms(samples, add)


def undo_latencies(store: Store, doc_id: int, samples: int) -> Series:
    """Undo the latest action of ``doc_id`` (whose log is as long as its history)."""
    return _latencies_ms(samples, lambda _: store.undo(doc_id))


@contextmanager
def _checkpoints(db: Path) -> Iterator[None]:
    """Checkpoint ``db`` from a thread, as the app does, while the block runs."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(CHECKPOINT_EVERY_SECONDS):
            checkpoint(db)

    thread = threading.Thread(target=loop)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def run(ctx: Context) -> None:
    db = ctx.work_dir / "commit.db"
    shutil.copyfile(ctx.data.library, db)
    samples = ctx.scale.samples * 5
    with Store(db, autocheckpoint=False) as store, _checkpoints(db):
        normal = commit_latencies(store, samples)
        store.conn.execute("PRAGMA synchronous = FULL")
        full = commit_latencies(store, samples)
        store.conn.execute("PRAGMA synchronous = NORMAL")
        big_id, actions = store.conn.execute(
            "SELECT doc_id, count(*) FROM actions GROUP BY doc_id ORDER BY 2 DESC LIMIT 1"
        ).fetchone()
        undo = undo_latencies(store, big_id, min(samples, actions // 2))
    for mode, (times, cpu) in (("NORMAL", normal), ("FULL", full)):
        suffix = "" if mode == "NORMAL" else "_full"
        target = TARGET_P99_MS if mode == "NORMAL" else None
        note = "the store's setting" if mode == "NORMAL" else "for comparison"
        ctx.add(
            Figure(
                f"commit.p50{suffix}",
                f"add_annotation p50, WAL + {mode}",
                percentile(times, 50),
                "ms",
                note=note,
            )
        )
        ctx.add(
            Figure(
                f"commit.p99{suffix}",
                f"add_annotation p99, WAL + {mode}",
                percentile(times, 99),
                "ms",
                target=target,
                note=f"{note}; CPU p99 {percentile(cpu, 99):.2f} ms",
            )
        )
    ctx.add(
        Figure(
            "commit.undo_p99",
            f"undo p99 on a document with {actions:,} actions in its log",
            percentile(undo[0], 99),
            "ms",
            target=TARGET_P99_MS,
            note=f"p50 {percentile(undo[0], 50):.2f} ms; CPU p99 {percentile(undo[1], 99):.2f} ms",
        )
    )
