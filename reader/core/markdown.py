"""Markdown source → reading text, with an exact map from every rendered character to the source.

The reading text is built from markdown-it-py tokens (CommonMark, no linkify):

- headings, emphasis, inline code and links show their text without markup; a link's URL is
  dropped, an image shows its alt text; inline HTML tags are dropped;
- block quotes lose their ``>``; code blocks and HTML blocks show their lines as they are;
- list items start with ``• `` (bullets) or their own number and delimiter (``1.``, ``2)``),
  nested lists indented by two spaces per level; a thematic break shows its own characters;
- blocks are separated by one blank line, items of a tight list by a line break;
- a soft line break becomes a space (so hard-wrapped paragraphs reflow), a hard break ``\\n``.

``to_source[i]`` is the source offset of rendered character ``i``. A character copied from the
source maps to that very character (``source[to_source[i]] == text[i]``). Characters that stand
in for source text map to its first character: a soft-break space to the ``\\n``, ``•`` to the
list marker, an entity's characters to its ``&`` (``source_ends`` then gives where the entity
ends). Inserted characters (block separators, indentation, the space after a list marker) map to
the nearest source character after the text before them, so ``to_source`` never decreases.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkDestination, parseLinkTitle
from markdown_it.token import Token

# Keep escapes and entities as tokens of their own (text_join) and text tokens unmerged
# (fragments_join): each then matches one stretch of source.
_PARSER = MarkdownIt("commonmark", {"linkify": False}).disable(["text_join", "fragments_join"])
# Line breaks as markdown-it counts them (it normalises \r\n and \r to \n).
_LINE_BREAK = re.compile(r"\r\n?|\n")
_RULE_CHAR = re.compile(r"[-*_]")
_WORD_CHAR = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class Rendered:
    """Reading text with its map back to the source it was rendered from."""

    text: str
    # len(text) + 1 offsets, never decreasing; the last is len(source). A list for Markdown, a
    # range (no per-character storage) for plain text.
    to_source: Sequence[int]
    # (start, end, kind) in rendered offsets, sorted by start. Kinds: heading1..heading6, strong,
    # em, code, code_block, link, blockquote, list_marker, rule.
    styles: list[tuple[int, int, str]] = field(default_factory=list)
    # Where the source of a rendered character ends, for characters whose source is longer
    # than one character (entities); every other character's source is one character long.
    source_ends: Mapping[int, int] = field(default_factory=dict)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source span holding the rendered characters ``[start, end)``."""
        start = min(max(start, 0), len(self.text))
        end = min(max(end, start), len(self.text))
        first = self.to_source[start]
        if end == start:
            return first, first
        last = end - 1
        return first, self.source_ends.get(last, self.to_source[last] + 1)

    def rendered_span(self, start: int, end: int) -> tuple[int, int]:
        """The rendered characters whose source offset lies in ``[start, end)``."""
        count = len(self.text)
        first = bisect.bisect_left(self.to_source, start, 0, count)
        if end <= start:
            return first, first
        return first, bisect.bisect_left(self.to_source, end, first, count)


def render_plain(text: str) -> Rendered:
    """Plain text as its own reading text: identity map, no styles."""
    return Rendered(text, range(len(text) + 1))


def render_markdown(source: str) -> Rendered:
    """The reading text of a Markdown document and its map back to ``source``."""
    builder = _Builder(source)
    builder.render(_PARSER.parse(source))
    return builder.result()


def _is_tight(tokens: list[Token], index: int) -> bool:
    """Whether the list opened at ``index`` is tight (markdown-it hides its paragraphs)."""
    level = tokens[index].level
    for position in range(index + 1, len(tokens)):
        token = tokens[position]
        if token.level == level:
            break
        if token.type == "paragraph_open" and token.level == level + 2:
            return token.hidden
    return True


