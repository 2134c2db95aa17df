"""The queries behind the library list: keyset pages, counts, positions and search snippets.

A :class:`View` is a sort, a direction and filters (status, label, full-text query). Rows are
ordered by ``(sort value, id)``, so a row's key places it in the view without counting the
rows before it: the next page is ``WHERE (value, id) > (last key) LIMIT n``, the previous page
the same read backwards, and the last page is the first page read from the end. ``OFFSET``
is only used to land far from any known key (a jump to the middle of the list).
"""

from __future__ import annotations

import heapq
import itertools
import re
import sqlite3
import threading
import urllib.parse
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from reader.core.store import STATUSES, DocumentRow, Status
from reader.core.text import one_line

Sort = Literal["id", "title", "date", "annotations"]
SORTS: tuple[Sort, ...] = ("id", "title", "date", "annotations")
SORT_COLUMNS: dict[Sort, str] = {
    "id": "id",
    "title": "title",
    "date": "updated_at",
    "annotations": "annotation_count",
}
# Newest and most annotated first; titles and ids ascending.
DEFAULT_DESCENDING: dict[Sort, bool] = {
    "id": False,
    "title": False,
    "date": True,
    "annotations": True,
}
Key = tuple[Any, ...]  # (sort value, id), or (id,) when sorting by id

# Private-use characters mark a match inside a snippet; they are removed before display.
MATCH_START, MATCH_END = "\ue000", "\ue001"
SNIPPET_TOKENS = 12
PASSAGE_MATCHES = 1000  # matches weighed for a snippet (a long text may hold many more)
# Longer texts get no FTS5 snippet, which weighs every match (seconds over a megabyte).
LONG_DOCUMENT = 100_000
# Shorter prefixes expand to a large part of the vocabulary (0.15-0.3 s on 100k documents).
MIN_PREFIX = 3
# Above this many rows a filter is tested row by row along the sort index; below it the
# filtered rows are looked up and sorted (both plans touch at most a few thousand rows).
SMALL_RESULT = 2000

PAGE_SIZE = 100  # rows read at once by a list
PROGRESS_STEPS = 10_000  # SQLite steps between two asks whether a shared query must stop

_WORD = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")
Occurrence = tuple[int, int, int]  # start, end, which phrase
_COLUMNS = "id, external_id, title, length(text), status, annotation_count, updated_at"


@dataclass(frozen=True)
class View:
    """What the list shows: one sort and any filters."""

    sort: Sort = "id"
    descending: bool = False
    status: Status | None = None
    label: str | None = None
    query: str = ""  # the search box text as typed

    def sorted_by(self, sort: Sort) -> View:
        return replace(self, sort=sort, descending=DEFAULT_DESCENDING[sort])


def typed_phrases(text: str) -> tuple[list[str], bool]:
    """The phrases of what a user typed (its whitespace-separated chunks holding a word), and
    whether the last is a word still being typed (searched as a prefix)."""
    text = re.sub("[\x00\ud800-\udfff]", " ", text)  # SQLite cannot take these in a string
    chunks = [c for c in text.split() if re.search(r"\w", c)]
    typing = bool(chunks) and not text[-1].isspace()
    return chunks, typing and len(re.findall(r"\w", chunks[-1])) >= MIN_PREFIX


def fts_query(text: str) -> str | None:
    """An FTS5 expression for what a user typed: every word must occur, the last as a prefix.

    Each whitespace-separated chunk becomes a quoted phrase, so quotes, ``-``, ``*``, ``:``,
    ``AND``/``OR``/``NOT`` and the like are searched as text and never raise a syntax error.
    Returns None when there is nothing to search for.
    """
    chunks, prefix = typed_phrases(text)
    if not chunks:
        return None
    phrases = ['"' + c.replace('"', '""') + '"' for c in chunks]
    if prefix:
        phrases[-1] += "*"  # the word being typed
    return " ".join(phrases)


