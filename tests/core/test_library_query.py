"""The library's SQL: keyset pages in every sort and direction, filters, search, positions."""

from __future__ import annotations

import itertools
import random
import sqlite3
import threading
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from reader.core.library_query import (
    MATCH_END,
    MATCH_START,
    SMALL_RESULT,
    SNIPPET_TOKENS,
    SORTS,
    LibraryQuery,
    SharedQuery,
    View,
    fts_query,
    passage,
    row_key,
    snippet_parts,
)
from reader.core.store import DocumentRow, NewDocument, Store, sha256_hex

WORDS = ["alpha", "beta", "gamma", "delta", "drones", "china", "said", "denied"]


def make_store(path: Path, n: int = 40) -> Store:
    rnd = random.Random(7)
    store = Store(path, annotator="ana")
    docs = []
    for i in range(n):
        title = rnd.choice(["Zeta", "alpha", "Beta", "beta", "Émile", "[b]x"]) + f" {i % 9}"
        text = f"{title}\n" + " ".join(rnd.choice(WORDS) for _ in range(20 + i))
        docs.append(NewDocument(f"d{i}", title, text, sha256_hex(text)))
    store.import_documents(docs)
    for doc_id in range(1, n + 1, 3):
        store.add_annotation(doc_id, 0, 3, "denial" if doc_id % 2 else "official statement")
    for doc_id in range(2, n + 1, 5):
        store.set_status(doc_id, "done")
    # Different times so the date sort is not the id sort.
    for doc_id in range(1, n + 1):
        stamp = f"2024-01-{1 + (doc_id * 7) % 28:02d}T00:00:00.000Z"
        store.conn.execute("UPDATE documents SET updated_at = ? WHERE id = ?", (stamp, doc_id))
    return store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return make_store(tmp_path_factory.mktemp("lq") / "r.db")


@pytest.fixture
def lq(store: Store) -> LibraryQuery:
    return LibraryQuery(store.conn)


def expected_ids(store: Store, view: View) -> list[int]:
    """The view computed the slow, obvious way in Python."""
    rows = [
        DocumentRow(*r)
        for r in store.conn.execute(
            "SELECT id, external_id, title, length(text), status, annotation_count, updated_at"
            " FROM documents"
        )
    ]
    if view.status:
        rows = [r for r in rows if r.status == view.status]
    if view.label:
        labelled = {
            r[0]
            for r in store.conn.execute(
                "SELECT doc_id FROM annotations WHERE label = ? AND deleted_at IS NULL",
                (view.label,),
            )
        }
        rows = [r for r in rows if r.id in labelled]
    if view.query:
        words = view.query.lower().split()
        rows = [r for r in rows if all(w in store.document(r.id).text.lower() for w in words)]
    rows.sort(key=lambda r: row_key(r, view.sort), reverse=view.descending)
    return [r.id for r in rows]


VIEWS = [
    View(sort=sort, descending=desc, status=status, label=label, query=query)
    for sort, desc, status, label, query in itertools.product(
        SORTS, [False, True], [None, "done"], [None, "denial"], ["", "drones china "]
    )
]


