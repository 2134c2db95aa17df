"""Re-anchoring annotations when a document's text changes: the search and the store."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from reader.core.anchoring import ORPHAN_BELOW, edit_distances, match_score, relocate
from reader.core.store import NewDocument, Store, StoreError, context, sha256_hex


@dataclass(frozen=True)
class Quote:
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str


def quote_at(text: str, start: int, end: int) -> Quote:
    return Quote(start, end, text[start:end], *context(text, start, end))


def naive_distances(pattern: str, text: str, anywhere: bool) -> list[int]:
    previous = list(range(len(pattern) + 1))
    out = []
    for char in text:
        row = [0 if anywhere else previous[0] + 1]
        for i, p in enumerate(pattern, 1):
            row.append(min(previous[i] + 1, row[i - 1] + 1, previous[i - 1] + (p != char)))
        out.append(row[-1])
        previous = row
    return out


@given(st.text("abc", min_size=1, max_size=80), st.text("abc", max_size=40), st.booleans())
def test_bit_vector_distances_equal_the_dynamic_programme(
    pattern: str, text: str, anywhere: bool
) -> None:
    assert edit_distances(pattern, text, anywhere=anywhere) == naive_distances(
        pattern, text, anywhere
    )


TEXT = (
    "Officials said the talks went well. A source, speaking on condition of anonymity, "
    "disagreed. Zhao said the claims were false. Later the ministry said nothing more."
)


def span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def test_edit_shifts_what_follows_and_keeps_what_precedes() -> None:
    early, late = quote_at(TEXT, *span(TEXT, "Officials")), quote_at(TEXT, *span(TEXT, "nothing"))
    new = TEXT.replace("disagreed.", "disagreed strongly.")
    placed = relocate(TEXT, new, [early, quote_at(TEXT, *span(TEXT, "Zhao said")), late])
    assert [(p.start, p.end) for p in placed if p] == [
        span(new, "Officials"),
        span(new, "Zhao said"),
        span(new, "nothing"),
    ]
    first, near, last = (p.score for p in placed if p)
    assert first == last == 1.0  # context untouched
    assert ORPHAN_BELOW <= near < 1.0  # the insertion is inside its prefix


def test_repeated_quote_goes_to_the_occurrence_with_its_context() -> None:
    second = TEXT.index("said", TEXT.index("Zhao"))
    anchor = quote_at(TEXT, second, second + 4)
    new = "Breaking: " + TEXT.replace("Zhao said", "Zhao Lijian said")
    (placed,) = relocate(TEXT, new, [anchor])
    assert placed is not None
    assert placed.start == new.index("said", new.index("Lijian"))


def test_edited_quote_is_found_approximately() -> None:
    anchor = quote_at(TEXT, *span(TEXT, "speaking on condition of anonymity"))
    new = TEXT.replace(
        "speaking on condition of anonymity", "speaking on the condition of anonymity"
    )
    (placed,) = relocate(TEXT, new, [anchor])
    assert placed is not None
    assert (placed.start, placed.end) == span(new, "speaking on the condition of anonymity")
    assert ORPHAN_BELOW <= placed.score < 1.0


def test_removed_passage_is_an_orphan() -> None:
    anchor = quote_at(TEXT, *span(TEXT, "Zhao said the claims were false."))
    new = TEXT.replace("Zhao said the claims were false. ", "")
    assert relocate(TEXT, new, [anchor]) == [None]


def test_short_quote_is_not_moved_to_another_occurrence_out_of_context() -> None:
    said = TEXT.index("said", TEXT.index("Zhao"))
    new = TEXT.replace("Zhao said the claims were false. ", "")
    assert new.count("said") == 2  # "Officials said", "the ministry said"
    assert relocate(TEXT, new, [quote_at(TEXT, said, said + 4)]) == [None]


LETTERS = string.ascii_lowercase + " "


@st.composite
def texts_with_quote(draw: st.DrawFn, shortest: int = 12) -> tuple[str, int, int]:
    """A random-letter text (no accidental repeats) and a quote inside it."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    text = "".join(rng.choice(LETTERS) for _ in range(draw(st.integers(80, 400))))
    start = draw(st.integers(0, len(text) - shortest))
    end = draw(st.integers(start + shortest, min(len(text), start + 80)))
    return text, start, end


@given(texts_with_quote(), st.data())
def test_edits_outside_a_quote_keep_it_exactly(
    case: tuple[str, int, int], data: st.DataObject
) -> None:
    text, start, end = case
    before = data.draw(st.booleans())
    low, high = (0, start) if before else (end, len(text))
    a = data.draw(st.integers(low, high))
    b = data.draw(st.integers(a, high))
    inserted = data.draw(st.text(LETTERS, max_size=60))
    new = text[:a] + inserted + text[b:]
    shift = len(inserted) - (b - a) if before else 0
    anchor = quote_at(text, start, end)
    (placed,) = relocate(text, new, [anchor])
    assert placed is not None
    assert (placed.start, placed.end) == (start + shift, end + shift)
    assert new[placed.start : placed.end] == anchor.quote
    if b < start - len(anchor.prefix) or a > end + len(anchor.suffix):
        assert context(new, placed.start, placed.end) == (anchor.prefix, anchor.suffix)
        assert placed.score == 1.0


