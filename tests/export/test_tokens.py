"""The shared tokeniser: exact tokens, spaCy's whitespace layout, snapping spans outward."""

from __future__ import annotations

import re
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from reader.core.tokens import _CJK, _EXTEND, Alignment, Tokens, lay_out, tokenize

Token = tuple[str, int, int, bool]  # text, start, end, ws

# The rules written plainly, one alternative per rule in their order in the module docstring.
PLAIN_RULES = re.compile(
    rf"[\U0001f1e6-\U0001f1ff]{{2}}"
    rf"|[{_CJK}][{_EXTEND}]*"
    rf"|(?:[^\W{_CJK}]|[{_EXTEND}])+"
    rf"|\S(?:[{_EXTEND}]|\u200d\S)*"
)
CHARACTERS = [
    *'ab1_ .,"\\\n\t\r\x0b\x00\u00a0\u2028\u3000ひ',
    *"\u0627\u0301\u0915\u093f\u0964\u200d",
    *"中𠀀한\ufe0f😀👍\U0001f3fd\U0001f1ef\U0001f1f5\U000e0067",  # the last 10: from U+3400 up
]


def listed(tokens: Tokens) -> list[Token]:
    return list(zip(tokens.texts, tokens.starts, tokens.ends, tokens.ws, strict=True))


def texts(text: str) -> list[str]:
    return tokenize(text).texts


def test_words_punctuation_and_numbers() -> None:
    assert texts('Mr. Zhao said: "U.S. talks won\'t fail" (2024).') == [
        "Mr",
        ".",
        "Zhao",
        "said",
        ":",
        '"',
        "U",
        ".",
        "S",
        ".",
        "talks",
        "won",
        "'",
        "t",
        "fail",
        '"',
        "(",
        "2024",
        ")",
        ".",
    ]


def test_cjk_ideographs_are_one_token_each_and_kana_runs_stay_whole() -> None:
    assert texts("外交部否认。ひらがな") == ["外", "交", "部", "否", "认", "。", "ひらがな"]


def test_emoji_keep_modifiers_and_joiners() -> None:
    family = "👨\u200d👩\u200d👧"
    assert texts(f"ok👍🏽 {family} 🇯🇵 1️⃣") == ["ok", "👍🏽", family, "🇯🇵", "1️⃣"]


def test_combining_marks_and_indic_signs_stay_in_their_word() -> None:
    assert texts("Cafe\u0301 हिन्दी। x") == ["Cafe\u0301", "हिन्दी", "।", "x"]


def test_offsets_and_trailing_space() -> None:
    assert listed(tokenize("a  b\nc ")) == [
        ("a", 0, 1, True),
        ("b", 3, 4, False),
        ("c", 5, 6, True),
    ]


def test_whitespace_layout_is_spacy_s() -> None:
    text = "  a  b\n\nc "
    words, laid, gaps = lay_out(text)
    assert words == tokenize(text)
    assert gaps == [0, 1, 2]
    assert listed(laid) == [
        ("  ", 0, 2, False),
        ("a", 2, 3, True),
        (" ", 4, 5, False),
        ("b", 5, 6, False),
        ("\n\n", 6, 8, False),
        ("c", 8, 9, True),
    ]
    assert [lay_out(text).position(i) for i in range(3)] == [1, 3, 5]


def test_layout_of_a_text_without_words_or_gaps() -> None:
    assert lay_out("") == (Tokens([], [], [], []), Tokens([], [], [], []), [])
    assert listed(lay_out(" \n").tokens) == [(" \n", 0, 2, False)]
    layout = lay_out("a b")
    assert listed(layout.tokens) == [("a", 0, 1, True), ("b", 2, 3, False)]
    assert (layout.gaps, layout.position(0), layout.position(1)) == ([], 0, 1)


def test_snap_widens_to_whole_tokens_and_refuses_whitespace() -> None:
    text = "sources familiar with it"
    alignment = Alignment(tokenize(text))
    assert alignment.snap(9, 19) == (1, 2)  # "amiliar wi" -> "familiar with"
    assert alignment.snap(8, 16) == (1, 1)  # exact
    assert alignment.snap(7, 8) is None  # the space alone


@given(st.text(st.sampled_from(CHARACTERS)))
def test_tokens_cover_every_non_space_character_and_layout_rebuilds_the_text(text: str) -> None:
    tokens = listed(tokenize(text))
    covered = {i for _, start, end, _ in tokens for i in range(start, end)}
    assert covered == {i for i, c in enumerate(text) if not c.isspace()}
    for token, start, end, ws in tokens:
        assert token == text[start:end] and token
        assert not any(c.isspace() for c in token)
        assert ws == (text[end : end + 1] == " ")
    assert all(a[2] <= b[1] for a, b in pairwise(tokens))
    layout = lay_out(text)
    laid = layout.tokens
    positions = [layout.position(i) for i in range(len(tokens))]
    assert "".join(t + " " * ws for t, _, _, ws in listed(laid)) == text
    assert [listed(laid)[i] for i in positions] == tokens
    assert all(t.isspace() for i, t in enumerate(laid.texts) if i not in positions)


@given(st.text(st.sampled_from(CHARACTERS)) | st.text(st.sampled_from(CHARACTERS[:-10])))
def test_tokens_follow_the_rules_as_written_plainly(text: str) -> None:
    plain = [(m.group(), m.start(), m.end()) for m in PLAIN_RULES.finditer(text)]
    assert [token[:3] for token in listed(tokenize(text))] == plain


@given(st.text(st.sampled_from([*"ab .\n", "中"]), min_size=1), st.data())
def test_snap_is_the_smallest_token_range_covering_the_span(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    tokens = tokenize(text)
    touched = [i for i, (_, s, e, _) in enumerate(listed(tokens)) if s < end and e > start]
    expected = (touched[0], touched[-1]) if touched else None
    assert Alignment(tokens).snap(start, end) == expected