@pytest.mark.parametrize("view", VIEWS, ids=str)
def test_keyset_walks_match_the_full_order(store: Store, lq: LibraryQuery, view: View) -> None:
    want = expected_ids(store, view)
    assert lq.count(view) == len(want)
    forward: list[int] = []
    key = None
    while page := lq.page(view, key, 7):
        forward += [r.id for r in page]
        key = row_key(page[-1], view.sort)
    assert forward == want
    backward: list[int] = []
    key = None
    while page := lq.page(view, key, 6, backward=True):
        backward = [r.id for r in page] + backward
        key = row_key(page[0], view.sort)
    assert backward == want
    for offset in (0, 3, len(want) // 2, max(0, len(want) - 4)):
        assert [r.id for r in lq.rows_at(view, offset, 5)] == want[offset : offset + 5]
    for i, doc_id in enumerate(want[:5] + want[-5:]):
        assert lq.position(view, doc_id) == want.index(doc_id), i
        after = want.index(doc_id) + 1
        assert lq.neighbour(view, doc_id, 1) == (want[after] if after < len(want) else None)
        before = want.index(doc_id) - 1
        assert lq.neighbour(view, doc_id, -1) == (want[before] if before >= 0 else None)


def test_both_plans_give_the_same_rows(store: Store, lq: LibraryQuery) -> None:
    view = View(sort="title", status="done", query="drones")
    few = lq.page(view, None, 50, expected=1)
    many = lq.page(view, None, 50, expected=SMALL_RESULT + 1)
    assert few == many
    assert [r.id for r in few] == expected_ids(store, view)


def test_rows_carry_what_the_list_shows(store: Store, lq: LibraryQuery) -> None:
    row = lq.page(View(), None, 1)[0]
    doc = store.document(1)
    assert row == DocumentRow(
        1, "d0", doc.title, len(doc.text), doc.status, doc.annotation_count, doc.updated_at
    )


def test_hidden_document_has_no_position(lq: LibraryQuery) -> None:
    assert lq.position(View(status="done"), 1) is None
    assert lq.position(View(), 10_000) is None
    assert lq.neighbour(View(), 10_000, 1) is None


def test_neighbour_of_a_hidden_document_follows_its_key(store: Store, lq: LibraryQuery) -> None:
    view = View(status="done")  # document 3 is not done; the next done one by id is 7
    assert lq.neighbour(view, 3, 1) == 7
    assert lq.neighbour(view, 3, -1) == 2


def test_deleted_annotations_do_not_count_for_the_label_filter(tmp_path: Path) -> None:
    store = make_store(tmp_path / "r.db", n=3)
    lq = LibraryQuery(store.conn)
    assert lq.count(View(label="denial")) == 1
    (ann,) = store.annotations(1)
    store.delete_annotation(ann.id)
    assert lq.count(View(label="denial")) == 0


def test_labelled_documents_are_read_again_only_after_a_change(tmp_path: Path) -> None:
    store = make_store(tmp_path / "r.db", n=7)  # denial: 1 and 7
    other = Store(store.path, annotator="bo")  # another connection writes
    lq = LibraryQuery(store.conn)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)

    def labelled() -> list[int]:
        statements.clear()
        return [r.id for r in lq.page(View(label="denial"))]

    def read_again() -> bool:
        return any("INSERT OR IGNORE INTO temp.library_labelled" in s for s in statements)

    assert labelled() == [1, 7] and read_again()
    assert labelled() == [1, 7] and not read_again()
    assert [r.id for r in lq.page(View(query="drones"))]  # a search leaves them be
    assert labelled() == [1, 7] and not read_again()
    other.add_annotation(3, 0, 2, "denial")
    assert labelled() == [1, 3, 7] and read_again()
    store.delete_annotation(store.annotations(1)[0].id)  # on the query's own connection
    assert labelled() == [3, 7] and read_again()
    other.close()


def test_search_results_follow_new_documents_after_forget(tmp_path: Path) -> None:
    store = make_store(tmp_path / "r.db", n=3)
    lq = LibraryQuery(store.conn)
    view = View(query="zebra")
    assert lq.count(view) == 0
    store.import_documents([NewDocument("z", "Z", "a zebra", sha256_hex("a zebra"))])
    lq.forget_search()
    assert [r.id for r in lq.page(view)] == [4]


