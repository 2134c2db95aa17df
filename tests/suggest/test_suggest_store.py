"""Accepting and rejecting suggestions in the store, and undoing/redoing both."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.store import NewDocument, Store, sha256_hex
from reader.core.suggest import Suggestion, default_rules, pending_suggestions

TEXT = (
    "Officials said the talks went well.\n"
    "A source, speaking on condition of anonymity, denied it.\n"
    "The minister said nothing."
)
ANON = Suggestion(36, 92, "anonymous source", "anonymity")
DENIAL = Suggestion(36, 92, "denial", "denial-words")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "r.db", annotator="ana")
    s.import_documents([NewDocument("a", "A", TEXT, sha256_hex(TEXT))])
    return s


def rejected_rows(store: Store) -> list[tuple[object, ...]]:
    return store.conn.execute(
        'SELECT doc_id, start, "end", label, rule, annotator FROM rejected_suggestions'
    ).fetchall()


def live(store: Store) -> list[tuple[int, int, str, str, str]]:
    return [(a.start, a.end, a.label, a.quote, a.origin) for a in store.annotations(1)]


def test_fixture_spans_are_the_sentence() -> None:
    assert TEXT[ANON.start : ANON.end] == "A source, speaking on condition of anonymity, denied it."


def test_accept_records_origin_and_quote(store: Store) -> None:
    annotation = store.accept_suggestion(1, ANON)
    assert live(store) == [(36, 92, "anonymous source", TEXT[36:92], "rule:anonymity")]
    assert annotation.annotator == "ana"
    assert store.document(1).annotation_count == 1
    assert [a.kind for a in store.actions(1)] == ["add"]


def test_accept_many_is_one_undo_step(store: Store) -> None:
    created = store.accept_suggestions(1, [ANON, DENIAL])
    assert [a.origin for a in created] == ["rule:anonymity", "rule:denial-words"]
    assert len(store.actions(1)) == 1
    store.undo(1)
    assert live(store) == []
    assert store.document(1).annotation_count == 0
    store.redo(1)
    assert sorted(row[2] for row in live(store)) == ["anonymous source", "denial"]


def test_accept_nothing_logs_nothing(store: Store) -> None:
    assert store.accept_suggestions(1, []) == []
    assert store.actions(1) == []


def test_reject_is_stored_and_logged(store: Store) -> None:
    assert store.reject_suggestion(1, ANON) is True
    assert rejected_rows(store) == [(1, 36, 92, "anonymous source", "anonymity", "ana")]
    assert store.rejected_suggestions(1) == {(36, 92, "anonymous source")}
    assert [a.kind for a in store.actions(1)] == ["reject"]


def test_rejecting_twice_is_one_action(store: Store) -> None:
    store.reject_suggestion(1, ANON)
    assert store.reject_suggestion(1, ANON) is False
    assert len(rejected_rows(store)) == 1
    assert len(store.actions(1)) == 1


def test_undo_restores_a_rejected_suggestion_and_redo_rejects_it_again(store: Store) -> None:
    store.reject_suggestion(1, ANON)
    undone = store.undo(1)
    assert undone is not None and undone.kind == "reject"
    assert rejected_rows(store) == []
    redone = store.redo(1)
    assert redone is not None and redone.kind == "reject"
    assert rejected_rows(store) == [(1, 36, 92, "anonymous source", "anonymity", "ana")]


def test_undo_walks_back_through_mixed_actions(store: Store) -> None:
    store.reject_suggestion(1, DENIAL)
    store.accept_suggestion(1, ANON)
    store.add_annotation(1, 0, 9, "anonymous source")
    store.undo(1)
    store.undo(1)
    assert live(store) == []
    assert store.rejected_suggestions(1) == {(36, 92, "denial")}
    store.undo(1)
    assert store.rejected_suggestions(1) == set()
    assert store.undo(1) is None
    store.redo(1)
    store.redo(1)
    assert store.rejected_suggestions(1) == {(36, 92, "denial")}
    assert live(store) == [(36, 92, "anonymous source", TEXT[36:92], "rule:anonymity")]


def test_undo_survives_reopening(store: Store, tmp_path: Path) -> None:
    store.reject_suggestion(1, ANON)
    store.close()
    with Store(tmp_path / "r.db", annotator="ana") as again:
        again.undo(1)
        assert again.rejected_suggestions(1) == set()


def test_pending_hides_accepted_and_rejected_until_undone(store: Store) -> None:
    rules = default_rules()
    first = pending_suggestions(store, 1, rules)
    assert [(s.start, s.end, s.label, s.rule) for s in first] == [
        (0, 35, "anonymous source", "unnamed-speaker"),
        (36, 92, "anonymous source", "anonymity"),
        (82, 92, "denial", "denial-words"),
        (93, 119, "official statement", "named-speaker"),
    ]
    store.accept_suggestion(1, first[1])
    store.reject_suggestion(1, first[2])
    assert pending_suggestions(store, 1, rules) == [first[0], first[3]]
    store.undo(1)
    store.undo(1)
    assert pending_suggestions(store, 1, rules) == first
