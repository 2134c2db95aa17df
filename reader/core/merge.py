"""Merging annotators' databases into one team database.

Documents are matched by content (sha256) first, then by external id; a document that
matches nothing is added. Annotations are matched by id. When both sides hold an
annotation with different content the later version wins: a deletion always wins (a
deleted annotation stays deleted), then the later ``updated_at``, then the later
``deleted_at``, then the content itself, so the outcome never depends on the order of
the merges. Merging the same database twice changes nothing, and nothing is dropped: an
annotation whose document has a different text in the target is re-anchored onto that
text, and becomes an orphan (keeping its quote) if its passage is not there.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import orjson

from reader.core.anchoring import relocate
from reader.core.store import Annotation, Document, NewDocument, Store, StoreError, context


@dataclass
class MergeReport:
    documents_added: int = 0
    documents_matched: int = 0
    annotations_added: int = 0
    annotations_updated: int = 0  # the target held an older version
    annotations_unchanged: int = 0
    annotations_reanchored: int = 0  # moved onto a differing text of their document
    annotations_orphaned: int = 0
    conflicts: list[str] = field(default_factory=list)  # one line each


def merge_databases(target: Store, sources: list[Path]) -> MergeReport:
    """Merge each source database into ``target``, one transaction per source."""
    report = MergeReport()
    for path in sources:
        if path.resolve() == target.path.resolve():
            report.conflicts.append(f"{path}: is the output database; skipped")
            continue
        with Store(path, create=False) as source, target.write():
            documents = _TargetDocuments(target)
            for doc_id in source.document_ids():
                _merge_document(documents, source, source.document(doc_id), report)
    return report


class _TargetDocuments:
    """The target's documents by content hash and by external id (no texts held)."""

    def __init__(self, target: Store) -> None:
        self.target = target
        self.by_sha: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self.by_external_id: dict[str, int] = {}
        rows = target.conn.execute("SELECT id, external_id, sha256 FROM documents ORDER BY id")
        for doc_id, external_id, sha in rows:
            self._remember(doc_id, external_id, sha)

    def _remember(self, doc_id: int, external_id: str, sha: str) -> None:
        self.by_sha[sha].append((external_id, doc_id))
        self.by_external_id[external_id] = doc_id

    def match(self, doc: Document, report: MergeReport) -> tuple[int, str]:
        """The target's id and text for ``doc``, adding the document when it is new."""
        same_content = self.by_sha.get(doc.sha256, [])  # the same external id first
        same_content = sorted(same_content, key=lambda known: known[0] != doc.external_id)
        doc_id = same_content[0][1] if same_content else self.by_external_id.get(doc.external_id)
        if doc_id is not None:
            report.documents_matched += 1
            same = self.target.conn.execute(
                "SELECT text = ? FROM documents WHERE id = ?", (doc.text, doc_id)
            ).fetchone()[0]
            return doc_id, doc.text if same else self.target.document(doc_id).text
        fields = ("external_id", "title", "text", "sha256", "source_path", "format", "meta")
        self.target.import_documents([NewDocument(**{f: getattr(doc, f) for f in fields})])
        report.documents_added += 1
        new_id = int(
            self.target.conn.execute(
                "SELECT id FROM documents WHERE external_id = ?", (doc.external_id,)
            ).fetchone()[0]
        )
        self._remember(new_id, doc.external_id, doc.sha256)
        return new_id, doc.text


def _merge_document(
    documents: _TargetDocuments, source: Store, doc: Document, report: MergeReport
) -> None:
    target = documents.target
    target_id, target_text = documents.match(doc, report)
    incoming = source.annotations(doc.id, include_deleted=True)
    if target_text != doc.text:
        incoming = _reanchored(doc, target_text, incoming, report)
        report.conflicts.append(
            f"{doc.external_id}: text in {source.path} differs from {target.path};"
            " its annotations were re-anchored onto the text in the output"
        )
    for annotation in incoming:
        theirs = replace(annotation, doc_id=target_id)
        _merge_annotation(target, theirs, source.path, report)


def _reanchored(
    doc: Document, text: str, annotations: list[Annotation], report: MergeReport
) -> list[Annotation]:
    """Live annotations moved onto ``text``; tombstones are kept as they are."""
    live = [a for a in annotations if a.deleted_at is None]
    moved = {}
    for annotation, placement in zip(live, relocate(doc.text, text, live), strict=True):
        if placement is None:
            moved[annotation.id] = replace(annotation, orphaned=True)
            report.annotations_orphaned += 1
            continue
        start, end = placement.start, placement.end
        prefix, suffix = context(text, start, end)
        moved[annotation.id] = replace(
            annotation,
            start=start,
            end=end,
            quote=text[start:end],
            prefix=prefix,
            suffix=suffix,
            orphaned=False,
        )
        report.annotations_reanchored += 1
    return [moved.get(a.id, a) for a in annotations]


def _merge_annotation(target: Store, theirs: Annotation, where: Path, report: MergeReport) -> None:
    try:
        ours = target.annotation(theirs.id)
    except StoreError:
        target.put_annotations([theirs])
        report.annotations_added += 1
        return
    if ours == theirs:
        report.annotations_unchanged += 1
        return
    if _version(theirs) > _version(ours):
        target.put_annotations([theirs])
        report.annotations_updated += 1
        kept = f"the version from {where}"
    else:
        report.annotations_unchanged += 1
        kept = f"the version in {target.path}"
    report.conflicts.append(
        f"annotation {theirs.id} ({theirs.label!r}): two versions differ; kept {kept}"
    )


def _version(annotation: Annotation) -> tuple[bool, str, str, bytes]:
    """Later versions compare greater; deletions win over edits."""
    return (
        annotation.deleted_at is not None,
        annotation.updated_at,
        annotation.deleted_at or "",
        orjson.dumps(asdict(annotation), option=orjson.OPT_SORT_KEYS),
    )
