"""A process of its own that searches text for rule suggestions, beside the UI's process.

The search is CPU-bound Python (regexes, sentence splitting): in a thread it would hold the
interpreter lock the UI needs, for a tenth of a second after each jump to an unseen part of a
long document. :class:`Searcher` runs ``python -m reader.ui.search_process`` (this module,
which imports nothing of the UI) and talks to it over its stdin and stdout: each message is a
pickle after its length in 4 bytes. The worker's own output goes nowhere, never to the
terminal the UI draws on.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import sys
from collections.abc import Sequence
from typing import BinaryIO, cast

from reader.core.suggest import Rule, Suggestion, suggest

_LENGTH = 4  # bytes of the length before each message


def _message(value: object) -> bytes:
    data = pickle.dumps(value)
    return len(data).to_bytes(_LENGTH, "big") + data


def serve(requests: BinaryIO, replies: BinaryIO) -> None:
    """The worker: answer ``(text or None, rules, within)`` with what :func:`suggest` finds
    (or the exception it raised) until the requests end. ``None`` is the text sent before."""
    text = ""
    while header := requests.read(_LENGTH):
        new_text, rules, within = pickle.loads(requests.read(int.from_bytes(header, "big")))
        text = text if new_text is None else new_text
        try:
            reply: object = suggest(text, rules, within)
        except Exception as exc:  # the UI's end raises it
            reply = exc
        replies.write(_message(reply))
        replies.flush()


class Searcher:
    """The UI's end of the worker: started on first use, sent each text once, closed by its
    owner. One search at a time; a search runs to its end even when the caller stops
    waiting, so that requests and replies stay paired."""

    def __init__(self) -> None:
        self._process: asyncio.subprocess.Process | None = None
        self._text: str | None = None  # the text the worker holds
        self._turn = asyncio.Lock()

    async def search(
        self, text: str, rules: Sequence[Rule], within: tuple[int, int]
    ) -> list[Suggestion]:
        """What :func:`suggest` finds, worked out in the worker.

        Raises ``OSError`` or ``EOFError`` when the worker cannot start or dies (the next
        search starts another), and whatever :func:`suggest` raised.
        """
        asking = asyncio.ensure_future(self._ask(text, rules, within))
        asking.add_done_callback(_heard)  # a reply nobody waits for any more is dropped
        reply = await asyncio.shield(asking)
        if isinstance(reply, Exception):
            raise reply
        return cast("list[Suggestion]", reply)

    async def _ask(self, text: str, rules: Sequence[Rule], within: tuple[int, int]) -> object:
        async with self._turn:
            process = self._process
            if process is None or process.returncode is not None:
                process = self._process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    __name__,
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.DEVNULL,
                )
                self._text = None
            assert process.stdin is not None and process.stdout is not None
            try:
                process.stdin.write(_message((None if text is self._text else text, rules, within)))
                self._text = text
                header = await process.stdout.readexactly(_LENGTH)
                data = await process.stdout.readexactly(int.from_bytes(header, "big"))
            except (OSError, EOFError):
                process.kill()
                self._process = None
                raise
            return pickle.loads(data)

    async def close(self) -> None:
        """End the worker (it stops at the end of its requests) and wait for it."""
        process, self._process = self._process, None
        if process is not None and process.stdin is not None:
            process.stdin.close()
            await process.wait()


def _heard(asking: asyncio.Future[object]) -> None:
    if not asking.cancelled():
        asking.exception()


if __name__ == "__main__":
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes where errors go (nowhere), not into the replies
    serve(sys.stdin.buffer, replies)
