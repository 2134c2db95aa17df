"""Rule suggestions for the reading screen, computed away from the UI thread.

Suggesting a whole large document takes seconds, so the screen asks for a window around
what it shows. A request carries a snapshot of the text, the placed annotations and the
rejections, so the computing thread needs no database; accepting many suggestions is a long
write and runs in a thread with its own :class:`Store`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from reader.core.store import Annotation, Store
from reader.core.suggest import Rule, Suggestion, pending, suggest

WINDOW_MARGIN = 8000  # characters suggested beyond each edge of the visible text, at least
CHUNK = 64_000  # characters per step of a whole-document search

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


def pending_in(
    text: str,
    rules: Sequence[Rule],
    annotations: Iterable[Annotation],
    rejected: Iterable[tuple[int, int, str]],
    within: tuple[int, int],
) -> list[Suggestion]:
    """What the rules still propose for the lines of ``text`` that ``within`` touches."""
    return pending(suggest(text, rules, within), _placed(annotations), rejected)


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
