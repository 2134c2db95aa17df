"""Word and sentence boundaries: exact spans on the sample corpus, properties on any text."""

# News text uses typographic quotes and apostrophes on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.core.segment import next_word, prev_word, sentence_at, sentences, word_at

SAMPLES = Path(__file__).parents[2] / "sample_corpus"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def span_of(text: str, passage: str, after: int = 0) -> tuple[int, int]:
    start = text.index(passage, after)
    return start, start + len(passage)


DRONES = sample("us-warns-russia-asked-china-for-drones.txt")
BIDEN = sample("biden-did-not-approve-secret-talks.txt")
CONCERN = sample("us-concern-china-russia-alignment.txt")


def test_drones_article_sentences_are_exact() -> None:
    expected = [
        "On Monday, National Security Advisor of White House Jake Sullivan and China’s top "
        "diplomat, Communist Party Politburo member Yang Jiechi held a meeting for six hours in "
        "Rome to discuss a variety of issues, including Ukraine.",
        "One U.S. official has described the meeting as intense but declined to say whether the "
        "request for military aid came up, while Yang afterwards called on all sides to exercise "
        "patience in the conflict.",
        "Before the Sullivan & Yang meeting, American officials began disclosing Russia’s military "
        "and economic assistance bid.",
        "Asked about the request for a drone, a spokesperson for the Chinese Embassy in Washington "
        "on Monday night referred to an earlier statement from Foreign Ministry spokesperson Zhao "
        "Lijian.",
        "“The U.S. has been maliciously spreading disinformation targeting China,” Zhao said.",
        "“We have been playing a constructive part in promoting peace talks.”",
        "The Biden led administration has sought to persuade Beijing to use its influence with "
        "Moscow to help end a conflict that has now entered its third week.",
        "The president’s top advisers have pressured China to impose sanctions on Russia’s economy "
        "imposed by the U.S. and its European and Asian allies.",
    ]
    spans = sentences(DRONES)
    assert spans[2:10] == [span_of(DRONES, s) for s in expected]
    assert len(spans) == 14
    assert DRONES[slice(*spans[-1])] == "Please enter your name here"


def test_closing_quote_after_full_stop_stays_with_its_sentence() -> None:
    first = (
        "In response to questions on Thursday, a spokesperson for the state department stated, "
        "“The Biden administration did not sanction those discussions.”"
    )
    second = (
        "And as we have stated numerous times, nothing about Ukraine is complete without Ukraine.”"
    )
    third = (
        "He stated that the government would continue to provide Kyiv with weapons so that "
        "Ukrainian officials could “negotiate from a position of strength when they think the "
        "time is right.”"
    )
    for passage in (first, second, third):
        start, end = span_of(BIDEN, passage)
        assert sentence_at(BIDEN, start) == (start, end)
        assert sentence_at(BIDEN, end - 1) == (start, end)
        assert (start, end) in sentences(BIDEN)


def test_straight_quotes_and_headline_lines() -> None:
    quote = (
        '"We do have deep concerns about China\'s alignment with Russia," a senior US official '
        'told reporters, speaking on condition of anonymity, adding: "It was a very candid '
        'conversation."'
    )
    line_start = CONCERN.index("\n" + quote) + 1
    assert sentence_at(CONCERN, line_start + 10) == (line_start, line_start + len(quote))
    headline = "US: Biden didn’t approve secret US-Russia talks over Ukraine war, White House says"
    assert sentences(BIDEN)[:2] == [span_of(BIDEN, headline), span_of(BIDEN, headline, 1)]


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Smith met Dr. Jones in the U.S. on Monday.",
        "Gen. Milley and Sen. Warren met Gov. Newsom at 10 a.m. local time.",
        "J. Smith and George W. Bush paid 3.5 per cent more than the U.K. did.",
        "U.S. President Joe Biden spoke to the U.N. Secretary-General.",
    ],
)
def test_abbreviations_initials_and_decimals_do_not_end_a_sentence(text: str) -> None:
    assert sentences(text) == [(0, len(text))]
    assert sentence_at(text, len(text) // 2) == (0, len(text))


def test_quotes_ending_in_stop_then_a_new_sentence() -> None:
    text = 'He said "it is right." Then he left. She said “it is over.” They agreed.'
    assert [text[a:b] for a, b in sentences(text)] == [
        'He said "it is right."',
        "Then he left.",
        "She said “it is over.”",
        "They agreed.",
    ]


def test_sentence_at_whitespace_blank_lines_and_line_breaks() -> None:
    text = "  First one.  Second one.\n\nHeadline without stop\nBody here."
    assert sentence_at(text, 0) == (2, 12)
    assert sentence_at(text, 13) == (2, 12)  # whitespace after a sentence belongs to it
    assert sentence_at(text, 14) == (14, 25)
    assert sentence_at(text, 26) == (26, 26)  # the blank line
    assert sentence_at(text, 30) == span_of(text, "Headline without stop")
    assert sentence_at(text, len(text)) == span_of(text, "Body here.")
    assert sentence_at("", 0) == (0, 0)
    assert sentence_at(text, -5) == (2, 12)
    assert sentence_at(text, 10_000) == span_of(text, "Body here.")


def test_long_lines_are_segmented_exactly_around_the_offset() -> None:
    parts = [f"Report number {i} came from the U.S. and Mr. Lee read it." for i in range(800)]
    text = " ".join(parts)
    middle = text.index(parts[400])
    assert sentence_at(text, middle + 5) == (middle, middle + len(parts[400]))
    assert [text[a:b] for a, b in sentences(text)] == parts


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Biden didn’t approve", "didn’t"),
        ("secret US-Russia talks", "US-Russia"),
        ("One U.S. official", "U.S."),
        ("it's 3.5 or 2,000", "3.5"),
        ("Caf\u0065\u0301 au lait", "Caf\u0065\u0301"),
        ("हिन्दी समाचार", "हिन्दी"),
        ("the Secretary-General’s view", "Secretary-General’s"),
    ],
)
def test_word_at_keeps_inner_apostrophes_hyphens_and_dots(text: str, word: str) -> None:
    span = span_of(text, word)
    for offset in range(*span):
        assert word_at(text, offset) == span


