"""Rule suggestions in the reading screen, computed away from the UI thread.

Suggesting a whole large document takes seconds, so the screen asks for a window around
what it shows, searched in a process of its own (:mod:`reader.ui.search_process`). Which of
its findings are pending (not rejected, not annotated) is cheap and is worked out on the UI
thread. Accepting many suggestions is a long write and runs in a thread with its own
:class:`Store`.
:class:`Suggestions` is the part the screen owns: what is pending and drawn, and what the
suggestion keys do.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message
from textual.timer import Timer
from textual.worker import get_current_worker

from reader.config import Config, ConfigError
from reader.core.store import Annotation, Store, StoreError
from reader.core.suggest import Rule, Suggestion, pending, rules_from_config, suggest
from reader.ui.confirm import Confirm
from reader.ui.document_view import Hint
from reader.ui.search_process import Searcher

if TYPE_CHECKING:
    from reader.ui.reading_screen import ReadingScreen

WINDOW_MARGIN = 8000  # characters suggested beyond each edge of the visible text, at least
CHUNK = 64_000  # characters per step of a whole-document search
SUGGEST_AFTER_SCROLL_SECONDS = 0.15  # suggestions follow the view once it stops scrolling
CONFIRM_ACCEPT_ABOVE = 10  # accepting more suggestions at once than this asks first

Progress = Callable[[int, int], None]


def window_around(visible: tuple[int, int], length: int) -> tuple[int, int]:
    """The region to suggest for a view showing ``visible``: a screenful more on each side."""
    start, end = visible
    margin = max(WINDOW_MARGIN, end - start)
    return max(0, start - margin), min(length, end + margin)


def chunks(text: str, size: int = CHUNK) -> Iterator[tuple[int, int]]:
    """Consecutive regions of about ``size`` characters, each ending at a paragraph break."""
    start = 0
    while start < len(text):
        cut = text.find("\n\n", start + size)
        end = len(text) if cut < 0 else cut
        yield start, end
        start = end + 1


def _placed(annotations: Iterable[Annotation]) -> list[Annotation]:
    # An orphan's offsets point nowhere in the current text: it hides no suggestion.
    return [a for a in annotations if not a.orphaned]


def pending_in_document(
    text: str,
    rules: Sequence[Rule],
    annotations: Iterable[Annotation],
    rejected: Iterable[tuple[int, int, str]],
    progress: Progress,
    cancelled: Callable[[], bool],
) -> list[Suggestion] | None:
    """What the rules still propose for the whole text, found paragraph by paragraph.

    The result is the whole-text result (sentences never cross a paragraph break); it is
    None when ``cancelled()`` turns true between steps.
    """
    found: set[Suggestion] = set()
    for start, end in chunks(text):
        if cancelled():
            return None
        found.update(suggest(text, rules, (start, end)))
        progress(end, len(text))
    return pending(sorted(found), _placed(annotations), rejected)


def accept_in_store(
    path: Path, annotator: str, doc_id: int, suggestions: Sequence[Suggestion]
) -> list[Annotation]:
    """Accept those of ``suggestions`` still pending, as one undoable action (own connection)."""
    with Store(path, annotator=annotator, create=False) as store:
        annotations = store.annotations(doc_id)
        still = pending(suggestions, _placed(annotations), store.rejected_suggestions(doc_id))
        return store.accept_suggestions(doc_id, still)


class Finding(Message):
    """Progress of a whole-document search for suggestions (posted from its thread)."""

    def __init__(self, percent: int) -> None:
        super().__init__()
        self.percent = percent


class Suggestions:
    """The rule suggestions of the document a reading screen shows.

    What the rules find in a window around the view (in stored offsets) is computed in a thread
    again once the view stops scrolling past that window. The text never changes here, so a
    write only changes which of those findings are pending: that is worked out at once, without
    searching again. The pending ones are drawn by the view as hints that keys accept, reject,
    hide or jump between.
    """

    def __init__(self, screen: ReadingScreen, config: Config) -> None:
        self.screen = screen
        self.problem = ""  # why there are no rules: the config's error
        try:
            self.rules: Sequence[Rule] = rules_from_config(config)
        except ConfigError as exc:
            self.rules, self.problem = (), str(exc)
        self.shown = True
        self.finding: int | None = None  # percent done of a whole-document search
        self._found: list[Suggestion] = []  # what the rules propose in the window
        self._pending: list[Suggestion] = []  # of those, the ones not rejected or annotated
        self._hints: dict[Hint, Suggestion] = {}  # those drawn, by their place in the view
        self._window: tuple[int, int] | None = None  # the view offsets _found covers
        self._scroll_timer: Timer | None = None
        self._searcher = Searcher()

    async def close(self) -> None:
        """End the search process (when the screen goes)."""
        await self._searcher.close()

    def clear(self) -> None:
        """Forget the suggestions of the document shown before."""
        self._found, self._pending, self._hints, self._window = [], [], {}, None

    # -- computing --------------------------------------------------------------------

    def viewport_moved(self) -> None:
        if self._scroll_timer is not None:
            self._scroll_timer.stop()
        self._scroll_timer = self.screen.set_timer(SUGGEST_AFTER_SCROLL_SECONDS, self.request)

    def request(self) -> None:
        """Suggest for a window around the visible text, unless the last window covers it."""
        screen = self.screen
        if not self.rules or not self.shown or screen.document is None:
            return
        visible, window = screen.view.visible_span, self._window
        if window and window[0] <= visible[0] and visible[1] <= window[1]:
            return
        self._window = window_around(visible, len(screen.view.text))
        screen.run_worker(self._fetch(self._window), group="suggestions", exclusive=True)

    async def _fetch(self, window: tuple[int, int]) -> None:
        screen = self.screen
        assert screen.document is not None
        doc_id, text = screen.doc_id, screen.document.text
        within = screen.rendered.source_span(*window)
        try:
            found = await self._searcher.search(text, self.rules, within)
        except (OSError, EOFError):
            return  # suggestions are a help; never fail on them (the next request tries again)
        if doc_id == screen.doc_id:  # a newer request cancels this worker before it gets here
            self._found = found
            self.after_write()

    def after_write(self) -> None:
        """Show which findings are pending, after a write or when new findings come."""
        screen = self.screen
        try:
            rejected = screen.store.rejected_suggestions(screen.doc_id)
        except sqlite3.Error:
            return  # suggestions are a help; never fail on them
        found = self._found
        low, high = (found[0].start, max(s.end for s in found)) if found else (0, 0)
        near = [a for a in screen.annotations.values() if a.start < high and a.end > low]
        still = pending(found, _placed(near), rejected)
        if still != self._pending:
            self._pending = still
            self.draw()

    def draw(self) -> None:
        screen = self.screen
        hints: dict[Hint, Suggestion] = {}
        if self.shown:
            for suggestion in self._pending:
                start, end = screen.rendered.rendered_span(suggestion.start, suggestion.end)
                if start < end:
                    hints[Hint(start, end, suggestion.label, suggestion.rule)] = suggestion
        self._hints = hints
        screen.view.set_suggestions(hints)
        screen.refresh_status()

    # -- keys -------------------------------------------------------------------------

    def _at_cursor(self) -> Suggestion | None:
        view = self.screen.view
        found = view.suggestions_at(view.cursor)
        if found:
            return self._hints[found[0]]
        hidden = "" if self.shown else " (suggestions are hidden: S shows them)"
        self.screen.notify(f"No suggestion under the cursor{hidden}")
        return None

    def accept(self) -> None:
        suggestion = self._at_cursor()
        if suggestion is not None:
            screen = self.screen
            screen.write(
                f"accepted {suggestion.label} ({suggestion.rule})",
                lambda: screen.store.accept_suggestion(screen.doc_id, suggestion),
            )

    def reject(self) -> None:
        screen = self.screen
        suggestion = self._at_cursor()
        if suggestion is None or screen.wait_for_busy():
            return
        try:
            screen.store.reject_suggestion(screen.doc_id, suggestion)
        except (StoreError, sqlite3.Error) as exc:
            screen.failed(exc)
            return
        screen.after_write(f"rejected {suggestion.label} ({suggestion.rule})", [])

    def toggle(self) -> None:
        self.shown = not self.shown
        self.draw()
        self.request()

    def jump(self, step: int) -> None:
        view = self.screen.view
        cursor = view.cursor
        starts = sorted({hint.start for hint in self._hints})
        if step > 0:
            target = next((s for s in starts if s > cursor), None)
        else:
            target = next((s for s in reversed(starts) if s < cursor), None)
        if target is None:
            self.screen.notify(
                "No more suggestions here" if step > 0 else "No earlier suggestions here"
            )
            return
        view.move_to(target)

    # -- accepting all ----------------------------------------------------------------

    def accept_all(self) -> None:
        if not self.rules:
            self.screen.notify("No suggestion rules for these labels")
        elif self.finding is not None:
            self.screen.notify("Already looking for suggestions in this document")
        elif not self.screen.wait_for_busy():
            self.screen.run_worker(self._accept_all(), group="accept-all")

    def progress(self, percent: int) -> None:
        if self.finding is not None:
            self.finding = percent
            self.screen.refresh_status()

    async def _accept_all(self) -> None:
        """Find every pending suggestion in a thread, ask when they are many, accept them."""
        screen = self.screen
        assert screen.document is not None
        doc_id, text, worker = screen.doc_id, screen.document.text, get_current_worker()
        annotations = list(screen.annotations.values())
        try:
            rejected = screen.store.rejected_suggestions(doc_id)
        except sqlite3.Error as exc:
            screen.failed(exc)
            return

        def progress(done: int, total: int) -> None:
            screen.post_message(Finding(done * 100 // max(1, total)))

        self.finding = 0
        screen.notify("Looking for suggestions in the whole document…")
        try:
            found = await asyncio.to_thread(
                pending_in_document,
                text,
                self.rules,
                annotations,
                rejected,
                progress,
                lambda: worker.is_cancelled,
            )
        finally:
            self.finding = None
        screen.refresh_status()
        if found is None or doc_id != screen.doc_id:
            return
        if not found:
            screen.notify("No suggestions left in this document")
            return
        question = f"Accept all {len(found)} suggestions in this document?"
        if len(found) > CONFIRM_ACCEPT_ABOVE and not await screen.app.push_screen_wait(
            Confirm(question, yes="Accept all")
        ):
            return
        screen.busy = f"accepting {len(found)} suggestions"
        screen.refresh_status()
        try:
            created = await asyncio.to_thread(
                accept_in_store, screen.store.path, screen.store.annotator, doc_id, found
            )
        except (StoreError, sqlite3.Error) as exc:
            screen.failed(exc)
            return
        finally:
            screen.busy = ""
        if doc_id == screen.doc_id:
            screen.after_write(f"accepted {len(created)} suggestions", created)
        else:
            screen.notify(f"Accepted {len(created)} suggestions in the previous document")
