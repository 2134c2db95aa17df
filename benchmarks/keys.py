"""Time what the app does for one key, in-process, without Pilot's own per-key waiting.

A key is posted to the app as the terminal driver posts it; the clock runs until every
message it caused has been handled and the next frame has been rendered (layout plus the
``render_line`` calls of the changed rows: what ``Screen._on_timer_update`` does at each
frame tick). Textual's frame pacing (up to 1/60 s between a change and the tick that paints
it) is not counted: it is the same for every Textual app. Both wall time and CPU time are
kept: on a machine shared with others, CPU time is the app's own cost and wall time adds
whatever the scheduler gave to other people's processes.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from textual import events
from textual.app import App
from textual.pilot import Pilot

QUIET_ROUNDS = 3  # consecutive event-loop turns with every message queue empty


@dataclass
class Latencies:
    wall: list[float] = field(default_factory=list)  # ms per key
    cpu: list[float] = field(default_factory=list)
    later: list[float] = field(default_factory=list)  # CPU ms of work the key left for later

    def extend(self, other: Latencies) -> None:
        self.wall += other.wall
        self.cpu += other.cpu


def _busy(app: App[Any]) -> bool:
    nodes = [app, *app.screen.walk_children(with_self=True)]
    return any(not node._message_queue.empty() or node._next_callbacks for node in nodes)


async def _drain(app: App[Any]) -> None:
    quiet = 0
    while quiet < QUIET_ROUNDS:
        await asyncio.sleep(0)
        quiet = 0 if _busy(app) else quiet + 1


def _key_event(key: str) -> events.Key:
    return events.Key(key, key if len(key) == 1 else None)


async def settle(app: App[Any]) -> None:
    """Let earlier work finish and paint (not timed): cheaper than ``Pilot.pause``."""
    await app.workers.wait_for_complete()
    await _drain(app)
    app.screen._on_timer_update()
    await asyncio.sleep(0.001)


async def press(pilot: Pilot[Any], key: str, into: Latencies) -> None:
    """Press ``key`` once and record how long the app took to handle and paint it."""
    app = pilot.app
    await settle(app)
    wall, cpu = time.perf_counter(), time.process_time()
    app.post_message(_key_event(key))
    await _drain(app)
    app.screen._on_timer_update()  # the frame: layout and the changed lines
    into.wall.append((time.perf_counter() - wall) * 1000)
    into.cpu.append((time.process_time() - cpu) * 1000)


async def work_left(pilot: Pilot[Any], seconds: float, into: Latencies) -> None:
    """CPU time the app spends in the ``seconds`` after a key with no further input: work it
    put off (timers, workers). A key pressed meanwhile waits for it."""
    app = pilot.app
    cpu = time.process_time()
    await asyncio.sleep(seconds)
    await settle(app)
    into.later.append((time.process_time() - cpu) * 1000)


async def run_action(pilot: Pilot[Any], action: object, into: Latencies) -> None:
    """Time a callable the app runs by itself (e.g. when a timer fires), plus its frame."""
    app = pilot.app
    await settle(app)
    wall, cpu = time.perf_counter(), time.process_time()
    action()  # type: ignore[operator]
    await _drain(app)
    app.screen._on_timer_update()
    into.wall.append((time.perf_counter() - wall) * 1000)
    into.cpu.append((time.process_time() - cpu) * 1000)