@pytest.mark.parametrize(
    ("typed", "expression"),
    [
        ("drones", '"drones"*'),
        ("drones ", '"drones"'),
        ("d", '"d"'),  # one letter: no prefix search (it would walk the vocabulary)
        ('say "now', '"say" """now"*'),
        ('say "no', '"say" """no"'),  # two letters: no prefix either
        ("a AND -b OR NOT c*", '"a" "AND" "-b" "OR" "NOT" "c*"'),
        ("title:x", '"title:x"*'),
        ('" - * ', None),
        ("", None),
    ],
)
def test_fts_query_quotes_every_word(typed: str, expression: str | None) -> None:
    assert fts_query(typed) == expression


@given(st.text(max_size=30))
def test_any_typed_text_is_a_valid_search(typed: str) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(title, text)")
    conn.execute("INSERT INTO t VALUES ('a title', 'some text')")
    match = fts_query(typed)
    if match is not None:
        conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,)).fetchall()
        conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (f"{{title}} : ({match})",))


def test_snippets_mark_the_matches(tmp_path: Path) -> None:
    store = Store(tmp_path / "r.db")
    text = "Intro line.\nThe ministry denied the \x1b[2J report [b] outright."
    store.import_documents([NewDocument("a", "A", text, sha256_hex(text))])
    snippet = LibraryQuery(store.conn).snippets("denie", [1])[1]
    assert MATCH_START + "denied" + MATCH_END in snippet
    parts = snippet_parts(snippet)
    assert ("denied", True) in parts
    shown = "".join(p for p, _ in parts)
    assert "\x1b" not in shown and "\n" not in shown
    assert "␛[2J report [b]" in shown


def test_titles_for_the_palette(lq: LibraryQuery, store: Store) -> None:
    hits = lq.titles("bet")
    assert hits and all("beta" in title.lower() for _, title in hits)
    assert [t for _, t in hits] == sorted(t for _, t in hits)
    assert lq.titles('"') == []


def test_stats(lq: LibraryQuery) -> None:
    stats = lq.stats()
    assert stats.documents == 40
    # 14 annotated (1, 4, .., 40), 8 done (2, 7, .., 37), 3 of them both (7, 22, 37).
    assert stats.by_status == {"new": 21, "in_progress": 11, "done": 8}
    assert stats.by_label == {"denial": 7, "official statement": 7}
    assert stats.documents_by_label == {"denial": 7, "official statement": 7}
    assert stats.by_annotator == {"ana": 14}


def test_stats_by_label_and_annotator_count_live_annotations(tmp_path: Path) -> None:
    store = make_store(tmp_path / "r.db", n=7)  # "ana": denial on 1 and 7, official on 4
    with Store(store.path, annotator="bo") as bo:
        bo.add_annotation(1, 4, 9, "denial")
        bo.add_annotation(2, 0, 3, "denial")
        gone = bo.add_annotation(3, 0, 3, "official statement")
        bo.delete_annotation(gone.id)
    stats = LibraryQuery(store.conn).stats()
    assert stats.by_label == {"denial": 4, "official statement": 1}
    assert stats.documents_by_label == {"denial": 3, "official statement": 1}
    assert stats.by_annotator == {"ana": 3, "bo": 2}
    assert list(stats.by_label) == sorted(stats.by_label)
    assert stats.documents == 7


@pytest.mark.parametrize(("typed", "expression"), [("dr", '"dr"'), ("dro", '"dro"*')])
def test_prefix_search_starts_at_three_letters(typed: str, expression: str) -> None:
    assert fts_query(typed) == expression


def test_status_and_label_counts(tmp_path: Path) -> None:
    store = make_store(tmp_path / "r.db", n=7)  # annotated: 1, 4, 7; done: 2, 7
    lq = LibraryQuery(store.conn)
    assert lq.status_counts() == {"new": 3, "in_progress": 2, "done": 2}
    assert lq.label_counts() == {"denial": 2, "official statement": 1}
    (ann,) = store.annotations(1)
    store.delete_annotation(ann.id)
    assert lq.label_counts() == {"denial": 1, "official statement": 1}
    assert lq.status_counts() == {"new": 3, "in_progress": 2, "done": 2}