def passage(text: str, typed: str) -> str | None:
    """The place in ``text`` that shows the most of what was typed, as
    :meth:`LibraryQuery.snippets` gives it: about SNIPPET_TOKENS words from a little before
    the first match that shows the most different phrases typed, matches between MATCH_START
    and MATCH_END. Unlike FTS5, letters match only their own case folding (no diacritics
    removed)."""
    chunks, prefix = typed_phrases(typed)
    phrases = [re.findall(r"\w+", chunk) for chunk in chunks]
    if not phrases:
        return None
    folded = text.lower()
    if len(folded) == len(text):  # one character for one: the offsets hold
        # Searched in lower case: several times faster than ignoring case.
        lower = [[w.lower() for w in phrase] for phrase in phrases]
        first = _best_match(_phrase_patterns(lower, prefix), folded)
    else:
        first = _best_match(_phrase_patterns(phrases, prefix, re.IGNORECASE), text)
    if first is None:
        return None
    at, first_end = first
    lead = [m.start() for m in _WORD.finditer(text, max(0, at - 100), at)]
    start = lead[-2:][0] if lead else at
    rest = itertools.islice(_WORD.finditer(text, at), SNIPPET_TOKENS - len(lead[-2:]))
    end = max([first_end, *(m.end() for m in rest)])
    patterns = _phrase_patterns(phrases, prefix, re.IGNORECASE)
    shown = re.compile("|".join(rf"\b{p.pattern}" for p in patterns), re.IGNORECASE)
    marked = shown.sub(lambda m: MATCH_START + m.group() + MATCH_END, text[start:end])
    return ("…" if start > 0 else "") + marked + ("…" if end < len(text) else "")


def _phrase_patterns(
    phrases: list[list[str]], prefix: bool, flags: int = 0
) -> list[re.Pattern[str]]:
    """A pattern per distinct phrase: its words apart by anything but a word character, the
    last phrase's last word a prefix when ``prefix``. Each begins with its first letters
    (not ``\\b``), so that ``re`` can skip ahead to them: the start of a word is tested on
    each match (:func:`_occurrences`)."""
    patterns = []
    for i, phrase in enumerate(phrases):
        words = r"\W+".join(re.escape(w) for w in phrase)
        patterns.append(words + (r"\w*" if prefix and i == len(phrases) - 1 else r"\b"))
    return [re.compile(p, flags) for p in dict.fromkeys(patterns)]


def _occurrences(pattern: re.Pattern[str], text: str, phrase: int) -> Iterator[Occurrence]:
    """Where ``pattern`` matches at the start of a word, as (start, end, ``phrase``)."""
    at = 0
    while (match := pattern.search(text, at)) is not None:
        start = match.start()
        if start == 0 or not _WORD_CHAR.match(text, start - 1):
            yield start, match.end(), phrase
            at = match.end()
        else:
            at = start + 1


def _best_match(patterns: list[re.Pattern[str]], text: str) -> tuple[int, int] | None:
    """Where the first occurrence of a phrase is whose passage shows the most different
    phrases: read only until one shows them all."""
    occurrences = heapq.merge(*(_occurrences(p, text, i) for i, p in enumerate(patterns)))
    best: Occurrence | None = None
    most = 0
    ahead: deque[tuple[Occurrence, int]] = deque()  # occurrences, where their passage ends

    def weigh(until: int) -> bool:
        """Weigh the occurrences whose passage ends before ``until``; True when one shows
        every phrase."""
        nonlocal best, most
        while ahead and ahead[0][1] <= until:
            found, end = ahead.popleft()
            shown = len({found[2], *(o[2] for o, _ in ahead if o[0] < end)})
            if shown > most:
                best, most = found, shown
        return most == len(patterns)

    for found in itertools.islice(occurrences, PASSAGE_MATCHES):
        if len(patterns) == 1 or weigh(found[0]):
            best = best or found
            break
        # The words a passage surely shows from its match (it may begin two words before).
        words = itertools.islice(_WORD.finditer(text, found[0]), SNIPPET_TOKENS - 2)
        ahead.append((found, max([found[1], *(w.end() for w in words)])))
    else:
        weigh(len(text) + 1)
    return (best[0], best[1]) if best is not None else None


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """Split a snippet into ``(text, is_match)`` parts, sanitised to one line each."""
    parts: list[tuple[str, bool]] = []
    for i, piece in enumerate(re.split(f"[{MATCH_START}{MATCH_END}]", snippet)):
        if piece:
            parts.append((one_line(piece), i % 2 == 1))
    return parts


def row_key(row: DocumentRow, sort: Sort) -> Key:
    """The key of a listed row in a sort (what :meth:`LibraryQuery.page` continues from)."""
    if sort == "id":
        return (row.id,)
    values: dict[Sort, Any] = {
        "title": row.title,
        "date": row.updated_at,
        "annotations": row.annotation_count,
    }
    return (values[sort], row.id)


