"""Memory of the running app: resident set size with the library of the whole corpus open,
and after opening the 1 MB document from it, read from ``/proc/PID/status`` (VmRSS, VmHWM).

``python -m reader --db LIBRARY`` runs on a pseudo-terminal as in the startup benchmark;
the long document is opened by keys (end, enter: it is the last one imported).
"""

from __future__ import annotations

import time

from benchmarks.bench_startup import app_env, first_titles, reader_command
from benchmarks.common import Context, Figure
from benchmarks.terminal import END, ENTER, Terminal

TARGET_LIBRARY_MB = 150.0
TARGET_DOCUMENT_MB = 50.0
SETTLE_SECONDS = 1.0  # let work started by a screen finish before reading the figures


def big_doc_marker(text: str) -> str:
    return text.split("\n", 1)[0]


def run(ctx: Context) -> None:
    db = ctx.data.library
    first, _ = first_titles(db)
    marker = big_doc_marker(ctx.data.big_doc.read_text(encoding="utf-8"))
    with Terminal(reader_command(db), app_env(ctx.work_dir)) as terminal:
        terminal.wait_for([first, "Title"])
        time.sleep(SETTLE_SECONDS)
        library_rss, library_peak = terminal.memory_mb()
        terminal.send(END)
        time.sleep(SETTLE_SECONDS)
        terminal.send(ENTER)
        terminal.wait_for([marker])
        time.sleep(SETTLE_SECONDS)
        reading_rss, reading_peak = terminal.memory_mb()
    ctx.add(
        Figure(
            "memory.library",
            "Peak RSS, library of the whole corpus open",
            library_peak,
            "MB",
            target=TARGET_LIBRARY_MB,
            note=f"RSS then {library_rss:.0f} MB",
        )
    )
    ctx.add(
        Figure(
            "memory.document",
            "RSS added by opening the 1 MB document (peak after minus peak before)",
            reading_peak - library_peak,
            "MB",
            target=TARGET_DOCUMENT_MB,
            note=f"peak {reading_peak:.0f} MB, RSS then {reading_rss:.0f} MB",
        )
    )
