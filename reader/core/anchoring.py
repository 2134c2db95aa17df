"""Re-anchoring: where an annotation's passage went after its document's text was edited.

An annotation keeps a quote selector (its ``quote`` with a ``prefix`` and ``suffix`` of
context, as in the W3C ``TextQuoteSelector``) besides its old offsets. :func:`relocate`
places each annotation in the new text, trying in order:

1. Untouched surroundings: old and new text share a beginning and an end; an annotation
   whose quote and context lie wholly inside either keeps its offsets (shifted by the
   change in length when it lies in the shared end).
2. The exact quote with its exact prefix and suffix, nearest the expected position.
3. The exact occurrences of the quote nearest the expected position, scored like the
   Hypothesis annotator's ``matchQuote``: 50 quote : 20 prefix : 20 suffix : 2 position,
   each a similarity ``1 - edit distance / length``. Context is compared right next to
   the match (prefix ending at its start, suffix beginning at its end), which also pins
   the boundaries of approximate matches.
4. When no exact occurrence scores enough: the best approximate matches of the quote in a
   bounded window around the edit (up to ``len(quote) / 2`` errors), their boundaries
   tried within a small radius, never cutting a word or taking in white space where the
   quote's edges did not, scored the same way.

The best candidate wins if its score reaches :data:`ORPHAN_BELOW`; otherwise the
annotation is an orphan (``None``): an exact quote elsewhere with unrelated context, or
a passage rewritten beyond recognition, is not placed.

Approximate matching uses Myers' bit-vector algorithm (Myers 1999, in Hyyrö's
formulation), so a search costs a few integer operations per character of the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

ORPHAN_BELOW = 0.75  # a placement scoring less than this leaves the annotation an orphan
QUOTE_WEIGHT, PREFIX_WEIGHT, SUFFIX_WEIGHT, POSITION_WEIGHT = 50, 20, 20, 2
NEAREST_EXACT = 32  # exact occurrences scored, nearest the expected position first
FUZZY_CANDIDATES = 8  # approximate match ends scored
WINDOW_SLACK = 2048  # characters searched beyond the edited region, each side
MAX_RADIUS = 64  # how far the boundaries of an approximate match are tried


class Anchor(Protocol):
    """What re-anchoring needs of an annotation."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def quote(self) -> str: ...
    @property
    def prefix(self) -> str: ...
    @property
    def suffix(self) -> str: ...


@dataclass(frozen=True)
class Placement:
    start: int
    end: int
    score: float  # 1.0 for an exact quote in its exact context


def relocate(old_text: str, new_text: str, anchors: Sequence[Anchor]) -> list[Placement | None]:
    """Where each anchor's passage is in ``new_text`` (``None``: an orphan)."""
    shared_start = _common_prefix(old_text, new_text)
    rest = min(len(old_text), len(new_text)) - shared_start
    shared_end = _common_prefix(old_text[::-1][:rest], new_text[::-1][:rest])
    edit = _Edit(shared_start, len(old_text) - shared_end, len(new_text) - len(old_text))
    return [_place(old_text, new_text, edit, anchor) for anchor in anchors]


@dataclass(frozen=True)
class _Edit:
    """Old and new text differ only in old ``[start, old_end)``; the rest moved by ``shift``."""

    start: int
    old_end: int
    shift: int

    def hint(self, old_position: int) -> int:
        return old_position + self.shift if old_position >= self.old_end else old_position


def _common_prefix(a: str, b: str) -> int:
    low, high = 0, min(len(a), len(b))
    while low < high:  # binary search with C-speed slice comparisons
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _place(old_text: str, new_text: str, edit: _Edit, anchor: Anchor) -> Placement | None:
    quote, start, end = anchor.quote, anchor.start, anchor.end
    if not quote:
        return None
    if old_text[start:end] == quote:
        context_start, context_end = start - len(anchor.prefix), end + len(anchor.suffix)
        if context_end <= edit.start:
            return Placement(start, end, 1.0)
        if context_start >= edit.old_end:
            return Placement(start + edit.shift, end + edit.shift, 1.0)
    hint = min(max(edit.hint(start), 0), len(new_text))
    exact = _occurrences(new_text, quote)
    in_context = [p for p in exact if _context_matches(new_text, p, anchor)]
    if in_context:
        closest = min(in_context, key=lambda p: abs(p - hint))
        return Placement(closest, closest + len(quote), 1.0)
    nearest = sorted(exact, key=lambda p: abs(p - hint))[:NEAREST_EXACT]
    found = _best([_scored(new_text, anchor, p, p + len(quote), 0, hint) for p in nearest], hint)
    if found is None:
        fuzzy = _fuzzy_matches(new_text, quote, edit, hint)
        found = _best([_refine(new_text, anchor, *match, hint) for match in fuzzy], hint)
    return found


