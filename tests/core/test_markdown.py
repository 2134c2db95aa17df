"""Markdown rendering: exact reading text, styles and offset maps back to the source."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.core.markdown import Rendered, render_markdown, render_plain

SAMPLE = Path(__file__).parents[2] / "sample_corpus" / "ministry-denies-grain-deal-report.md"
# Rendered characters that stand in for different source characters: a soft break or the space
# after a list marker and nested-list indentation (" "), and a bullet ("•").
STAND_INS = {" ": set(" \t\n-*+"), "•": set("-*+")}


def copied(source: str, rendered: Rendered) -> list[int]:
    """Indices of rendered characters that are a copy of their source character."""
    return [i for i, c in enumerate(rendered.text) if source[rendered.to_source[i]] == c]


def source_of(source: str, rendered: Rendered, passage: str) -> str:
    start = rendered.text.index(passage)
    s, e = rendered.source_span(start, start + len(passage))
    return source[s:e]


def test_paragraphs_and_emphasis() -> None:
    source = "Some *em* and __strong__ text.\n\nSecond para."
    rendered = render_markdown(source)
    assert rendered.text == "Some em and strong text.\n\nSecond para."
    assert rendered.styles == [(5, 7, "em"), (12, 18, "strong")]
    assert rendered.to_source[5:7] == [6, 7]
    assert rendered.to_source[12:18] == list(range(16, 22))
    assert rendered.to_source[24:27] == [31, 31, 32]  # "\n\n" stands for the blank line
    assert rendered.to_source[-1] == len(source)
    assert source_of(source, rendered, "em and strong") == "em* and __strong"
    assert source_of(source, rendered, "Second") == "Second"


def test_headings_atx_and_setext() -> None:
    source = "## Title *here* ##\n\nBody\n\nSub\n---\n"
    rendered = render_markdown(source)
    assert rendered.text == "Title here\n\nBody\n\nSub"
    assert rendered.styles == [(0, 10, "heading2"), (6, 10, "em"), (18, 21, "heading2")]
    assert rendered.to_source[:6] == [3, 4, 5, 6, 7, 8]
    assert rendered.to_source[18] == source.index("Sub")


def test_links_images_and_autolinks_show_their_text() -> None:
    source = (
        'See [the *report*](http://x.y/a "A (title)") and ![a map](m.png) or <http://z.a>, '
        "[ref][r].\n\n[r]: http://r.s\n"
    )
    rendered = render_markdown(source)
    assert rendered.text == "See the report and a map or http://z.a, ref."
    assert (4, 14, "link") in rendered.styles and (8, 14, "em") in rendered.styles
    assert (28, 38, "link") in rendered.styles
    assert len(copied(source, rendered)) == len(rendered.text)
    link_tail = 'report*](http://x.y/a "A (title)") and ![a map'
    assert source_of(source, rendered, "report and a map") == link_tail
    assert source_of(source, rendered, ", ref.") == ", [ref][r]."


def test_lists_with_bullets_numbers_and_nesting() -> None:
    source = "- one\n- two\n  * inner\n\n3) first\n4) second\n"
    rendered = render_markdown(source)
    assert rendered.text == "• one\n• two\n  • inner\n\n3) first\n4) second"
    assert [s for s in rendered.styles if s[2] == "list_marker"] == [
        (0, 1, "list_marker"),
        (6, 7, "list_marker"),
        (14, 15, "list_marker"),
        (23, 25, "list_marker"),
        (32, 34, "list_marker"),
    ]
    assert rendered.to_source[0] == 0 and rendered.to_source[6] == 6  # bullets map to "-"
    assert rendered.to_source[12:15] == [14, 14, 14]  # indentation and bullet map to "*"
    assert rendered.to_source[23:25] == [23, 24]  # "3)" is copied
    assert source_of(source, rendered, "two\n  • inner") == "two\n  * inner"


def test_loose_list_items_are_separated_by_a_blank_line() -> None:
    source = "1. a\n\n2. b\n\n   more\n"
    rendered = render_markdown(source)
    assert rendered.text == "1. a\n\n2. b\n\nmore"
    assert rendered.to_source[rendered.text.index("more")] == source.index("more")


def test_block_quotes_lose_markers_and_reflow() -> None:
    source = "> quoted *text*\n> more\n>\n> > nested\n\nafter"
    rendered = render_markdown(source)
    assert rendered.text == "quoted text more\n\nnested\n\nafter"
    assert (0, 24, "blockquote") in rendered.styles and (18, 24, "blockquote") in rendered.styles
    assert rendered.to_source[11] == source.index("\n")  # the soft break
    assert source_of(source, rendered, "text more") == "text*\n> more"


def test_code_blocks_show_their_lines() -> None:
    source = "```python\na = 1\n  b = 2\n```\n\n    indented\n    code\n\n> ```\n> quoted\n> ```\n"
    rendered = render_markdown(source)
    assert rendered.text == "a = 1\n  b = 2\n\nindented\ncode\n\nquoted"
    assert [s for s in rendered.styles if s[2] == "code_block"] == [
        (0, 13, "code_block"),
        (15, 28, "code_block"),
        (30, 36, "code_block"),
    ]
    assert len(copied(source, rendered)) == len(rendered.text)
    assert source_of(source, rendered, "indented\ncode") == "indented\n    code"


def test_inline_code_escapes_entities_and_breaks() -> None:
    source = "Use `a  *b*` and \\*not em\\* AT&amp;T &copy; &#35;\nsoft  \nhard\\\nend"
    rendered = render_markdown(source)
    assert rendered.text == "Use a  *b* and *not em* AT&T © # soft\nhard\nend"
    assert (4, 10, "code") in rendered.styles
    star = rendered.text.index("*not")
    assert rendered.to_source[star] == source.index("\\*") + 1
    amp = rendered.text.index("&T")
    assert rendered.to_source[amp] == source.index("&amp;")
    assert rendered.source_span(amp, amp + 1) == (source.index("&amp;"), source.index("T &copy"))
    copyright_sign = rendered.text.index("©")
    assert rendered.source_span(copyright_sign, copyright_sign + 1) == (
        source.index("&copy;"),
        source.index(" &#35;"),
    )
    assert rendered.rendered_span(*rendered.source_span(amp, amp + 2)) == (amp, amp + 2)
    hard = rendered.text.index("soft\n") + 4
    assert source[rendered.to_source[hard]] == "\n"


def test_code_spans_across_lines_map_their_spaces_to_the_line_breaks() -> None:
    source = "> `a\n> b` and `\n` c"
    rendered = render_markdown(source)
    assert rendered.text == "a b and   c"
    assert [source[i] for i in rendered.to_source[:-1]] == list("a\nb and \n c")
    assert [s for s in rendered.styles if s[2] == "code"] == [(0, 3, "code"), (8, 9, "code")]


def test_rule_html_and_empty_input() -> None:
    source = "a\n\n* * *\n\n<div>\nraw\n</div>\n\nx <b>bold</b> y"
    rendered = render_markdown(source)
    assert rendered.text == "a\n\n* * *\n\n<div>\nraw\n</div>\n\nx bold y"
    assert (3, 8, "rule") in rendered.styles
    assert render_markdown("").text == "" and render_markdown("").to_source == [0]
    assert render_markdown("\n\n  \n").text == ""


def test_rendered_span_covers_source_spans() -> None:
    source = "A **bold** claim.\n\nNext"
    rendered = render_markdown(source)
    assert rendered.rendered_span(0, len(source)) == (0, len(rendered.text))
    assert rendered.rendered_span(2, 4) == (2, 2)  # only markup: an empty span where it was
    assert rendered.rendered_span(4, 8) == (2, 6)
    assert rendered.rendered_span(5, 5) == (3, 3)
    assert rendered.source_span(3, 3) == (5, 5)
    assert rendered.source_span(-4, 99) == (0, len(source))


def test_sample_article_renders_with_exact_attribution_passages() -> None:
    source = SAMPLE.read_text(encoding="utf-8")
    rendered = render_markdown(source)
    text = rendered.text
    assert text.startswith("Ministry denies report of secret grain deal with neighbouring state\n")
    assert "only:\n\n• veterinary checks at the border crossings;\n• the timetable" in text
    assert "#" not in text and "**" not in text and "https://" not in text and ">" not in text
    for passage in (
        "A senior official, speaking on condition of anonymity,",
        "The ministry denied the report",
        "the spokesperson said.",
        "Two people familiar with the matter said",
    ):
        assert source_of(source, rendered, passage).replace("\n", " ") == passage
    assert source_of(source, rendered, "grain_mou_v3.docx") == "grain_mou_v3.docx"
    assert source_of(source, rendered, "Daily Ledger, the") == (
        "Daily Ledger](https://example.org/ledger/grain-deal),\nthe"
    )
    same = set(copied(source, rendered))
    assert {text[i] for i in range(len(text)) if i not in same} == {"•", " "}
    kinds = {kind for _, _, kind in rendered.styles}
    assert kinds == {"heading1", "heading2", "em", "strong", "link", "list_marker"} | {
        "blockquote",
        "code",
    }


def test_plain_text_is_its_own_map() -> None:
    text = "plain *not markdown*\n" * 3
    rendered = render_plain(text)
    assert rendered.text == text and rendered.styles == []
    assert len(rendered.to_source) == len(text) + 1 and rendered.to_source[7] == 7
    assert rendered.source_span(2, 9) == (2, 9) and rendered.rendered_span(2, 9) == (2, 9)


def check_map(source: str, rendered: Rendered) -> None:
    text, to_source = rendered.text, rendered.to_source
    assert len(to_source) == len(text) + 1 and to_source[-1] == len(source)
    assert all(a <= b for a, b in itertools.pairwise(to_source))
    assert all(to_source[i] < len(source) for i in range(len(text)))
    assert all(0 <= s < e <= len(text) for s, e, _ in rendered.styles)


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzÉé", min_size=1, max_size=6)
MARKED_WORDS = st.one_of(
    WORD,
    WORD.map(lambda w: f"*{w}*"),
    WORD.map(lambda w: f"**{w}**"),
    WORD.map(lambda w: f"_{w}_"),
    WORD.map(lambda w: f"`{w}`"),
    st.tuples(WORD, WORD).map(lambda p: f"[{p[0]}](http://{p[1]}.org)"),
    st.tuples(WORD, WORD).map(lambda p: f'[{p[0]} *{p[1]}*](/{p[1]} "{p[0]}")'),
    st.sampled_from(["\\*", "\\_", "\\[", "*", "_", "**", "!", "1."]),
)
# Entities and tags hide letters of the source, so only some properties take them.
INLINE = st.one_of(MARKED_WORDS, st.sampled_from(["&amp;", "`", "<br>"]))


def documents(inline: st.SearchStrategy[str], *, code: bool) -> st.SearchStrategy[str]:
    line = st.lists(inline, min_size=1, max_size=6).map(" ".join)
    lines = st.lists(line, min_size=1, max_size=3)
    paragraph = lines.map("\n".join)
    blocks = [
        paragraph,
        st.tuples(st.integers(1, 6), line).map(lambda p: "#" * p[0] + " " + p[1]),
        lines.map(lambda ls: "\n".join("- " + x for x in ls)),
        lines.map(lambda ls: "\n".join("1. " + x for x in ls)),
        lines.map(lambda ls: "\n".join("  - " + x for x in ls)),
        paragraph.map(lambda p: "> " + p.replace("\n", "\n> ")),
        st.just("---"),
    ]
    if code:
        blocks.append(paragraph.map(lambda p: "```\n" + p + "\n```"))
    separators = st.sampled_from(["\n", "\n\n"])
    return st.lists(st.tuples(st.one_of(blocks), separators), max_size=6).map(
        lambda parts: "".join(block + separator for block, separator in parts)
    )


MARKDOWN = documents(INLINE, code=True)


@given(MARKDOWN)
def test_every_rendered_character_maps_to_itself_or_what_it_stands_for(source: str) -> None:
    rendered = render_markdown(source)
    check_map(source, rendered)
    for index, char in enumerate(rendered.text):
        origin = source[rendered.to_source[index]]
        assert origin == char or origin in STAND_INS.get(char, ()), (index, char, origin)


@given(MARKDOWN)
def test_word_spans_round_trip(source: str) -> None:
    rendered = render_markdown(source)
    for match in re.finditer(r"[^\W\d_]+", rendered.text):
        start, end = rendered.source_span(*match.span())
        assert rendered.rendered_span(start, end) == match.span()
        # The source span holds the word, split only where markup sat inside it (`a `b).
        letters = re.sub(r"\]\([^)]*\)|[\W\d_]", "", source[start:end])
        assert letters == match.group()


@given(documents(MARKED_WORDS, code=False))
def test_every_source_letter_is_shown(source: str) -> None:
    shown = render_markdown(source).text
    hidden = re.sub(r"\]\([^)]*\)", "", source)  # link destinations are not shown
    assert re.sub(r"[\W\d_]", "", shown) == re.sub(r"[\W\d_]", "", hidden)


@given(st.text(max_size=200))
def test_any_text_renders_with_a_consistent_map(source: str) -> None:
    rendered = render_markdown(source)
    check_map(source, rendered)
    end = len(rendered.text)
    assert rendered.source_span(0, end)[1] <= len(source)
    assert rendered.rendered_span(0, len(source)) == (0, end)


@pytest.mark.parametrize(
    "source",
    ["\x00*a*\x00", "a\r\nb\rc", "[a](\n> b)", "> [x](y\n> )z", "- - - a", "*" * 50, "\\"],
)
def test_awkward_sources_keep_a_consistent_map(source: str) -> None:
    check_map(source, render_markdown(source))