@given(texts_with_quote(), st.data())
def test_edits_inside_a_quote_reanchor_there_or_orphan(
    case: tuple[str, int, int], data: st.DataObject
) -> None:
    text, start, end = case
    a = data.draw(st.integers(start, end - 1))
    b = data.draw(st.integers(a, end))
    inserted = data.draw(st.text(LETTERS, max_size=30))
    assume(inserted != text[a:b])
    assume(a < b or a > start)  # an insertion at the start is outside the quote
    new = text[:a] + inserted + text[b:]
    true_end = end + len(inserted) - (b - a)
    anchor = quote_at(text, start, end)
    (placed,) = relocate(text, new, [anchor])
    if placed is None:
        return
    assert placed.score >= ORPHAN_BELOW
    # never somewhere else: the placement overlaps where the edited passage now is ...
    assert placed.start < max(true_end, start + 1) and placed.end > start
    # ... and is the exact quote (the edit only looks inside it: "x" + "xy" == "xx" + "y"),
    # or matches the old passage at least as well as that passage does
    if anchor.quote in new:
        assert new[placed.start : placed.end] == anchor.quote
    elif true_end > start:
        assert placed.score >= match_score(new, anchor, start, true_end, start) - 1e-9


@given(texts_with_quote(shortest=30), st.data())
def test_small_edits_inside_a_long_quote_are_never_orphaned(
    case: tuple[str, int, int], data: st.DataObject
) -> None:
    text, start, end = case
    a = data.draw(st.integers(start + 1, end - 3))
    new = text[:a] + data.draw(st.sampled_from(["", "x", "yz"])) + text[a + 2 :]
    (placed,) = relocate(text, new, [quote_at(text, start, end)])
    assert placed is not None
    assert abs(placed.start - start) <= 2  # equal up to a repeat like "blbl" at the edge


# -- the store: re-import, orphans, re-placing ----------------------------------------


def doc(text: str) -> NewDocument:
    return NewDocument("a", "A", text, sha256_hex(text), "/corpus/a.txt")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "r.db", annotator="ana")
    s.import_documents([doc(TEXT)])
    for phrase, label in [
        ("Officials said the talks went well.", "official statement"),
        ("speaking on condition of anonymity", "anonymous source"),
        ("Zhao said the claims were false.", "denial"),
        ("the ministry said nothing more", "official statement"),
    ]:
        s.add_annotation(1, *span(TEXT, phrase), label)
    return s


EDITED = TEXT.replace(
    "speaking on condition of anonymity", "speaking on the condition of anonymity"
).replace("Zhao said the claims were false. ", "")


def test_reimport_moves_keeps_and_orphans(store: Store) -> None:
    report = store.import_documents([doc(EDITED)])
    assert (report.updated, report.refused) == (1, [])
    assert (report.annotations_unchanged, report.annotations_moved) == (1, 2)
    assert report.annotations_orphaned == 1
    rows = store.conn.execute(
        'SELECT start, "end", quote, orphaned FROM annotations ORDER BY label, start'
    ).fetchall()
    assert rows == [
        (
            *span(EDITED, "speaking on the condition of anonymity"),
            "speaking on the condition of anonymity",
            0,
        ),
        (*span(TEXT, "Zhao said the claims were false."), "Zhao said the claims were false.", 1),
        (0, 35, "Officials said the talks went well.", 0),
        (*span(EDITED, "the ministry said nothing more"), "the ministry said nothing more", 0),
    ]
    for a in store.annotations(1):
        if not a.orphaned:
            assert EDITED[a.start : a.end] == a.quote
            assert context(EDITED, a.start, a.end) == (a.prefix, a.suffix)
    assert store.document(1).annotation_count == 4  # orphans are still annotations


def test_orphan_is_listed_replaced_and_undone(store: Store) -> None:
    store.import_documents([doc(EDITED)])
    (orphan,) = store.orphans()
    assert store.orphans(1) == [orphan] and orphan.quote == "Zhao said the claims were false."
    with pytest.raises(StoreError):
        store.replace_orphan(store.annotations(1)[0].id, 0, 5)
    placed = store.replace_orphan(orphan.id, *span(EDITED, "Later the ministry"))
    assert (placed.quote, placed.orphaned) == ("Later the ministry", False)
    assert store.orphans() == []
    store.undo(1)
    assert store.annotation(orphan.id) == orphan
    store.redo(1)
    assert store.annotation(orphan.id).quote == "Later the ministry"


def test_restored_text_brings_orphans_back(store: Store) -> None:
    store.import_documents([doc(EDITED)])
    report = store.import_documents([doc(TEXT)])
    assert report.annotations_orphaned == 0
    assert store.orphans() == []
    for a in store.annotations(1):
        assert TEXT[a.start : a.end] == a.quote


def test_reimport_of_the_same_text_changes_nothing(store: Store) -> None:
    before = store.conn.execute("SELECT * FROM annotations ORDER BY id").fetchall()
    report = store.import_documents([doc(TEXT)])
    assert (report.unchanged, report.annotations_moved) == (1, 0)
    assert store.conn.execute("SELECT * FROM annotations ORDER BY id").fetchall() == before


def test_long_document_with_many_annotations_reanchors(tmp_path: Path) -> None:
    rng = random.Random(7)
    text = "".join(rng.choice(LETTERS) for _ in range(300_000))
    s = Store(tmp_path / "long.db", annotator="ana")
    s.import_documents([doc(text)])
    spans = [(i, i + 40, "denial") for i in range(1_000, 299_000, 3_000)]
    s.add_annotations(1, spans)
    middle = len(text) // 2
    new = text[:middle] + "INSERTED " + text[middle + 3 : middle + 20] + text[middle + 25 :]
    report = s.import_documents([doc(new)])
    assert report.annotations_orphaned == 0
    for a in s.annotations(1):
        assert new[a.start : a.end] == a.quote
