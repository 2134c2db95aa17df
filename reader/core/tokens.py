"""The one tokeniser every token-based export uses, and snapping spans to its tokens.

Rules (deterministic, no model needed, same result on every machine):

- a run of word characters (Python's ``\\w``: letters, digits, underscore) is one token, with
  any combining marks, variation selectors and Indic vowel signs that follow inside it;
- each CJK ideograph is a token of its own (as BERT's basic tokeniser does);
- every other non-space character is a token of its own (punctuation, symbols), with its
  modifiers: an emoji keeps its skin tone, variation selector and ZWJ-joined parts, and a
  pair of regional indicators (a flag) is one token;
- whitespace separates tokens and is never part of one.

Offsets are Python ``str`` indices, like every offset in the project.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate, compress
from typing import Any, NamedTuple

_CJK = (
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0002a6df\U0002a700-\U0002ebef\U0002f800-\U0002fa1f\U00030000-\U0003134f"
)
# Characters that extend the one before them: combining marks, variation selectors,
# emoji modifiers and tags, and the vowel signs and viramas of the Indic scripts (the
# Indic blocks minus their dandas, which are punctuation).
_EXTEND_BELOW_CJK = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0963\u0966-\u0dff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff"
)
_EXTEND = (
    f"{_EXTEND_BELOW_CJK}\ufe00-\ufe0f\ufe20-\ufe2f"
    "\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f\U000e0100-\U000e01ef"
)
# Words first, being the commonest: no word starts where a flag or an ideograph does.
_TOKEN = (
    rf"(?:[^\W{_CJK}]+|[{_EXTEND}]+)++"  # a word
    rf"|[\U0001f1e6-\U0001f1ff]{{2}}"  # a flag
    rf"|[{_CJK}][{_EXTEND}]*"  # one ideograph
    rf"|\S(?:[{_EXTEND}]|\u200d\S)*"  # any other character with its modifiers
)
# The same for a text with no character from the first ideograph up (the usual case): no
# flag or ideograph, and character classes that the regex engine checks a third faster.
_TOKEN_BELOW_CJK = rf"(?:\w+|[{_EXTEND_BELOW_CJK}]+)++|\S(?:[{_EXTEND_BELOW_CJK}]|\u200d\S)*"
_FROM_CJK = re.compile("[\u3400-\U0010ffff]")
# Splitting on a token and the one space it may take keeps both, and the whitespace left
# between: [gap, token, space, gap, token, space, ..., gap].
_PIECES = re.compile(f"({_TOKEN})( ?)")
_PIECES_BELOW_CJK = re.compile(f"({_TOKEN_BELOW_CJK})( ?)")


@dataclass(frozen=True, slots=True)
class Tokens:
    """The tokens of one text as parallel lists, built and indexed without a Python object
    per token."""

    texts: list[str]
    starts: list[int]
    ends: list[int]
    ws: list[bool]  # followed by one space that belongs to it (spaCy's ``whitespace_``)

    def __len__(self) -> int:
        return len(self.texts)

    def columns(self) -> tuple[list[Any], ...]:
        return self.texts, self.starts, self.ends, self.ws


class Layout(NamedTuple):
    """A text's words, and the same with tokens for the whitespace between them, the way
    spaCy lays a text out: a word's ``ws`` takes the single space after it, any other
    whitespace becomes a whitespace token, and joining ``text + " " * ws`` gives back the
    text exactly."""

    words: Tokens
    tokens: Tokens
    gaps: list[int]  # the words that a whitespace token comes before (or len(words): the end)

    def position(self, word: int) -> int:
        """The index of ``words[word]`` among ``tokens``."""
        return word + bisect_right(self.gaps, word)


def tokenize(text: str) -> Tokens:
    """The tokens of ``text``; whitespace is never part of one."""
    return _words(*_split(text))


def lay_out(text: str) -> Layout:
    """The words of ``text`` and its tokens with whitespace (see ``Layout``)."""
    pieces, offsets = _split(text)
    words = _words(pieces, offsets)
    tokens = Tokens(*(column.copy() for column in words.columns()))
    gaps = pieces[0::3]  # the whitespace left before each word, and after the last
    before = list(compress(range(len(gaps)), gaps))  # the few gaps not empty
    for shift, k in enumerate(before):
        gap = (gaps[k], offsets[3 * k], offsets[3 * k + 1], False)
        for column, value in zip(tokens.columns(), gap, strict=True):
            column.insert(k + shift, value)
    return Layout(words, tokens, before)


def _split(text: str) -> tuple[list[str], list[int]]:
    """The pieces of ``text`` (see ``_PIECES``) and where each starts."""
    pieces = (_PIECES if _FROM_CJK.search(text) else _PIECES_BELOW_CJK).split(text)
    return pieces, list(accumulate(map(len, pieces), initial=0))


def _words(pieces: list[str], offsets: list[int]) -> Tokens:
    return Tokens(pieces[1::3], offsets[1:-1:3], offsets[2::3], list(map(bool, pieces[2::3])))


class Alignment:
    """Maps character spans of one text onto its word tokens."""

    def __init__(self, tokens: Tokens) -> None:
        self.tokens = tokens

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        """The first and last (inclusive) token touching ``[start, end)``, snapping outward.

        ``None`` when the span covers no token (it is all whitespace).
        """
        first = bisect_right(self.tokens.ends, start)
        last = bisect_left(self.tokens.starts, end) - 1
        if first > last:
            return None
        return first, last
