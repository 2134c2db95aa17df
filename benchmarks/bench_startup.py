"""Time to interactive: from process start until the library of the whole corpus is painted
and has answered a key, on a pseudo-terminal of 120x40 cells, as a user's terminal sees it.

``python -m reader --db LIBRARY`` is started; the clock stops when the first document's
title and the column headings are on screen (painted), and then when, after
the down key, the second document's row has been painted again (interactive). The reference
is a minimal Textual app showing one Label (``benchmarks/minimal_app.py``), started and timed
the same way in the same run, alternating with the app.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

from benchmarks.common import BENCH_DIR, Context, Figure, median
from benchmarks.minimal_app import PRESSED, READY
from benchmarks.terminal import Timing, time_to_interactive

TARGET_SECONDS = 0.5
TARGET_RATIO = 1.5


def app_env(work: Path) -> dict[str, str]:
    """A clean environment: no user config, a colour terminal."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "READER_"))}
    env |= {"TERM": "xterm-256color", "COLORTERM": "truecolor", "HOME": str(work)}
    env |= {"XDG_CONFIG_HOME": str(work / "config"), "XDG_DATA_HOME": str(work / "data")}
    return env


def reader_command(db: Path) -> list[str]:
    return [sys.executable, "-m", "reader", "--db", str(db)]


def first_titles(db: Path) -> tuple[str, str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT title FROM documents ORDER BY id LIMIT 2").fetchall()
    return rows[0][0], rows[1][0]


def run(ctx: Context) -> None:
    db, env = ctx.data.library, app_env(ctx.work_dir)
    first, second = first_titles(db)
    minimal = [sys.executable, str(BENCH_DIR / "minimal_app.py")]
    ours: list[Timing] = []
    reference: list[Timing] = []
    for _ in range(ctx.scale.runs * 2 - 1):
        reference.append(time_to_interactive(minimal, [READY], [PRESSED], env))
        ours.append(time_to_interactive(reader_command(db), [first, "Title"], [second], env))
    ref = median([t.interactive for t in reference])
    interactive = median([t.interactive for t in ours])
    ctx.add(
        Figure(
            "startup.interactive",
            "Time to interactive, library of the whole corpus",
            interactive,
            "s",
            target=TARGET_SECONDS,
            ratio=interactive / ref,
            ratio_max=TARGET_RATIO,
            reference=f"minimal Textual app with one Label, {ref:.2f} s",
            note=f"painted after {median([t.painted for t in ours]):.2f} s; CPU"
            f" {median([t.cpu for t in ours]):.2f} s, the minimal app's"
            f" {median([t.cpu for t in reference]):.2f} s",
        )
    )
