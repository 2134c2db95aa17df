"""Reading documents with their annotations for an export, in constant memory.

One query walks the selected documents in id order; for each, a correlated subquery on the
``annotations_doc`` index hands over its live spans as a JSON array built inside SQLite
(its string escaping is byte-for-byte orjson's). No Python runs per span unless a format
parses the array; the native JSONL lines are built whole inside SQLite, so no Python runs
per document either beyond handing each line on. Filters are SQL, each list bound as one
JSON array parameter.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import orjson

from reader.core.export.base import ExportDoc, Filters

_SPAN_FIELDS = (
    "'id', a.id, 'start', a.start, 'end', a.\"end\", 'label', a.label, 'text', a.quote,"
    " 'note', a.note, 'annotator', a.annotator, 'created_at', a.created_at"
)
_ORPHAN_FIELDS = f"{_SPAN_FIELDS}, 'prefix', a.prefix, 'suffix', a.suffix"
# Hand-made annotations, or those accepted from rule suggestions (origin "rule:<name>").
ORIGIN_CLAUSES = {"manual": "+a.origin = 'manual'", "rules": "+a.origin LIKE 'rule:%'"}


# A document's native JSONL line, then after its newline how many placed and orphaned spans
# it holds: b'{"id":...,"spans":[...],"orphans":[...]}\n<placed> <orphaned>'. One pass over
# the document's spans, in the order of ``_json_array``, builds both arrays. Every %s is JSON,
# in which no NUL byte is left unescaped (printf would stop at one).
_NATIVE_LINE = """CAST(printf('{{"id":%s,"title":%s,"text":%s,"meta":%s,"spans":%s',
  json_quote(d.external_id), json_quote(d.title), json_quote(d.text), d.meta,
  (SELECT printf('[%s]%s}}' || char(10) || '%d %d',
     coalesce(group_concat(span, ',') FILTER (WHERE NOT orphaned), ''),
     coalesce(',"orphans":[' || group_concat(span, ',') FILTER (WHERE orphaned) || ']', ''),
     count(*) FILTER (WHERE NOT orphaned), count(*) FILTER (WHERE orphaned))
   FROM (SELECT a.orphaned, CASE WHEN a.orphaned THEN json_object({orphan_fields})
       ELSE json_object({span_fields}) END AS span
     FROM annotations a WHERE a.doc_id = d.id AND {where} ORDER BY a.start, a.rowid))
) AS BLOB)"""


def _json_array(fields: str, where: str) -> str:
    """A scalar subquery: the document's spans matching ``where`` as a JSON array (or NULL).

    Ordered by start, then as stored; the ORDER BY is served by the index, and SQLite
    feeds an aggregate the rows of an ordered subquery in that order.
    """
    return (
        "(SELECT '[' || group_concat(span, ',') || ']' FROM"
        f" (SELECT json_object({fields}) AS span FROM annotations a"
        f" WHERE a.doc_id = d.id AND {where} ORDER BY a.start, a.rowid))"
    )


class Source:
    """The documents and spans that ``filters`` select, read through ``conn``."""

    def __init__(self, conn: sqlite3.Connection, filters: Filters) -> None:
        self.conn = conn
        self.filters = filters
        self.params: dict[str, Any] = {
            name: orjson.dumps(list(values)).decode()
            for name, values in vars(filters).items()
            if values and isinstance(values, tuple)
        }

    def _document_where(self) -> str:
        clauses = ["1"]
        if self.filters.statuses:
            clauses.append("d.status IN (SELECT value FROM json_each(:statuses))")
        if self.filters.doc_ids:
            clauses.append("d.external_id IN (SELECT value FROM json_each(:doc_ids))")
        return " AND ".join(clauses)

    def _span_where(self, *, orphaned: bool | None) -> str:
        """Live spans passing the span filters; placed, orphaned or (``None``) both."""
        # Unary plus keeps the planner on annotations_doc, whose order the spans follow.
        clauses = ["a.deleted_at IS NULL"]
        if orphaned is not None:
            clauses.append(f"+a.orphaned = {int(orphaned)}")
        if self.filters.labels:
            clauses.append("+a.label IN (SELECT value FROM json_each(:labels))")
        if self.filters.annotators:
            clauses.append("+a.annotator IN (SELECT value FROM json_each(:annotators))")
        if self.filters.origin in ORIGIN_CLAUSES:
            clauses.append(ORIGIN_CLAUSES[self.filters.origin])
        return " AND ".join(clauses)

    def _spans_selected(self, *, orphaned: bool | None) -> str:
        """FROM and WHERE for the selected spans, joining documents only if filtered by them."""
        where = self._span_where(orphaned=orphaned)
        if not (self.filters.statuses or self.filters.doc_ids):
            return f"FROM annotations a WHERE {where}"
        return (
            "FROM annotations a JOIN documents d ON d.id = a.doc_id"
            f" WHERE {where} AND {self._document_where()}"
        )

    def document_count(self) -> int:
        sql = f"SELECT count(*) FROM documents d WHERE {self._document_where()}"
        return int(self.conn.execute(sql, self.params).fetchone()[0])

    def span_count(self) -> int:
        """How many placed spans the export holds (a scan of the annotations)."""
        sql = f"SELECT count(*) {self._spans_selected(orphaned=False)}"
        return int(self.conn.execute(sql, self.params).fetchone()[0])

    def labels(self) -> list[str]:
        """The labels of the selected placed spans, sorted."""
        sql = f"SELECT DISTINCT a.label {self._spans_selected(orphaned=False)} ORDER BY a.label"
        return [row[0] for row in self.conn.execute(sql, self.params)]

    def documents(self, *, orphans: bool = False) -> Iterator[ExportDoc]:
        """The selected documents in id order; their orphans too when ``orphans``."""
        spans = _json_array(_SPAN_FIELDS, self._span_where(orphaned=False))
        orphan_spans = _json_array(_ORPHAN_FIELDS, self._span_where(orphaned=True))
        rows = self.conn.execute(
            f"SELECT d.external_id, d.title, d.text, d.meta, {spans},"
            f" {orphan_spans if orphans else 'NULL'}"
            f" FROM documents d WHERE {self._document_where()} ORDER BY d.id",
            self.params,
        )
        for external_id, title, text, meta, spans_json, orphans_json in rows:
            yield ExportDoc(
                external_id, title, text, meta, spans_json or "[]", orphans_json or "[]"
            )

    def native_lines(self) -> Iterator[tuple[memoryview, int, int]]:
        """The selected documents as native JSONL lines (see ``jsonl``), in id order, each
        with the number of placed and of orphaned spans it holds."""
        line = _NATIVE_LINE.format(
            span_fields=_SPAN_FIELDS,
            orphan_fields=_ORPHAN_FIELDS,
            where=self._span_where(orphaned=None),
        )
        rows = self.conn.execute(
            f"SELECT {line} FROM documents d WHERE {self._document_where()} ORDER BY d.id",
            self.params,
        )
        for (row,) in rows:
            end = row.rindex(b"\n") + 1
            placed, orphaned = row[end:].split()
            yield memoryview(row)[:end], int(placed), int(orphaned)