class _Builder:
    """Appends reading text while walking the source forward with a cursor."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.line_starts = [0, *(m.end() for m in _LINE_BREAK.finditer(source))]
        self.parts: list[str] = []
        self.to_source: list[int] = []
        self.source_ends: dict[int, int] = {}
        self.styles: list[tuple[int, int, str]] = []
        self.length = 0
        self.cursor = 0  # source before the cursor has been rendered or skipped
        self.last = 0  # the last offset put in to_source
        self.after_marker = False

    def result(self) -> Rendered:
        self.to_source.append(len(self.source))
        styles = sorted(s for s in self.styles if s[0] < s[1])
        return Rendered("".join(self.parts), self.to_source, styles, self.source_ends)

    # Emitting text

    def copy(self, start: int, end: int) -> None:
        """Render ``source[start:end]`` as it is."""
        if end <= start:
            return
        if start < self.cursor:  # already passed: keep the text, map it as a stand-in
            self.insert(self.source[start:end], start)
            return
        self.parts.append(self.source[start:end])
        self.to_source.extend(range(start, end))
        self.length += end - start
        self.cursor, self.last = end, end - 1
        self.after_marker = False

    def insert(self, text: str, at: int) -> None:
        """Render ``text``, which stands for the source at ``at`` (or the nearest after)."""
        at = min(max(at, self.last), len(self.source) - 1)
        self.parts.append(text)
        self.to_source.extend([at] * len(text))
        self.length += len(text)
        self.last = at
        self.after_marker = False

    def character(self, char: str, at: int) -> None:
        """Render ``char``, copied when the source has it at ``at``, else standing in for it."""
        if self.cursor <= at < len(self.source) and self.source[at] == char:
            self.copy(at, at + 1)
        else:
            self.insert(char, at)
            self.cursor = max(self.cursor, at + 1)

    def style(self, start: int, kind: str) -> None:
        self.styles.append((start, self.length, kind))

    def line_end(self, line: int) -> int:
        """Offset of the line break ending ``line`` (or the end of the source)."""
        if line + 1 < len(self.line_starts):
            return self.line_starts[line + 1] - 1
        return len(self.source)

    def line_start(self, line: int) -> int:
        return self.line_starts[min(line, len(self.line_starts) - 1)]

    def end_of(self, token: Token) -> int:
        """Offset after the last line of a block token."""
        end_line = token.map[1] if token.map else len(self.line_starts)
        return self.line_start(end_line) if end_line < len(self.line_starts) else len(self.source)

    # Blocks

    def render(self, tokens: list[Token]) -> None:
        opened: list[int] = []  # rendered starts of open headings and block quotes
        tight: list[bool] = []  # one entry per open list
        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "inline":
                self.inline(token)
            elif kind == "paragraph_open" and not token.hidden:
                self.block(token, blank=True)
            elif kind in ("heading_open", "blockquote_open"):
                self.block(token, blank=True)
                opened.append(self.length)
            elif kind == "heading_close":
                self.style(opened.pop(), "heading" + token.tag[1:])
            elif kind == "blockquote_close":
                self.style(opened.pop(), "blockquote")
            elif kind in ("bullet_list_open", "ordered_list_open"):
                self.block(token, blank=not tight)  # a nested list follows its item's text
                tight.append(_is_tight(tokens, index))
            elif kind in ("bullet_list_close", "ordered_list_close"):
                tight.pop()
            elif kind == "list_item_open":
                if tokens[index - 1].type == "list_item_close":
                    self.after_marker = False  # the previous item was empty
                self.block(token, blank=not tight[-1])
                self.marker(token, depth=len(tight) - 1)
            elif kind in ("fence", "code_block", "html_block"):
                self.block(token, blank=True)
                start = self.length
                first = token.map[0] if token.map else 0
                self.lines(token, first + 1 if kind == "fence" else first)
                if kind != "html_block":
                    self.style(start, "code_block")
            elif kind == "hr":
                self.block(token, blank=True)
                self.rule(token)

    def block(self, token: Token, *, blank: bool) -> None:
        """Separate a new block from the text before it."""
        if not self.length or self.after_marker:
            return
        trailing = 0
        for part in reversed(self.parts):
            stripped = part.rstrip("\n")
            trailing += len(part) - len(stripped)
            if stripped:
                break
        missing = (2 if blank else 1) - trailing
        if missing > 0:
            line = token.map[0] if token.map else 0
            self.insert("\n" * missing, self.line_start(line) - 1 if line else self.cursor)

    def marker(self, token: Token, depth: int) -> None:
        line = token.map[0] if token.map else 0
        origin = max(self.cursor, self.line_start(line))
        marker = token.info + token.markup if token.info else token.markup
        found = self.source.find(marker, origin, self.line_end(line))
        at = found if found >= 0 else origin
        if depth and not self.after_marker:  # a list opening an item stays on its line
            self.insert("  " * depth, at)
        start = self.length
        if token.info and found >= 0:
            self.copy(found, found + len(marker))
        else:
            self.insert("•" if not token.info else marker, at)
        self.style(start, "list_marker")
        self.insert(" ", at + len(marker))
        self.cursor = max(self.cursor, at + len(marker))
        self.after_marker = True

    def lines(self, token: Token, first: int) -> None:
        """Code or HTML lines: each is the end of its source line (block prefixes removed)."""
        content = token.content.removesuffix("\n")
        for number, line in enumerate(content.split("\n") if content else []):
            source_line = first + number
            end = self.line_end(source_line)
            if number:
                self.character("\n", self.line_start(source_line) - 1)
            if self.source.endswith(line, self.line_start(source_line), end):
                self.copy(end - len(line), end)
            else:
                self.align(line, end)

    def rule(self, token: Token) -> None:
        line = token.map[0] if token.map else 0
        end = self.line_end(line)
        first = _RULE_CHAR.search(self.source, max(self.cursor, self.line_start(line)), end)
        if first is None:
            return
        last = max(self.source.rfind(c, first.start(), end) for c in "-*_")
        start = self.length
        self.copy(first.start(), last + 1)
        self.style(start, "rule")

    # Inline content

    def inline(self, token: Token) -> None:
        line = token.map[0] if token.map else 0
        end = self.end_of(token)
        origin = max(self.cursor, self.line_start(line))
        first_line = token.content.split("\n", 1)[0]
        found = self.source.rfind(first_line, origin, self.line_end(line)) if first_line else -1
        self.cursor = found if found >= 0 else origin
        self.children(token.children or [], end)

    def children(self, tokens: list[Token], end: int) -> None:
        opened: list[int] = []
        for token in tokens:
            kind = token.type
            if kind == "text":
                self.text(token.content, end)
            elif kind == "text_special":
                self.special(token, end)
            elif kind == "softbreak":
                self.line_break(end, hard=False)
            elif kind == "hardbreak":
                self.line_break(end, hard=True)
            elif kind == "code_inline":
                start = self.length
                self.skip(token.markup, end)
                if self.source.startswith(token.content, self.cursor):
                    self.copy(self.cursor, self.cursor + len(token.content))
                else:  # line breaks became spaces, or a space at each end was dropped
                    self.align(token.content, end)
                self.skip(token.markup, end)
                self.style(start, "code")
            elif kind in ("em_open", "strong_open", "link_open"):
                opened.append(self.length)
                self.skip("<" if token.markup == "autolink" else token.markup, end)
            elif kind in ("em_close", "strong_close"):
                self.skip(token.markup, end)
                self.style(opened.pop(), kind.removesuffix("_close"))
            elif kind == "link_close":
                self.style(opened.pop(), "link")
                if token.markup == "autolink":
                    self.skip(">", end)
                else:
                    self.skip_link_tail(end)
            elif kind == "image":
                self.skip("![", end)
                self.children(token.children or [], end)
                self.skip_link_tail(end)
            elif kind == "html_inline":
                self.skip(token.content, end)

    def reachable(self, found: int) -> bool:
        """Whether ``found`` is next in the source, with only markup (no word) on the way."""
        return found == self.cursor or (
            found > self.cursor and not _WORD_CHAR.search(self.source, self.cursor, found)
        )

    def text(self, content: str, end: int) -> None:
        if not content:
            return
        found = self.source.find(content, self.cursor, end)
        if self.reachable(found):
            self.copy(found, found + len(content))
        else:
            self.align(content, end)

    def align(self, content: str, end: int) -> None:
        """Map ``content`` character by character where it is not a verbatim stretch."""
        for index, char in enumerate(content):
            found = self.source.find(char, self.cursor, end)
            if char == " ":  # code spans turn line breaks into spaces
                newline = self.source.find("\n", self.cursor, end)
                if newline >= 0 and (found < 0 or newline < found):
                    found = newline
            if not self.reachable(found):
                # Markup this walk does not model: resume where the rest of the text is.
                rest = self.source.find(content[index:], self.cursor, end)
                if rest >= 0:
                    self.copy(rest, rest + len(content) - index)
                    return
                self.insert(char, self.cursor)
            elif self.source[found] == char:
                self.copy(found, found + 1)
            else:
                self.insert(char, found)
                self.cursor = found + 1

    def special(self, token: Token, end: int) -> None:
        """An escape (``\\*``) or an entity (``&amp;``), whose markup is its source."""
        found = self.source.find(token.markup, self.cursor, end) if token.markup else -1
        if found < 0:
            self.align(token.content, end)
        elif token.info == "escape" and token.markup.endswith(token.content):
            self.copy(found + len(token.markup) - len(token.content), found + len(token.markup))
        else:
            source_end = found + len(token.markup)
            for index in range(self.length, self.length + len(token.content)):
                self.source_ends[index] = source_end
            self.insert(token.content, found)
            self.cursor = source_end

    def line_break(self, end: int, *, hard: bool) -> None:
        found = self.source.find("\n", self.cursor, end)
        if found < 0:
            found = self.cursor
        if hard:
            self.character("\n", found)
        else:
            self.insert(" ", found)
            self.cursor = max(self.cursor, found + 1)

    def skip(self, markup: str, end: int) -> None:
        found = self.source.find(markup, self.cursor, end) if markup else -1
        if self.reachable(found):
            self.cursor = found + len(markup)

    def skip_link_tail(self, end: int) -> None:
        """Move past ``](destination "title")`` or ``][label]`` after a link's text."""
        source = self.source
        bracket = source.find("]", self.cursor, end)
        if not self.reachable(bracket):
            return
        position = bracket + 1
        if source.startswith("(", position):
            inner = _skip_space(source, position + 1, end)
            destination = parseLinkDestination(source, inner, end)
            if destination.ok:
                inner = _skip_space(source, destination.pos, end)
            title = parseLinkTitle(source, inner, end)
            if title.ok:
                inner = _skip_space(source, title.pos, end)
            if source.startswith(")", inner):
                position = inner + 1
        elif source.startswith("[", position):
            label_end = source.find("]", position, end)
            if label_end >= 0:
                position = label_end + 1
        self.cursor = position


def _skip_space(source: str, position: int, end: int) -> int:
    """Past spaces and line breaks, with the block quote markers that start a continued line."""
    while position < end and source[position] in " \t\n":
        position += 1
        if source[position - 1] == "\n":
            while position < end and source[position] in " \t>":
                position += 1
    return position