def _best(placements: list[Placement], hint: int) -> Placement | None:
    """The highest score (then the nearest), if it reaches the orphan threshold."""
    best = max(placements, key=lambda p: (p.score, -abs(p.start - hint)), default=None)
    return best if best is not None and best.score >= ORPHAN_BELOW else None


def _occurrences(text: str, quote: str) -> list[int]:
    found, position = [], text.find(quote)
    while position != -1:
        found.append(position)
        position = text.find(quote, position + 1)
    return found


def _context_matches(text: str, position: int, anchor: Anchor) -> bool:
    end = position + len(anchor.quote)
    before = text[max(0, position - len(anchor.prefix)) : position]
    return before == anchor.prefix and text[end : end + len(anchor.suffix)] == anchor.suffix


def _scored(text: str, anchor: Anchor, start: int, end: int, errors: int, hint: int) -> Placement:
    score = _combine(
        1.0 - errors / len(anchor.quote),
        _prefix_similarity(text, start, anchor.prefix),
        _suffix_similarity(text, end, anchor.suffix),
        1.0 - abs(start - hint) / max(len(text), 1),
    )
    return Placement(start, end, score)


def match_score(text: str, anchor: Anchor, start: int, end: int, hint: int) -> float:
    """How well ``text[start:end]`` matches the anchor as an approximate match (0 when its
    edges cut a word or take in white space where the quote's edges did not)."""
    if end <= start or not (_start_fits(text, start, anchor) and _end_fits(text, end, anchor)):
        return 0.0
    errors = edit_distances(anchor.quote, text[start:end], anywhere=False)[-1]
    return _scored(text, anchor, start, end, errors, hint).score


def _start_fits(text: str, start: int, anchor: Anchor) -> bool:
    """An approximate match starts like the quote did: not in white space or mid-word."""
    if anchor.quote[0].isspace():
        return True
    if start < len(text) and text[start].isspace():
        return False
    cuts = 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum()
    return not cuts or (anchor.prefix[-1:].isalnum() and anchor.quote[0].isalnum())


def _end_fits(text: str, end: int, anchor: Anchor) -> bool:
    if anchor.quote[-1].isspace():
        return True
    if end > 0 and text[end - 1].isspace():
        return False
    cuts = 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    return not cuts or (anchor.quote[-1].isalnum() and anchor.suffix[:1].isalnum())


def _combine(quote: float, prefix: float, suffix: float, position: float) -> float:
    raw = (
        QUOTE_WEIGHT * quote
        + PREFIX_WEIGHT * prefix
        + SUFFIX_WEIGHT * suffix
        + POSITION_WEIGHT * position
    )
    return raw / (QUOTE_WEIGHT + PREFIX_WEIGHT + SUFFIX_WEIGHT + POSITION_WEIGHT)