@dataclass(frozen=True)
class OpenedView:
    """A view as a list first shows it: its row count, the cursor's row and the page(s) read
    (page number -> rows)."""

    view: View
    count: int
    cursor: int
    pages: dict[int, list[DocumentRow]]


@dataclass(frozen=True)
class Stats:
    documents: int
    by_status: dict[str, int]
    by_label: dict[str, int]  # live annotations per label
    documents_by_label: dict[str, int]  # documents having at least one annotation per label
    by_annotator: dict[str, int]


class LibraryQuery:
    """Read-only queries over one store connection (use it on that connection's thread).

    The ids matching the current search are kept in a temporary table, so paging through
    a search does not evaluate the full-text query again; call :meth:`forget_search` when
    documents may have changed. The documents of the label filter are kept the same way
    until the database changes (on any connection).
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._hits_for: str | None = None
        self._hit_count = 0
        self._labelled_for: tuple[str, int, int] | None = None
        self._own_changes = 0  # rows this object wrote to its temporary tables

    # -- the list ------------------------------------------------------------------

    def count(self, view: View) -> int:
        match = fts_query(view.query)
        if match and not (view.status or view.label):
            # The index holds each document once (the store keeps it so): its matches are
            # the count, known once they are remembered.
            return self._remember_hits(match)
        # Sets tested along the smallest covering index: no document row is read.
        where, params = self._filters(view, plus_status=False, plus_sets=True)
        return int(
            self.conn.execute(f"SELECT count(*) FROM documents {where}", params).fetchone()[0]
        )

    def page(
        self,
        view: View,
        after: Key | None = None,
        limit: int = 100,
        *,
        backward: bool = False,
        expected: int | None = None,
    ) -> list[DocumentRow]:
        """Up to ``limit`` rows after ``after`` (or before it with ``backward``), in view order.

        With no key, ``backward`` gives the last rows of the view. ``expected`` is the view's
        row count when the caller knows it; it picks the cheaper plan for the filters.
        """
        descending = view.descending != backward
        where, params = self._page_filters(view, expected)
        if after is not None:
            where += (" AND " if where else "WHERE ") + self._after(view.sort, descending)
            params.extend(after)
        ids = f"SELECT id FROM documents {where} {self._order(view.sort, descending)} LIMIT ?"
        rows = self._rows(ids, [*params, limit], view.sort, descending)
        return rows[::-1] if backward else rows

    def rows_at(
        self, view: View, offset: int, limit: int, *, expected: int | None = None
    ) -> list[DocumentRow]:
        """Rows ``offset .. offset+limit`` of the view, counted from whichever end is nearer.

        Costs time in proportion to the distance from that end: use keys where you have them.
        """
        total = expected if expected is not None else self.count(view)
        end = min(offset + limit, total)
        if offset >= end:
            return []
        from_end = total - end
        backward = from_end < offset
        descending = view.descending != backward
        where, params = self._page_filters(view, total)
        order = self._order(view.sort, descending)
        ids = f"SELECT id FROM documents {where} {order} LIMIT ? OFFSET ?"
        skip = from_end if backward else offset
        rows = self._rows(ids, [*params, end - offset, skip], view.sort, descending)
        return rows[::-1] if backward else rows

    def open(self, view: View, keep: int | None = None, cursor: int = 0) -> OpenedView:
        """Count a view and read the page its cursor lands on: on document ``keep`` when the
        view holds it, else on row ``cursor`` (or the last row)."""
        count = self.count(view)
        position = self.position(view, keep) if keep is not None else None
        if keep is None or position is None:
            cursor = max(0, min(cursor, count - 1))
            number = cursor // PAGE_SIZE
            rows = self.read_page(view, count, number)
        else:
            cursor = position
            number, before = divmod(position, PAGE_SIZE)
            limit = min(PAGE_SIZE, count - number * PAGE_SIZE)
            rows = self.rows_around(view, keep, before, limit, expected=count)
        return OpenedView(view, count, cursor, {number: rows} if rows else {})

    def read_page(
        self,
        view: View,
        count: int,
        number: int,
        before: Sequence[DocumentRow] | None = None,
        after: Sequence[DocumentRow] | None = None,
    ) -> list[DocumentRow]:
        """Page ``number`` (of PAGE_SIZE rows) of a view of ``count`` rows, read from the
        nearest known key: the page ``before`` or ``after`` it when given, either end, or
        an offset."""
        start = number * PAGE_SIZE
        limit = min(PAGE_SIZE, count - start)
        if limit <= 0:
            return []
        sort = view.sort
        if before:
            return self.page(view, row_key(before[-1], sort), limit, expected=count)
        if after:
            key = row_key(after[0], sort)
            return self.page(view, key, limit, backward=True, expected=count)
        if number == 0:
            return self.page(view, None, limit, expected=count)
        if start + limit == count:
            return self.page(view, None, limit, backward=True, expected=count)
        return self.rows_at(view, start, limit, expected=count)

    def key_of(self, sort: Sort, doc_id: int) -> Key | None:
        """The key of a document in a sort, whatever the filters (None if it is gone)."""
        column = SORT_COLUMNS[sort]
        row = self.conn.execute(
            f"SELECT {column}, id FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        if row is None:
            return None
        return (row[1],) if sort == "id" else (row[0], row[1])

    def contains(self, view: View, doc_id: int) -> bool:
        where, params = self._filters(view, plus_status=True, plus_sets=True)
        where += (" AND " if where else "WHERE ") + "id = ?"
        sql = f"SELECT 1 FROM documents {where}"
        return self.conn.execute(sql, [*params, doc_id]).fetchone() is not None

    def position(self, view: View, doc_id: int) -> int | None:
        """Where a document stands in the view (0-based), or None when the view hides it."""
        key = self.key_of(view.sort, doc_id)
        if key is None or not self.contains(view, doc_id):
            return None
        where, params = self._filters(view, plus_status=True, plus_sets=True)
        before = self._after(view.sort, not view.descending)
        if view.sort == "id":
            # Counted along the smallest covering index: the table's own pages hold the texts.
            before = "+" + before
        where += (" AND " if where else "WHERE ") + before
        sql = f"SELECT count(*) FROM documents {where}"
        return int(self.conn.execute(sql, [*params, *key]).fetchone()[0])

    def rows_around(
        self, view: View, doc_id: int, before: int, limit: int, *, expected: int | None = None
    ) -> list[DocumentRow]:
        """``limit`` rows of the view from ``before`` rows ahead of ``doc_id`` (which it must
        hold), read by the document's key: no rows are counted or skipped."""
        key = self.key_of(view.sort, doc_id)
        if key is None or limit <= 0:
            return []
        head = self.page(view, key, before, backward=True, expected=expected) if before else []
        own = self._rows("SELECT ?", [doc_id], view.sort, view.descending)
        rest = limit - len(head) - 1
        tail = self.page(view, key, rest, expected=expected) if rest > 0 else []
        return head + own + tail

    def neighbour(self, view: View, doc_id: int, step: int) -> int | None:
        """The document after (``step > 0``) or before ``doc_id`` in the view's order."""
        key = self.key_of(view.sort, doc_id)
        if key is None:
            return None
        rows = self.page(view, key, 1, backward=step < 0)
        return rows[0].id if rows else None

    def snippets(self, query: str, ids: Iterable[int]) -> dict[int, str]:
        """The passage of each document that shows the most of ``query``, matches between
        MATCH_START and MATCH_END: found by :func:`passage` in the texts (a millisecond for a
        page of rows); FTS5 gives those it misses (it folds diacritics: ``Muller`` finds
        ``Müller``), unless the text is long."""
        ids = list(ids)
        if fts_query(query) is None or not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        found: dict[int, str] = {}
        missed: list[int] = []
        for doc_id, text in self.conn.execute(
            f"SELECT id, text FROM documents WHERE id IN ({marks})", ids
        ):
            if (shown := passage(text, query)) is not None:
                found[doc_id] = shown
            elif len(text) < LONG_DOCUMENT:
                missed.append(doc_id)
        return found | self._fts_snippets(query, missed) if missed else found

    def _fts_snippets(self, query: str, ids: list[int]) -> dict[int, str]:
        match = fts_query(query)
        if match is None:
            return {}
        marks = ", ".join("?" for _ in ids)
        # A prefix term costs a vocabulary walk per lookup: then one pass over the matches
        # (``+rowid``) is cheaper than one lookup per row.
        rowid = "+rowid" if match.endswith("*") else "rowid"
        rows = self.conn.execute(
            "SELECT rowid, snippet(documents_fts, -1, ?, ?, '…', ?) FROM documents_fts"
            f" WHERE documents_fts MATCH ? AND {rowid} IN ({marks})",
            [MATCH_START, MATCH_END, SNIPPET_TOKENS, match, *ids],
        )
        return {int(r[0]): r[1] for r in rows}

    def titles(self, text: str, limit: int = 20) -> list[tuple[int, str]]:
        """Documents whose title has every word typed (the last as a prefix), by title."""
        match = fts_query(text)
        if match is None:
            return []
        rows = self.conn.execute(
            "SELECT d.id, d.title FROM documents_fts JOIN documents d"
            " ON d.id = documents_fts.rowid WHERE documents_fts MATCH ?"
            " ORDER BY d.title, d.id LIMIT ?",
            (f"{{title}} : ({match})", limit),
        )
        return [(int(r[0]), r[1]) for r in rows]

    def forget_search(self) -> None:
        self._hits_for = None

    # -- summaries -----------------------------------------------------------------

    def status_counts(self) -> dict[str, int]:
        """Documents per status, every status present (read from the status index alone)."""
        counts = dict.fromkeys(STATUSES, 0)
        counts.update(self.conn.execute("SELECT status, count(*) FROM documents GROUP BY status"))
        return counts

    def label_counts(self) -> dict[str, int]:
        """Live annotations per label: one pass over every annotation (seconds at 1M rows,
        so the app runs it in a worker)."""
        sql = (
            "SELECT label, count(*) FROM annotations WHERE deleted_at IS NULL"
            " GROUP BY label ORDER BY label"
        )
        return dict(self.conn.execute(sql))

    def stats(self) -> Stats:
        """Every count of the statistics screen: two passes over the annotations (one for
        labels and annotators together, one for the documents per label)."""
        by_status = self.status_counts()
        live = "FROM annotations WHERE deleted_at IS NULL"
        by_label: dict[str, int] = {}
        by_annotator: dict[str, int] = {}
        for label, annotator, count in self.conn.execute(
            f"SELECT label, annotator, count(*) {live} GROUP BY label, annotator"
        ):
            by_label[label] = by_label.get(label, 0) + count
            by_annotator[annotator] = by_annotator.get(annotator, 0) + count
        return Stats(
            documents=sum(by_status.values()),
            by_status=by_status,
            by_label=dict(sorted(by_label.items())),
            documents_by_label=dict(
                self.conn.execute(
                    f"SELECT label, count(DISTINCT doc_id) {live} GROUP BY label ORDER BY label"
                )
            ),
            by_annotator=dict(sorted(by_annotator.items())),
        )

    # -- SQL pieces ----------------------------------------------------------------

    def _page_filters(self, view: View, expected: int | None) -> tuple[str, list[Any]]:
        """Filters for a page, shaped for the cheaper of two plans.

        When many rows pass, SQLite should walk the sort's index and test each row (the
        filters get a unary ``+`` so they cannot be used to look rows up); when few pass,
        it should look them up and sort them.
        """
        if not (view.status or view.label or fts_query(view.query)):
            return "", []
        total = expected if expected is not None else self.count(view)
        if total > SMALL_RESULT:
            return self._filters(view, plus_status=True, plus_sets=True)
        # Few rows: start from the status index when there is one (its size is known to
        # SQLite, unlike the sets').
        return self._filters(view, plus_status=False, plus_sets=bool(view.status))

    def _filters(self, view: View, *, plus_status: bool, plus_sets: bool) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        plus = "+" if plus_sets else ""
        if view.status:
            clauses.append(("+" if plus_status else "") + "status = ?")
            params.append(view.status)
        if view.label:
            self._remember_labelled(view.label)
            clauses.append(f"{plus}id IN (SELECT id FROM temp.library_labelled)")
        match = fts_query(view.query)
        if match:
            self._remember_hits(match)
            clauses.append(f"{plus}id IN (SELECT id FROM temp.library_hits)")
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), params

    def _remember_hits(self, match: str) -> int:
        """Keep the documents matching ``match``; their number."""
        if self._hits_for != match:
            self._hit_count = self._fill(
                "library_hits", "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?", match
            )
            self._hits_for = match
        return self._hit_count

    def _remember_labelled(self, label: str) -> None:
        """The documents with a live annotation of ``label`` (a pass over its annotations:
        seconds at 1M), read again when the database has changed since."""
        if self._labelled_for == (label, *self._database_state()):
            return
        live = "SELECT doc_id FROM annotations WHERE label = ? AND deleted_at IS NULL"
        self._fill("library_labelled", live, label)
        self._labelled_for = (label, *self._database_state())

    def _database_state(self) -> tuple[int, int]:
        """Changes by other connections, and by this one outside its temporary tables."""
        version = int(self.conn.execute("PRAGMA data_version").fetchone()[0])
        return version, self.conn.total_changes - self._own_changes

    def _fill(self, table: str, ids_sql: str, parameter: str) -> int:
        """Put the ids ``ids_sql`` selects in a temporary table; how many there are."""
        before = self.conn.total_changes
        self.conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} (id INTEGER PRIMARY KEY)")
        self.conn.execute(f"DELETE FROM temp.{table}")
        filled = self.conn.execute(f"INSERT OR IGNORE INTO temp.{table} {ids_sql}", (parameter,))
        self._own_changes += self.conn.total_changes - before
        return filled.rowcount

    @staticmethod
    def _order(sort: Sort, descending: bool) -> str:
        way = "DESC" if descending else "ASC"
        if sort == "id":
            return f"ORDER BY id {way}"
        return f"ORDER BY {SORT_COLUMNS[sort]} {way}, id {way}"

    @staticmethod
    def _after(sort: Sort, descending: bool) -> str:
        """Rows strictly after a key in the given direction."""
        op = "<" if descending else ">"
        if sort == "id":
            return f"id {op} ?"
        return f"({SORT_COLUMNS[sort]}, id) {op} (?, ?)"

    def _rows(
        self, ids_sql: str, params: Sequence[Any], sort: Sort, descending: bool
    ) -> list[DocumentRow]:
        order = self._order(sort, descending)
        sql = f"SELECT {_COLUMNS} FROM documents WHERE id IN ({ids_sql}) {order}"
        return [DocumentRow(*r) for r in self.conn.execute(sql, params)]


