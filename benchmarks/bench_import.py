"""Import the corpus through the code of ``reader import``; compare with a raw ``insert_all``.

Each run is a fresh process (so its peak memory is its own) importing into a fresh database.
The full-text index is filled inside the import transaction; its share is timed by wrapping
``Store._index_documents_from`` for the duration of the run (instrumentation only).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import orjson

from benchmarks.common import Context, Figure, median, peak_rss_mb
from benchmarks.subprocess_runner import in_fresh_process

TARGET_SECONDS = 10.0
TARGET_RAW_RATIO = 0.5


def _fresh_db(path: Path) -> Path:
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    return path


def real_import(corpus: str, db: str) -> dict[str, Any]:
    """What ``reader import CORPUS --db DB`` does, timed, with the FTS share split out."""
    from reader.cli.corpus_commands import import_paths
    from reader.core.store import Store

    fts: list[float] = []
    index = Store._index_documents_from

    def timed_index(store: Store, first_id: int) -> None:
        start = time.perf_counter()
        index(store, first_id)
        fts.append(time.perf_counter() - start)

    Store._index_documents_from = timed_index  # type: ignore[method-assign,assignment]
    start, cpu = time.perf_counter(), time.process_time()
    with Store(_fresh_db(Path(db))) as store:
        report, bad = import_paths(store, [Path(corpus)])
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    if bad or report.refused:
        raise RuntimeError(f"import reported problems: {(bad + report.refused)[:3]}")
    return {
        "seconds": seconds,
        "cpu": cpu,
        "fts": sum(fts),
        "docs": report.added,
        "rss": peak_rss_mb(),
    }


def raw_insert_all(corpus: str, db: str) -> dict[str, Any]:
    """The same rows through ``sqlite_utils`` ``insert_all``, prepared before the clock starts."""
    import sqlite_utils

    from reader.core.store import Store, now, sha256_hex

    stamp = now()
    source = str(Path(corpus).resolve())
    rows = []
    with open(corpus, "rb") as lines:
        for line in lines:
            record = orjson.loads(line)
            rows.append(
                {
                    "external_id": record["id"],
                    "title": record["title"],
                    "source_path": source,
                    "sha256": sha256_hex(record["text"]),
                    "format": "text",
                    "text": record["text"],
                    "meta": orjson.dumps(record["meta"]).decode(),
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
    with Store(_fresh_db(Path(db))) as store:  # same schema, indexes and pragmas
        start, cpu = time.perf_counter(), time.process_time()
        with store.write():
            sqlite_utils.Database(store.conn)["documents"].insert_all(rows)  # type: ignore[union-attr]
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "docs": len(rows)}


def run(ctx: Context) -> None:
    corpus, db = str(ctx.data.corpus), str(ctx.work_dir / "import.db")
    real, raw = [], []
    for _ in range(ctx.scale.heavy_runs):  # alternating, so both see the same machine load
        real.append(in_fresh_process(real_import, corpus, db))
        raw.append(in_fresh_process(raw_insert_all, corpus, db))
    _fresh_db(Path(db))
    docs = real[0]["docs"]
    total = median([r["seconds"] for r in real])
    fts = median([r["fts"] for r in real])
    without_fts = median([r["seconds"] - r["fts"] for r in real])
    raw_seconds = median([r["seconds"] for r in raw])
    raw_rate = raw[0]["docs"] / raw_seconds
    rate = docs / without_fts
    ctx.add(
        Figure(
            "import.seconds",
            f"Import {docs:,} documents ({ctx.data.corpus_mb:.0f} MB JSONL), without FTS",
            without_fts,
            "s",
            target=TARGET_SECONDS,
        )
    )
    ctx.add(
        Figure(
            "import.rate",
            "Import rate, without FTS",
            rate,
            "docs/s",
            higher_is_better=True,
            ratio=rate / raw_rate,
            ratio_min=TARGET_RAW_RATIO,
            reference=f"raw sqlite-utils insert_all, {raw_rate:,.0f} docs/s",
            note=f"raw: {raw_seconds:.1f} s, CPU {median([r['cpu'] for r in raw]):.1f} s",
        )
    )
    ctx.add(Figure("import.fts_seconds", "FTS index build (inside the import)", fts, "s"))
    ctx.add(
        Figure(
            "import.total_seconds",
            "Import including FTS (what `reader import` takes)",
            total,
            "s",
            target=TARGET_SECONDS,
            note=f"CPU {median([r['cpu'] for r in real]):.1f} s",
        )
    )
    ctx.add(
        Figure(
            "import.peak_rss",
            "Peak RSS of the import process",
            median([r["rss"] for r in real]),
            "MB",
        )
    )