def _refine(text: str, anchor: Anchor, start: int, end: int, errors: int, hint: int) -> Placement:
    """The best scoring span with boundaries near an approximate match with ``errors``.

    Equally close matches of the quote differ at their edges; the context, measured right
    next to each boundary, tells which edges are the passage's. Edges that cut a word or
    take in white space where the quote's did not are never chosen.
    """
    radius = min(len(anchor.quote) // 2 + errors + 1, MAX_RADIUS)
    last = min(len(text), end + radius)
    ends = [e for e in range(max(start + 1, end - radius), last + 1) if _end_fits(text, e, anchor)]
    suffix_scores = {e: _suffix_similarity(text, e, anchor.suffix) for e in ends}
    best = Placement(start, end, -1.0)
    lowest = max(0, min(start, end - len(anchor.quote)) - radius)
    for s in range(lowest, min(start + radius, end - 1) + 1):
        if not _start_fits(text, s, anchor):
            continue
        prefix_score = _prefix_similarity(text, s, anchor.prefix)
        position_score = 1.0 - abs(s - hint) / max(len(text), 1)
        distances = edit_distances(anchor.quote, text[s:last], anywhere=False)
        for e in ends:
            if e > s:
                quote_score = 1.0 - distances[e - s - 1] / len(anchor.quote)
                score = _combine(quote_score, prefix_score, suffix_scores[e], position_score)
                if score > best.score:
                    best = Placement(s, e, score)
    return best


def _prefix_similarity(text: str, start: int, prefix: str) -> float:
    before = text[max(0, start - 2 * len(prefix)) : start]
    return _similarity(prefix[::-1], before[::-1])


def _suffix_similarity(text: str, end: int, suffix: str) -> float:
    return _similarity(suffix, text[end : end + 2 * len(suffix)])


def _similarity(expected: str, found: str) -> float:
    """1 - (edit distance from ``expected`` to the best beginning of ``found``) / its length."""
    if not expected:
        return 1.0
    least = min([len(expected), *edit_distances(expected, found, anywhere=False)])
    return 1.0 - least / len(expected)


def _fuzzy_matches(text: str, quote: str, edit: _Edit, hint: int) -> list[tuple[int, int, int]]:
    """The best approximate matches ``(start, end, errors)`` around the edited region."""
    reach = len(quote) + WINDOW_SLACK
    low = max(0, min(edit.start, hint) - reach, hint - 2 * reach)
    new_edit_end = edit.old_end + edit.shift
    high = min(len(text), max(new_edit_end, hint) + reach, hint + 2 * reach)
    window = text[low:high]
    if not window:
        return []
    distances = edit_distances(quote, window, anywhere=True)
    least = min(distances)
    if least > len(quote) // 2:
        return []
    ends = [j for j, d in enumerate(distances) if d == least]
    ends.sort(key=lambda j: abs(low + j + 1 - len(quote) - hint))
    return [
        (low + start, low + j + 1, least)
        for j in ends[:FUZZY_CANDIDATES]
        for start in _match_starts(quote, window, j, least)
    ]


def _match_starts(quote: str, window: str, last: int, errors: int) -> list[int]:
    """Where the best matches of ``quote`` ending at ``window[last]`` may start.

    Several starts can match equally well (a deleted character at the edge of the quote);
    the context decides between them when they are scored.
    """
    first = max(0, last + 1 - len(quote) - errors)
    backwards = window[first : last + 1][::-1]
    distances = edit_distances(quote[::-1], backwards, anywhere=False)
    lengths = [n for n in range(1, len(distances) + 1) if distances[n - 1] == errors]
    lengths.sort(key=lambda n: abs(n - len(quote)))
    return [last + 1 - n for n in lengths[:FUZZY_CANDIDATES]]


def edit_distances(pattern: str, text: str, *, anywhere: bool) -> list[int]:
    """For each ``j``: the edit distance from ``pattern`` to the best substring of ``text``
    ending at ``j`` (``anywhere``), or to ``text[: j + 1]`` (not ``anywhere``).

    Myers' bit-vector algorithm: each bit of the integers stands for one character of
    ``pattern``, so a step over the text costs a handful of integer operations.
    """
    size = len(pattern)
    full = (1 << size) - 1
    top = 1 << (size - 1)
    equal: dict[str, int] = {}
    for i, char in enumerate(pattern):
        equal[char] = equal.get(char, 0) | (1 << i)
    plus, minus, score = full, 0, size
    carry = 0 if anywhere else 1
    distances = []
    for char in text:
        eq = equal.get(char, 0)
        vertical = eq | minus
        horizontal = (((eq & plus) + plus) ^ plus) | eq
        h_plus = minus | (~(horizontal | plus) & full)
        h_minus = plus & horizontal
        if h_plus & top:
            score += 1
        elif h_minus & top:
            score -= 1
        h_plus = ((h_plus << 1) | carry) & full
        h_minus = (h_minus << 1) & full
        plus = h_minus | (~(vertical | h_plus) & full)
        minus = h_plus & vertical
        distances.append(score)
    return distances