class SharedQuery:
    """A :class:`LibraryQuery` on a read-only connection of its own, for worker threads.

    The connection is opened on first use and kept, so a search's remembered matches serve
    the pages read after it. One thread at a time uses it (:meth:`use` holds a lock); a
    statement stops (raising ``sqlite3.OperationalError``) when its user's ``stop()`` holds,
    which SQLite asks as the statement runs, or when the connection is closed.
    """

    def __init__(self, path: Path, *, immutable: bool = False) -> None:
        location = urllib.parse.quote(str(path.resolve()))
        self._uri = f"file:{location}?mode=ro" + ("&immutable=1" if immutable else "")
        self._lock = threading.Lock()
        self._query: LibraryQuery | None = None
        self._closed = False

    @contextmanager
    def use(self, stop: Callable[[], bool] = lambda: False) -> Iterator[LibraryQuery]:
        """The query, to this thread alone until the block ends; its statements stop once
        ``stop()`` holds."""
        with self._lock:
            if self._closed:
                raise sqlite3.ProgrammingError("the query connection is closed")
            if self._query is None:
                conn = sqlite3.connect(
                    self._uri, uri=True, isolation_level=None, timeout=30.0, check_same_thread=False
                )
                self._query = LibraryQuery(conn)
            conn = self._query.conn
            conn.set_progress_handler(lambda: self._closed or stop(), PROGRESS_STEPS)
            try:
                yield self._query
            finally:
                if self._closed:  # closed meanwhile: the last user closes the connection
                    self._disconnect()
                else:
                    conn.set_progress_handler(None, 0)

    @property
    def closed(self) -> bool:
        return self._closed

    def interrupt(self) -> None:
        if (query := self._query) is not None:
            query.conn.interrupt()

    def close(self) -> None:
        """Close the connection, or have the thread using it close it when done (without
        waiting: a statement may take a moment to notice the interruption)."""
        self._closed = True
        self.interrupt()
        if self._lock.acquire(blocking=False):
            try:
                self._disconnect()
            finally:
                self._lock.release()

    def _disconnect(self) -> None:
        if self._query is not None:
            self._query.conn.close()
            self._query = None
