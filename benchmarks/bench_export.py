"""Export the library (1M annotations) to native JSONL with ``reader export``.

The command runs as a user runs it, in its own process; its peak RSS comes from the kernel
(``wait4``). Memory is constant when exporting all documents peaks no higher than exporting
a third of them (``--status done``). The reference is the ``sqlite3`` command-line shell
writing the same documents with the same spans as JSON (``sqlite3 -json``); the ratio is
taken on documents per second, since both write the same rows.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import Context, Figure, Unavailable, fmt, median
from benchmarks.subprocess_runner import in_fresh_process

TARGET_SECONDS = 3.0
TARGET_CLI_RATIO = 0.5

CLI_QUERY = """
SELECT d.external_id AS id, d.title, d.text, json(d.meta) AS meta,
  (SELECT json_group_array(json_object('id', a.id, 'start', a.start, 'end', a."end",
     'label', a.label, 'text', a.quote, 'note', a.note, 'annotator', a.annotator,
     'created_at', a.created_at))
   FROM (SELECT * FROM annotations a WHERE a.doc_id = d.id AND a.deleted_at IS NULL
         ORDER BY a.start, a."end", a.created_at, a.id) a) AS spans
FROM documents d ORDER BY d.id
"""


@dataclass
class Process:
    seconds: float
    cpu: float  # user + system
    peak_mb: float


def timed_process(command: list[str], stdout: Path) -> Process:
    """Wall time, CPU time and peak RSS of ``command`` writing ``stdout``."""
    with stdout.open("wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode() if process.stderr else ""
    if process.returncode:
        raise RuntimeError(f"{command[:4]} failed ({process.returncode}): {error[-500:]}")
    return Process(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def reader_export(db: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "reader", "--db", str(db),
        "export", "--format", "jsonl", "-o", str(out), *extra,
    ]  # fmt: skip


def export_in_process(db: str, out: str) -> float:
    """Seconds of the export itself (``reader.core.export``), without the command's start-up."""
    from reader.core.export.runner import export
    from reader.core.store import Store

    with Store(db) as store:
        start = time.perf_counter()
        export(store, "jsonl", Path(out))
        return time.perf_counter() - start


def run(ctx: Context) -> None:
    sqlite3_cli = shutil.which("sqlite3")
    if sqlite3_cli is None:
        raise Unavailable("no sqlite3 command-line shell (apt-get install sqlite3)")
    db, out, log = ctx.data.library, ctx.work_dir / "export.jsonl", ctx.work_dir / "log"
    cli_out = out.with_suffix(".cli.json")
    ours, cli, core = [], [], []
    for _ in range(ctx.scale.heavy_runs):  # alternating, so both see the same machine load
        ours.append(timed_process(reader_export(db, out), log))
        cli.append(timed_process([sqlite3_cli, "-json", str(db), CLI_QUERY], cli_out))
        core.append(in_fresh_process(export_in_process, str(db), str(out)))
    our_mb, cli_mb = out.stat().st_size / 2**20, cli_out.stat().st_size / 2**20
    third = timed_process(
        reader_export(db, out.with_suffix(".third.jsonl"), "--status", "done"), log
    )
    seconds, cli_seconds = median([r.seconds for r in ours]), median([r.seconds for r in cli])
    our_cpu, cli_cpu = median([r.cpu for r in ours]), median([r.cpu for r in cli])
    peak = median([r.peak_mb for r in ours])
    ctx.add(
        Figure(
            "export.seconds",
            f"Export {ctx.scale.annotations:,} annotations to native JSONL ({fmt(our_mb)} MB),"
            " `reader export`",
            seconds,
            "s",
            target=TARGET_SECONDS,
            ratio=cli_seconds / seconds,
            ratio_min=TARGET_CLI_RATIO,
            reference=f"sqlite3 -json, same rows, {cli_seconds:.2f} s ({cli_mb:.0f} MB)",
            note=f"ratio: the CLI's time over ours. CPU {our_cpu:.1f} s, the CLI's {cli_cpu:.1f} s",
        )
    )
    ctx.add(
        Figure(
            "export.core_seconds",
            "The same export in-process (`reader.core.export`, no start-up)",
            median(core),
            "s",
            target=TARGET_SECONDS,
        )
    )
    ctx.add(
        Figure(
            "export.mb_per_s",
            "Export rate",
            our_mb / seconds,
            "MB/s",
            higher_is_better=True,
            reference=f"sqlite3 -json {cli_mb / cli_seconds:.0f} MB/s",
        )
    )
    ctx.add(
        Figure(
            "export.peak_rss",
            "Peak RSS of `reader export`, all documents",
            peak,
            "MB",
            ratio=peak / third.peak_mb,
            reference=f"a third of the documents (--status done), {third.peak_mb:.0f} MB",
            note="constant memory: ratio near 1",
        )
    )
