"""Key to repaint in the reading view of the 1 MB document and in the 100k-document library.

The real app (``ReaderApp``) runs headless through ``App.run_test`` on a copy of the library
database, 120x40 cells. Each key is timed by ``benchmarks.keys``: from posting the key until
its messages are handled and the next frame is rendered, not counting Pilot's own waiting.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot

from benchmarks.common import Context, Figure, percentile
from benchmarks.datagen import BIG_DOC_ID
from benchmarks.keys import Latencies, press, run_action, settle, work_left

TARGET_P95_MS = 16.0
SIZE = (120, 40)
SEARCHES = ("sources fa", "Kirby", "ceasefire talks")
LATER_SECONDS = 0.5  # long enough for work an app puts off "until typing pauses"

Scenario = Callable[[Pilot[Any], int], Awaitable[Latencies]]


async def _keys(pilot: Pilot[Any], keys: list[str]) -> Latencies:
    times = Latencies()
    for key in keys:
        await press(pilot, key, times)
    return times


async def reading_moves(pilot: Pilot[Any], n: int) -> Latencies:
    keys = ["down"] * n + ["right"] * n + ["pagedown"] * (n // 2) + ["ctrl+end", "ctrl+home"]
    return await _keys(pilot, keys)


async def reading_selection(pilot: Pilot[Any], n: int) -> Latencies:
    await pilot.press("v")
    times = await _keys(pilot, ["shift+right"] * n + ["shift+down"] * n)
    await pilot.press("v")
    return times


async def reading_tagging(pilot: Pilot[Any], n: int) -> Latencies:
    times = Latencies()
    for _ in range(n):
        await pilot.press("down", "w")  # a word selected on the next line (not timed)
        await press(pilot, "1", times)
        await work_left(pilot, LATER_SECONDS, times)
    return times


async def reading_undo(pilot: Pilot[Any], n: int) -> Latencies:
    times = Latencies()
    for _ in range(n):
        await press(pilot, "u", times)
        await work_left(pilot, LATER_SECONDS, times)
    return times


async def library_moves(pilot: Pilot[Any], n: int) -> Latencies:
    return await _keys(pilot, ["down"] * n)


async def library_pages(pilot: Pilot[Any], n: int) -> Latencies:
    return await _keys(pilot, ["pagedown"] * n)


async def library_ends(pilot: Pilot[Any], n: int) -> Latencies:
    return await _keys(pilot, ["end", "home"] * max(1, n // 10))


async def library_typing(pilot: Pilot[Any], n: int) -> Latencies:
    """Typing into the search box; each key only edits the box (the search waits a moment)."""
    times = Latencies()
    for text in SEARCHES:
        await pilot.press("slash")
        await _drain_keys(pilot, list(text), times)
        await pilot.press("escape")
    return times


async def library_search(pilot: Pilot[Any], n: int) -> Latencies:
    """The search that runs once typing pauses, until its results are painted."""
    times = Latencies()
    screen = pilot.app.screen
    for text in SEARCHES:
        await run_action(pilot, lambda text=text: screen.search(text), times)  # type: ignore[attr-defined]
        await run_action(pilot, lambda: screen.search(""), Latencies())  # type: ignore[attr-defined]
    return times


async def _drain_keys(pilot: Pilot[Any], keys: list[str], into: Latencies) -> None:
    for key in keys:
        await press(pilot, "space" if key == " " else key, into)


READING: dict[str, tuple[str, Scenario, float]] = {
    "reading.moves": ("Reading view (1 MB): cursor moves", reading_moves, 0.25),
    "reading.selection": ("Reading view (1 MB): extend selection", reading_selection, 0.15),
    "reading.tagging": ("Reading view (1 MB): tag a passage", reading_tagging, 0.1),
    "reading.undo": ("Reading view (1 MB): undo", reading_undo, 0.1),
}
LIBRARY: dict[str, tuple[str, Scenario, float]] = {
    "library.down": ("Library (100k): down", library_moves, 0.25),
    "library.pagedown": ("Library (100k): page down", library_pages, 0.15),
    "library.end": ("Library (100k): end / home", library_ends, 0.1),
    "library.typing": ("Library (100k): typing in the search box", library_typing, 0),
    "library.search": ("Library (100k): search results after typing", library_search, 0),
}


async def measure(ctx: Context, db: object) -> dict[str, Latencies]:
    from reader.config import Config
    from reader.core.store import Store
    from reader.ui.app import ReaderApp

    with Store(db) as store:  # type: ignore[arg-type]
        big_id = store.conn.execute(
            "SELECT id FROM documents WHERE external_id = ?", (BIG_DOC_ID,)
        ).fetchone()[0]
    results: dict[str, Latencies] = {}
    app = ReaderApp(db, Config(), annotator="bench")  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(app)
        for key, (_, scenario, share) in LIBRARY.items():
            results[key] = await scenario(pilot, max(2, int(ctx.scale.samples * share)))
        opening = Latencies()
        await run_action(pilot, lambda: app.open_document(big_id), opening)
        results["reading.open"] = opening
        for key, (_, scenario, share) in READING.items():
            results[key] = await scenario(pilot, max(2, int(ctx.scale.samples * share)))
    return results


def run(ctx: Context) -> None:
    db = ctx.work_dir / "latency.db"
    shutil.copyfile(ctx.data.library, db)
    results = asyncio.run(measure(ctx, db))
    names = {key: name for key, (name, _, _) in {**LIBRARY, **READING}.items()}
    names["reading.open"] = "Open the 1 MB document (until painted)"
    for key, times in results.items():
        target = None if key == "reading.open" else TARGET_P95_MS
        ctx.add(
            Figure(
                f"latency.{key}",
                f"{names[key]}, p95 of {len(times.wall)}",
                percentile(times.wall, 95),
                "ms",
                target=target,
                note=(
                    f"p50 {percentile(times.wall, 50):.1f} ms, max {max(times.wall):.0f} ms;"
                    f" CPU p95 {percentile(times.cpu, 95):.1f} ms"
                ),
            )
        )
        if times.later:
            ctx.add(
                Figure(
                    f"latency.{key}.later",
                    f"{names[key]}: work left for later (CPU in the next {LATER_SECONDS} s), p95",
                    percentile(times.later, 95),
                    "ms",
                    target=target,
                    note="runs on the UI thread: a key pressed meanwhile waits for it",
                )
            )
