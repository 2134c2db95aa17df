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
from typing import NamedTuple

_CJK = (
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0002a6df\U0002a700-\U0002ebef\U0002f800-\U0002fa1f\U00030000-\U0003134f"
)
# Characters that extend the one before them: combining marks, variation selectors,
# emoji modifiers and tags, and the vowel signs and viramas of the Indic scripts (the
# Indic blocks minus their dandas, which are punctuation).
_EXTEND = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0963\u0966-\u0dff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f"
    "\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f\U000e0100-\U000e01ef"
)
_TOKEN = re.compile(
    rf"[\U0001f1e6-\U0001f1ff]{{2}}"  # a flag
    rf"|[{_CJK}][{_EXTEND}]*"  # one ideograph
    rf"|(?:[^\W{_CJK}]|[{_EXTEND}])+"  # a word
    rf"|\S(?:[{_EXTEND}]|\u200d\S)*"  # any other character with its modifiers
)


class Token(NamedTuple):
    text: str
    start: int
    end: int
    ws: bool  # followed by one space that belongs to it (spaCy's ``whitespace_``)


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``; whitespace is never part of a token."""
    return [
        Token(m.group(), m.start(), m.end(), text[m.end() : m.end() + 1] == " ")
        for m in _TOKEN.finditer(text)
    ]


def with_whitespace(text: str, tokens: list[Token]) -> list[Token]:
    """``tokens`` plus tokens for the whitespace between them, the way spaCy lays a text out.

    A token's ``ws`` takes the single space after it; any other whitespace becomes a
    whitespace token. Joining ``t.text + " " * t.ws`` gives back ``text`` exactly.
    """
    laid_out: list[Token] = []
    position = 0
    for token in tokens:
        _add_gap(text, position, token.start, laid_out)
        laid_out.append(token)
        position = token.end + token.ws
    _add_gap(text, position, len(text), laid_out)
    return laid_out


def _add_gap(text: str, start: int, end: int, laid_out: list[Token]) -> None:
    if start < end:
        laid_out.append(Token(text[start:end], start, end, False))


def is_space(token: Token) -> bool:
    return token.text.isspace()


class Alignment:
    """Maps character spans of one text onto its word tokens."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self._starts = [t.start for t in tokens]
        self._ends = [t.end for t in tokens]

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        """The first and last (inclusive) token touching ``[start, end)``, snapping outward.

        ``None`` when the span covers no token (it is all whitespace).
        """
        first = bisect_right(self._ends, start)
        last = bisect_left(self._starts, end) - 1
        if first > last:
            return None
        return first, last