def test_word_at_outside_words() -> None:
    text = "“sources’ view” said\nnext"
    assert word_at(text, 0) == span_of(text, "sources")
    assert word_at(text, text.index("’")) == span_of(text, "view")
    assert word_at(text, text.index("\n")) is None  # no word after it on the same line
    assert word_at("", 0) is None
    assert word_at("...", 1) is None


def test_next_and_prev_word_move_like_ctrl_arrows() -> None:
    text = "one  two, three\nfour"
    assert [next_word(text, i) for i in (0, 3, 5, 8, 15, 16, 20)] == [5, 5, 10, 10, 16, 20, 20]
    assert [prev_word(text, i) for i in (0, 2, 5, 6, 10, 16, 20)] == [0, 0, 0, 5, 5, 10, 16]


TEXTS = st.text(alphabet=st.sampled_from(list("ab C.”\"’'-?!\n 3,é\u0301😀U.S.")), max_size=60)
ANY_TEXT = st.one_of(TEXTS, st.text(max_size=60))


@given(ANY_TEXT, st.data())
def test_sentence_at_is_stripped_on_one_line_and_at_the_offset(text: str, data) -> None:
    offset = data.draw(st.integers(0, len(text)))
    start, end = sentence_at(text, offset)
    assert 0 <= start <= end <= len(text)
    assert text[start:end] == text[start:end].strip()
    assert "\n" not in text[start:end]
    # The offset is inside, or only whitespace (not a line break) lies between.
    between = text[offset:start] if offset < start else text[end:offset]
    assert not between.strip() and "\n" not in between


@given(ANY_TEXT)
def test_sentences_tile_every_visible_character(text: str) -> None:
    spans = sentences(text)
    covered = set()
    last_end = 0
    for start, end in spans:
        assert last_end <= start < end
        assert text[start:end] == text[start:end].strip() and "\n" not in text[start:end]
        assert sentence_at(text, start) == (start, end)
        covered.update(range(start, end))
        last_end = end
    assert all(text[i].isspace() for i in range(len(text)) if i not in covered)


@given(ANY_TEXT, st.data())
def test_word_moves_land_on_word_starts(text: str, data) -> None:
    offset = data.draw(st.integers(0, len(text)))
    span = word_at(text, offset)
    if span is not None:
        start, end = span
        assert end > offset and start < end
        assert "\n" not in text[offset:end]
        assert not any(c.isalnum() for c in text[offset:start])
    forward, back = next_word(text, offset), prev_word(text, offset)
    assert offset < forward or forward == len(text)
    assert back < offset or back == 0
    for target in (forward, back):
        if 0 < target < len(text):
            span = word_at(text, target)
            assert span is not None and span[0] == target


WRAPPED = (
    "The ministry said on Tuesday that it had agreed to sell grain to the\n"
    "neighbouring state. Officials denied it.\n"
    "\n"
    "Heading without a full stop\n"
    "A one-line paragraph ends here.\n"
    "Another starts on the next line."
)


def test_sentences_run_across_the_line_breaks_of_wrapped_text_only() -> None:
    assert [WRAPPED[s:e] for s, e in sentences(WRAPPED)] == [
        "The ministry said on Tuesday that it had agreed to sell grain to the\nneighbouring state.",
        "Officials denied it.",
        "Heading without a full stop",
        "A one-line paragraph ends here.",
        "Another starts on the next line.",
    ]
    inside_second_line = WRAPPED.index("neighbouring") + 3
    assert sentence_at(WRAPPED, inside_second_line) == sentences(WRAPPED)[0]
    assert sentence_at(WRAPPED, 5) == sentences(WRAPPED)[0]
