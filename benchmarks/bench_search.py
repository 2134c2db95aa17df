"""Full-text search over the library: 20 typical queries, as the library list runs them.

One search is what the list does when the search box changes: count the matching documents,
read the first page of them, and fetch a snippet for each row shown
(``reader.core.library_query.LibraryQuery``). The reference is the bare FTS5 work: counting
the matches with ``SELECT count(*) ... MATCH`` on the same connection.
"""

from __future__ import annotations

import sqlite3
import time

from benchmarks.common import Context, Figure, percentile
from reader.core.library_query import LibraryQuery, View, fts_query

TARGET_P95_MS = 100.0
PAGE_ROWS = 40  # rows a tall terminal shows at once

QUERIES = (
    "said",  # in nearly every document
    "minister",
    "sources familiar",
    "condition of anonymity",
    "denied",
    "baseless",
    "Kirby",
    "Zhao Lijian",
    "ceasefire talks",
    "São Paulo",
    "Müller",
    "Pentagon denied",
    "vacc",  # a word still being typed (prefix)
    "the",
    "U.S. allies",
    "Holdings",
    "constructive part",
    "election commission",
    "3.2%",
    "zzyzx",  # no match
)


def search_once(library: LibraryQuery, text: str) -> int:
    view = View(query=text)
    total = library.count(view)
    rows = library.page(view, limit=PAGE_ROWS, expected=total)
    library.snippets(text, [row.id for row in rows])
    return total


def _bare_count(conn: sqlite3.Connection, text: str) -> None:
    match = fts_query(text)
    conn.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?", (match,))


def _timed_ms(action: object, *args: object) -> float:
    start = time.perf_counter()
    action(*args)  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000


def run(ctx: Context) -> None:
    conn = sqlite3.connect(ctx.data.library)
    library = LibraryQuery(conn)
    for text in QUERIES:  # warm the page cache, as a library that has been open a while is
        search_once(library, text)
    ours, bare, worst = [], [], ("", 0.0)
    for _ in range(max(3, ctx.scale.runs * 2)):
        for text in QUERIES:
            ms = _timed_ms(search_once, library, text)
            ours.append(ms)
            worst = max(worst, (text, ms), key=lambda item: item[1])
            bare.append(_timed_ms(_bare_count, conn, text))
    conn.close()
    bare_p95 = percentile(bare, 95)
    ctx.add(
        Figure(
            "search.p50",
            "FTS search p50 (count + first page + snippets)",
            percentile(ours, 50),
            "ms",
        )
    )
    ctx.add(
        Figure(
            "search.p95",
            "FTS search p95 (count + first page + snippets)",
            percentile(ours, 95),
            "ms",
            target=TARGET_P95_MS,
            ratio=percentile(ours, 95) / bare_p95,
            reference=f"bare FTS5 count(*) MATCH p95, {bare_p95:.1f} ms",
            note=f"slowest: {worst[0]!r} {worst[1]:.0f} ms",
        )
    )