@pytest.mark.parametrize("view", VIEWS[::3], ids=str)
def test_rows_around_a_document_are_the_rows_at_its_page(
    store: Store, lq: LibraryQuery, view: View
) -> None:
    want = expected_ids(store, view)
    for position, doc_id in list(enumerate(want))[:: max(1, len(want) // 6)]:
        start = position - position % 4
        rows = lq.rows_around(view, doc_id, position - start, 4, expected=len(want))
        assert [r.id for r in rows] == want[start : start + 4]


@pytest.mark.parametrize("view", VIEWS[::5], ids=str)
def test_open_reads_the_cursors_page(
    store: Store, lq: LibraryQuery, view: View, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reader.core.library_query.PAGE_SIZE", 3)
    want = expected_ids(store, view)
    for keep, cursor, expected_cursor in [
        (want[-1] if want else None, 0, len(want) - 1),  # kept: its position wins
        (10_000, 4, min(4, len(want) - 1)),  # not in the view: the cursor row, or the last
        (None, 10_000, len(want) - 1),
    ]:
        opened = lq.open(view, keep, cursor)
        assert opened.count == len(want)
        assert opened.cursor == max(0, expected_cursor)
        if not want:
            assert opened.pages == {}
            continue
        ((number, rows),) = opened.pages.items()
        assert number == opened.cursor // 3
        assert [r.id for r in rows] == want[number * 3 : number * 3 + 3]


def test_read_page_from_a_neighbour_either_end_or_an_offset(
    store: Store, lq: LibraryQuery, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reader.core.library_query.PAGE_SIZE", 3)
    view = View(sort="title", descending=True, query="drones")
    want = expected_ids(store, view)
    count = len(want)
    pages = [want[i : i + 3] for i in range(0, count, 3)]
    assert len(pages) >= 4

    def ids(rows: list[DocumentRow]) -> list[int]:
        return [r.id for r in rows]

    first = lq.read_page(view, count, 0)
    third = lq.read_page(view, count, 2)  # by offset
    assert (ids(first), ids(third)) == (pages[0], pages[2])
    assert ids(lq.read_page(view, count, 1, before=first)) == pages[1]
    assert ids(lq.read_page(view, count, 1, after=third)) == pages[1]
    last = len(pages) - 1
    assert ids(lq.read_page(view, count, last)) == pages[last]
    assert lq.read_page(view, count, last + 1) == []


def test_shared_query_serves_other_threads_and_never_writes(tmp_path: Path) -> None:
    store = make_store(tmp_path / "r.db", n=5)
    shared = SharedQuery(store.path)
    results: list[object] = []

    def read() -> None:
        with shared.use() as query:
            results.append(query.count(View(query="drones")))
            try:
                query.conn.execute("DELETE FROM documents")
            except sqlite3.OperationalError as exc:
                results.append(str(exc))

    for _ in range(2):  # the connection opened by the first thread serves the second
        thread = threading.Thread(target=read)
        thread.start()
        thread.join()
    store.import_documents([NewDocument("z", "Z", "drones", sha256_hex("drones"))])
    with shared.use() as query:  # sees the store's commits; its matches are kept until told
        before = query.count(View(query="drones"))
        query.forget_search()
        after = query.count(View(query="drones"))
    assert results[0] == results[2] == before == after - 1
    assert results[1] == results[3] == "attempt to write a readonly database"
    assert store.document_count() == 6
    shared.close()
    assert shared.closed
    with pytest.raises(sqlite3.ProgrammingError), shared.use():
        pass


def test_shared_query_interrupt_stops_a_running_statement(tmp_path: Path) -> None:
    store = make_store(tmp_path / "r.db", n=1)
    shared = SharedQuery(store.path)
    errors: list[str] = []
    endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c"

    def run() -> None:
        with shared.use() as query:
            try:
                query.conn.execute(endless).fetchone()
            except sqlite3.OperationalError as exc:
                errors.append(str(exc))

    thread = threading.Thread(target=run)
    thread.start()
    while thread.is_alive():  # until the statement has started and been stopped
        shared.interrupt()
        thread.join(0.01)
    assert errors == ["interrupted"]
    shared.close()


def test_a_shared_querys_statement_stops_when_its_user_says_so(tmp_path: Path) -> None:
    store = make_store(tmp_path / "r.db", n=1)
    shared = SharedQuery(store.path)
    stop = threading.Event()
    errors: list[str] = []
    endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c"

    def run() -> None:
        with shared.use(stop=stop.is_set) as query:
            try:
                query.conn.execute(endless).fetchone()
            except sqlite3.OperationalError as exc:
                errors.append(str(exc))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(0.2)
    assert thread.is_alive()  # running until told
    stop.set()
    thread.join(10)
    assert errors == ["interrupted"]
    with shared.use() as query:  # the next user is not stopped
        assert query.count(View()) == 1
    shared.close()


def test_closing_a_shared_query_in_use_does_not_wait_for_its_thread(tmp_path: Path) -> None:
    store = make_store(tmp_path / "r.db", n=1)
    shared = SharedQuery(store.path)
    holding, release = threading.Event(), threading.Event()
    used: list[LibraryQuery] = []

    def hold() -> None:
        with shared.use() as query:
            used.append(query)
            holding.set()
            release.wait(10)
            query.count(View())  # still usable until the thread is done with it

    thread = threading.Thread(target=hold)
    thread.start()
    assert holding.wait(10)
    shared.close()  # returns at once, the thread still holding the connection
    assert thread.is_alive()
    release.set()
    thread.join(10)
    with pytest.raises(sqlite3.ProgrammingError):  # closed by the thread on leaving
        used[0].conn.execute("SELECT 1")


LONG_TEXT = (
    "Intro line. The ministry DENIED the report, and then it denied it again; "
    "officials said the U.S. report was baseless. " * 3
)


def marked(word: str) -> str:
    return MATCH_START + word + MATCH_END


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (
            "denied",
            f"…The ministry {marked('DENIED')} the report, and then it {marked('denied')} it"
            " again; officials…",
        ),
        (
            "the rep",
            f"Intro line. {marked('The')} ministry DENIED {marked('the')} {marked('report')},"
            " and then it denied it…",
        ),
        (  # the first passage showing both phrases, not the first "report" alone
            "u.s. report ",
            f"…said the {marked('U.S')}. {marked('report')} was baseless. Intro line. The"
            " ministry DENIED…",
        ),
        (
            "u.s.",
            f"…said the {marked('U.S')}. report was baseless. Intro line. The ministry DENIED…",
        ),
        ("de", None),  # two letters: a whole word only, as in the search
        ("zebra", None),
        ("", None),
    ],
)
def test_passage_is_the_first_match_marked_like_a_snippet(typed: str, expected: str | None) -> None:
    assert passage(LONG_TEXT, typed) == expected


@given(st.lists(st.sampled_from([*WORDS, "Drones", "DENIED"]), min_size=1, max_size=60), st.data())
def test_passage_is_a_marked_piece_of_the_text(words: list[str], data: st.DataObject) -> None:
    text = " ".join(words) + "."
    word = data.draw(st.sampled_from(words))
    found = passage(text, word + " ")
    assert found is not None
    plain = found.replace(MATCH_START, "").replace(MATCH_END, "").strip("…")
    assert plain in text and len(plain.split()) <= SNIPPET_TOKENS
    marked = [p for p, is_match in snippet_parts(found) if is_match]
    assert marked and all(m.lower() == word.lower() for m in marked)
    assert found.startswith("…") == (not text.startswith(plain))


@given(st.lists(st.sampled_from([*WORDS, "Drones", "DENIED"]), min_size=1, max_size=80), st.data())
def test_passage_shows_as_many_of_two_words_as_any_place_does(
    words: list[str], data: st.DataObject
) -> None:
    assume(len({w.lower() for w in words}) >= 2)
    text = " ".join(words) + "."
    distinct = sorted({w.lower() for w in words})
    typed = data.draw(st.lists(st.sampled_from(distinct), min_size=2, max_size=2, unique=True))
    wanted = {w.lower() for w in typed}
    # The most of the two that any run of the words a passage surely shows holds.
    shown = SNIPPET_TOKENS - 2
    most = max(
        len(wanted & {w.lower() for w in words[i : i + shown]})
        for i, word in enumerate(words)
        if word.lower() in wanted
    )
    found = passage(text, " ".join(typed) + " ")
    assert found is not None
    plain = found.replace(MATCH_START, "").replace(MATCH_END, "").strip("…")
    assert plain in text and len(plain.split()) <= SNIPPET_TOKENS
    marked = {p.lower() for p, is_match in snippet_parts(found) if is_match}
    assert marked <= wanted and len(marked) >= most


def test_passage_shows_the_most_phrases_typed_together() -> None:
    text = (
        "Sources said the talks were on. " * 5
        + "A condition was set by the ministry before the talks began last week. "
        + "One official, speaking on condition of anonymity, denied it. "
        + "Later the condition of anonymity was lifted."
    )
    found = passage(text, "condition of anonymity ")
    assert found == (
        f"…speaking on {marked('condition')} {marked('of')} {marked('anonymity')},"
        f" denied it. Later the {marked('condition')} {marked('of')} {marked('anonymity')}…"
    )
    assert passage(text, "talks anonymity ") == passage(text, "talks ")  # never together


def test_passage_when_lower_case_changes_the_length() -> None:
    text = "İstanbul: the ministry DENIED the report, the ministry said."
    assert len(text.lower()) != len(text)
    assert passage(text, "denied") == (
        f"…the ministry {marked('DENIED')} the report, the ministry said…"
    )
    assert passage(text, "istanbul") == (
        f"{marked('İstanbul')}: the ministry DENIED the report, the ministry said…"
    )


@pytest.fixture
def mixed(tmp_path: Path) -> LibraryQuery:
    texts = [
        "The ministry denied it; officials said so.",
        "Herr Müller denied the report.",
        "Müller spoke. " + "Nothing more. " * 20,
    ]
    store = Store(tmp_path / "mixed.db")
    store.import_documents(
        [NewDocument(f"m{i}", f"M{i}", t, sha256_hex(t)) for i, t in enumerate(texts)]
    )
    return LibraryQuery(store.conn)


def test_snippets_come_from_the_texts_and_fts5_only_for_what_python_misses(
    mixed: LibraryQuery, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[list[int]] = []
    fts = LibraryQuery._fts_snippets

    def recorded(self: LibraryQuery, query: str, ids: list[int]) -> dict[int, str]:
        asked.append(ids)
        return fts(self, query, ids)

    monkeypatch.setattr(LibraryQuery, "_fts_snippets", recorded)
    found = mixed.snippets("denied", [1, 2, 10_000])
    assert found == {
        1: f"The ministry {marked('denied')} it; officials said so…",
        2: f"Herr Müller {marked('denied')} the report…",
    }
    assert asked == []
    asked.clear()
    found = mixed.snippets("muller", [2, 3])  # diacritics folded by FTS5 alone
    assert asked == [[2, 3]]
    assert found[2] == f"Herr {marked('Müller')} denied the report."  # FTS5's own snippet
    assert found[3].startswith(f"{marked('Müller')} spoke.")
    monkeypatch.setattr("reader.core.library_query.LONG_DOCUMENT", 100)
    asked.clear()
    assert sorted(mixed.snippets("muller", [2, 3])) == [2]  # no FTS5 over a long text
    assert asked == [[2]]
