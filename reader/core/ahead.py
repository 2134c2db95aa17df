"""Produce items in a child process, ahead of their consumer.

Reading and parsing a corpus is Python work, and so is much of storing it: in one process
they take turns on the GIL (a thread made the import slower, measured). A forked child reads
the next batches while this process stores the current one, so both cores work.

Forking is safe only in a process with a single thread, so the child is used only then (and
on Linux); otherwise the items are produced in-process, as a plain generator would.
"""

from __future__ import annotations

import multiprocessing
import queue
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
_POLL_SECONDS = 0.2  # how often a waiting consumer checks that the child is still alive


class _End:
    """What the child sends last: nothing more, or the error that stopped it."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


def can_fork() -> bool:
    return sys.platform == "linux" and threading.active_count() == 1


def _produce(channel: Any, make: Callable[..., Iterable[Any]], args: tuple[Any, ...]) -> None:
    try:
        for item in make(*args):
            channel.put(item)
    except BaseException as exc:  # sent to the consumer, which raises it
        channel.put(_End(exc))
    else:
        channel.put(_End())


def read_ahead(make: Callable[..., Iterable[T]], *args: Any, depth: int = 2) -> Iterator[T]:
    """Yield the items of ``make(*args)``, produced by a child process at most ``depth``
    items ahead when :func:`can_fork`, else in this process.

    Items and exceptions cross the process boundary by pickling. An exception raised while
    producing is raised here. When the caller stops early (``break``, an exception,
    ``close()``), the child is stopped.
    """
    if not can_fork():
        yield from make(*args)
        return
    context = multiprocessing.get_context("fork")
    channel: Any = context.Queue(maxsize=depth)
    child = context.Process(target=_produce, args=(channel, make, args), daemon=True)
    child.start()
    try:
        while True:
            try:
                item = channel.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                if not child.is_alive():
                    raise RuntimeError(f"reading stopped (exit code {child.exitcode})") from None
                continue
            if isinstance(item, _End):
                if item.error is not None:
                    raise item.error
                return
            yield item
    finally:
        if child.is_alive():
            child.terminate()
        child.join()
        channel.close()
