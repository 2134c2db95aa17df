"""Word and sentence boundaries in a ``str``, for cursor movement and snapping a selection.

Offsets are ``str`` indices; spans are ``(start, end)`` with ``text[start:end]`` the passage.

Words are runs of letters, digits and combining marks, with inner apostrophes (``didn't``,
typographic too), hyphens (``US-Russia``), digit separators (``3.5``, ``2,000``) and dotted
abbreviations (``U.S.``, ``a.m.``). A run of CJK characters without spaces counts as one word.

Sentences come from pysbd, segmenting one *passage* at a time: a line, joined with the next
ones while it is a hard-wrapped line (``_SOFT_LINE`` characters or more, not ending in
sentence-final punctuation), so a sentence never crosses a blank line, a heading or the end of
a one-line paragraph, but does run across the line breaks of wrapped text. Only the passage
around an offset is segmented, in chunks of a few thousand characters (pysbd's cost grows
faster than linearly with its input), and results are cached per chunk. Passages longer than
``_WINDOW_LINE`` characters are segmented only in a window around the offset, so a sentence
there that is longer than the window is clipped to it.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator

import pysbd

# pysbd is rule-based; its Processor does the segmenting without the quadratic span search.
_SEGMENTER = pysbd.Segmenter(language="en", clean=False, char_span=True)
_CHUNK = 2000
_WINDOW_LINE = 3 * _CHUNK
# How far back a scan for the start of a word goes; longer "words" are cut there.
_MAX_WORD = 256


def _mark_class() -> str:
    """A regex character class body with every combining mark (category M)."""
    planes = (range(0x20000), range(0xE0000, 0xE1000))
    return "".join(
        re.escape(chr(code))
        for plane in planes
        for code in plane
        if unicodedata.category(chr(code))[0] == "M"
    )


_MARKS = _mark_class()
_W = rf"(?:[^\W_]|[{_MARKS}])"
_APOSTROPHES = "'\u2019"
_HYPHENS = "\\-\u2010\u2011"  # escaped for a character class: ASCII, Unicode and non-breaking
_PART = rf"{_W}+(?:(?:[{_APOSTROPHES}]|(?<=\d)[.,](?=\d)){_W}+)*"
_ABBREVIATION = r"(?:[^\W\d_]\.){2,}"
_WORD = re.compile(rf"(?:{_ABBREVIATION}|{_PART})(?:[{_HYPHENS}](?:{_ABBREVIATION}|{_PART}))*")
_WORD_CHAR = re.compile(_W)
# Characters that may sit inside a word; anything else is certainly between words.
_IN_WORD = re.compile(rf"(?:{_W}|[{_APOSTROPHES}{_HYPHENS}.,])")
_SPACE = re.compile(r"\s")
_CLOSING_QUOTES = "\u201d\u2019\"'\u00bb"
_SOFT_LINE = 40
_FINAL = (".", "!", "?", ":", ";", *_CLOSING_QUOTES, ")")


def _clamp(text: str, offset: int) -> int:
    return min(max(offset, 0), len(text))


def _line_bounds(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end


def _soft_break(text: str, newline: int) -> bool:
    """Whether the line break at ``newline`` only wraps a sentence onto the next line."""
    line_start = text.rfind("\n", 0, newline) + 1
    line = text[line_start:newline].rstrip()
    following = text[newline + 1 : newline + 2]
    return (
        len(line) >= _SOFT_LINE
        and not line.endswith(_FINAL)
        and bool(following)
        and not following.isspace()
    )


def _passage_bounds(text: str, offset: int) -> tuple[int, int]:
    """The line around ``offset``, extended over the soft breaks before it (up to about
    ``_WINDOW_LINE`` characters) and after it."""
    start, _ = _line_bounds(text, offset)
    while start > 0 and offset - start <= _WINDOW_LINE and _soft_break(text, start - 1):
        start = text.rfind("\n", 0, start - 1) + 1
    return start, _passage_end(text, start, offset)


def _passage_end(text: str, start: int, offset: int) -> int:
    """Where the passage from ``start`` ends: at a hard break, or about ``_WINDOW_LINE``
    characters past ``offset``."""
    _, end = _line_bounds(text, offset)
    while end < len(text) and end - offset <= _WINDOW_LINE and _soft_break(text, end):
        _, end = _line_bounds(text, end + 1)
    return end


def _scan_start(text: str, offset: int) -> int:
    """An offset at or before ``offset`` where no word begins before and ends after it."""
    floor = max(0, offset - _MAX_WORD)
    while offset > floor and _IN_WORD.fullmatch(text[offset - 1]):
        offset -= 1
    return offset


def word_at(text: str, offset: int) -> tuple[int, int] | None:
    """The word containing ``offset``, else the nearest word after it on the same line."""
    offset = _clamp(text, offset)
    line_start, line_end = _line_bounds(text, offset)
    for match in _WORD.finditer(text, max(line_start, _scan_start(text, offset)), line_end):
        if match.end() > offset:
            return match.span()
    return None


def next_word(text: str, offset: int) -> int:
    """Start of the first word after ``offset`` (``len(text)`` when there is none)."""
    offset = _clamp(text, offset)
    for match in _WORD.finditer(text, _scan_start(text, offset)):
        if match.start() > offset:
            return match.start()
    return len(text)


def prev_word(text: str, offset: int) -> int:
    """Start of the last word that starts before ``offset`` (0 when there is none)."""
    offset = _clamp(text, offset)
    window = 1024
    while True:
        start = _scan_start(text, max(0, offset - window))
        starts = list(itertools.takewhile(offset.__gt__, _word_starts(text, start)))
        if starts:
            return starts[-1]
        if start == 0:
            return 0
        window *= 4


def _word_starts(text: str, start: int) -> Iterator[int]:
    return (match.start() for match in _WORD.finditer(text, start))


@functools.lru_cache(maxsize=1024)
def _pysbd_starts(chunk: str) -> tuple[int, ...]:
    """Offsets in ``chunk`` (other than 0) where pysbd starts a sentence."""
    starts: list[int] = []
    position = 0
    for sentence in _SEGMENTER.processor(chunk).process() or ():
        found = chunk.find(sentence, position) if sentence else -1
        if found < 0:  # pysbd altered the text: that piece stays with the previous sentence
            continue
        if position > 0:  # leading whitespace stays with the first sentence
            starts.append(found)
        position = found + len(sentence)
    return tuple(starts)


def _cut(text: str, start: int, end: int) -> int:
    """A whitespace offset in the second half of ``text[start:end]``, else ``end``."""
    for index in range(end - 1, (start + end) // 2, -1):
        if text[index].isspace():
            return index
    return end


def _space_after(text: str, start: int, end: int) -> int:
    """The first whitespace offset in ``text[start:end]``, else ``start``."""
    match = _SPACE.search(text, start, end)
    return match.start() if match else start


def _raw_starts(text: str, start: int, end: int) -> list[int]:
    """Sentence starts in ``text[start:end]``, ``start`` first, segmenting chunk by chunk."""
    starts = [start]
    position = start
    while end - position > _CHUNK:
        cut = _cut(text, position, position + _CHUNK)
        found = [position + s for s in _pysbd_starts(_joined(text, position, cut))]
        # The chunk's last sentence may go on past the cut: segment it again with the next chunk.
        position = found[-1] if found else cut
        starts.extend(found or [cut])
    starts.extend(position + s for s in _pysbd_starts(_joined(text, position, end)))
    return starts


def _joined(text: str, start: int, end: int) -> str:
    """``text[start:end]`` with its (soft) line breaks as spaces, for pysbd: same length."""
    return text[start:end].replace("\n", " ")


def _tidy(text: str, starts: list[int], end: int) -> list[int]:
    """Join pieces without words to the sentence before; keep closing quotes with their stop."""
    kept: list[int] = []
    opening_has_words = True
    for index, start in enumerate(starts):
        stop = starts[index + 1] if index + 1 < len(starts) else end
        if (
            kept
            and start < stop
            and text[start] in _CLOSING_QUOTES
            and not text[start - 1].isspace()
            and (start + 1 == stop or text[start + 1].isspace())
        ):
            start += 1
        has_words = bool(_WORD_CHAR.search(text, start, stop))
        if not kept:
            opening_has_words = has_words
        elif not has_words:
            continue
        elif not opening_has_words:  # a wordless opening piece joins the first real sentence
            opening_has_words = True
            continue
        kept.append(start)
    return kept


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Unstripped sentence pieces tiling ``text[start:end]``."""
    starts = _tidy(text, _raw_starts(text, start, end), end)
    return list(zip(starts, [*starts[1:], end], strict=True))


def sentence_at(text: str, offset: int) -> tuple[int, int]:
    """The sentence containing ``offset``, without surrounding whitespace.

    Whitespace after a sentence belongs to it; on a blank line the span is ``(offset, offset)``.
    """
    offset = _clamp(text, offset)
    line_start, line_end = _line_bounds(text, offset)
    if not text[line_start:line_end].strip():
        return offset, offset
    start, end = _passage_bounds(text, offset)
    if end - start > _WINDOW_LINE:
        if offset - start > _CHUNK:
            start = _space_after(text, offset - _CHUNK, offset)
        if end - offset > _CHUNK:
            end = _cut(text, offset, offset + _CHUNK)
    pieces = _spans(text, start, end)
    piece = next((p for p in reversed(pieces) if p[0] <= offset), pieces[0])
    return _strip(text, *piece)


def sentences(text: str) -> list[tuple[int, int]]:
    """Every sentence of ``text``, in order, without surrounding whitespace."""
    result: list[tuple[int, int]] = []
    line_start = 0
    while line_start <= len(text):
        line_end = _passage_end(text, line_start, line_start)
        if text[line_start:line_end].strip():
            result.extend(_strip(text, *piece) for piece in _spans(text, line_start, line_end))
        line_start = line_end + 1
    return result
