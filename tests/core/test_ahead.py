"""Items produced ahead by a forked child arrive in order, errors cross over, and a consumer
that stops early stops the child; with other threads running, nothing is forked."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterator

import pytest

from reader.core.ahead import can_fork, read_ahead
from reader.core.corpus import CorpusError


@pytest.fixture
def forking() -> None:
    if not can_fork():  # decided when the test runs: earlier tests may have left threads
        pytest.skip("forks only in a process with a single thread, on Linux")


def numbered(count: int) -> Iterator[tuple[int, int]]:
    for n in range(count):
        yield n, os.getpid()


def failing_after(count: int) -> Iterator[int]:
    yield from range(count)
    raise CorpusError("corpus.jsonl:3: not JSON")


@pytest.mark.usefixtures("forking")
def test_items_come_in_order_from_a_child_process() -> None:
    items = list(read_ahead(numbered, 50))
    assert [n for n, _ in items] == list(range(50))
    assert {pid for _, pid in items} != {os.getpid()}


@pytest.mark.usefixtures("forking")
def test_an_error_in_the_child_is_raised_after_the_items_before_it() -> None:
    seen: list[int] = []
    with pytest.raises(CorpusError, match=r"^corpus.jsonl:3: not JSON$"):
        for n in read_ahead(failing_after, 3):
            seen.append(n)
    assert seen == [0, 1, 2]


@pytest.mark.usefixtures("forking")
def test_stopping_early_stops_the_child() -> None:
    items = read_ahead(numbered, 10_000, depth=1)
    assert next(items)[0] == 0
    items.close()
    assert multiprocessing.active_children() == []


def test_with_another_thread_running_items_are_made_here() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not can_fork()
        assert list(read_ahead(numbered, 3)) == [
            (0, os.getpid()),
            (1, os.getpid()),
            (2, os.getpid()),
        ]
    finally:
        stop.set()
        other.join()
