"""Exports are atomic (a failed one leaves the earlier file) and read one consistent snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest

from reader.core.export import FORMATS, ExportError, Format, export
from reader.core.export.base import ExportDoc, Run
from reader.core.store import NewDocument, Store, sha256_hex


class Boom(Exception):
    pass


def staged_leftovers(folder: Path) -> list[str]:
    """Temporary files or folders an export left behind (they are named ``.<name>.*.tmp``)."""
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


def failing_writer(error: type[BaseException]) -> Format:
    def write(docs: Iterator[ExportDoc], out: BinaryIO, run: Run) -> None:
        for doc in docs:
            out.write(doc.text.encode() * 1000)
        raise error("disk on fire")

    return Format(name="boom", description="fails after writing", write_file=write)


@pytest.mark.parametrize("error", [Boom, KeyboardInterrupt])
def test_a_failing_export_leaves_the_earlier_file_untouched(
    corpus: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: type[BaseException]
) -> None:
    target = tmp_path / "labels.jsonl"
    target.write_bytes(b"earlier export\n")
    monkeypatch.setitem(FORMATS, "boom", failing_writer(error))
    with pytest.raises(error):
        export(corpus, "boom", target)
    assert target.read_bytes() == b"earlier export\n"
    assert staged_leftovers(tmp_path) == []


def test_a_failing_folder_export_leaves_the_earlier_folder(
    corpus: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "brat"
    export(corpus, "brat", target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}

    def write(docs: Iterator[ExportDoc], folder: Path, run: Run) -> None:
        (folder / "half.ann").write_text("T1\tx 0 1\ty\n")
        raise Boom

    monkeypatch.setitem(
        FORMATS,
        "brat",
        Format("brat", "", write_folder=write, replaceable=FORMATS["brat"].replaceable),
    )
    with pytest.raises(Boom):
        export(corpus, "brat", target)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert staged_leftovers(tmp_path) == []


def test_a_second_folder_export_replaces_the_first(corpus: Store, tmp_path: Path) -> None:
    target = tmp_path / "brat"
    target.mkdir()
    (target / "stale.ann").write_text("old")
    export(corpus, "brat", target)
    assert not (target / "stale.ann").exists()
    assert (target / "statement.ann").exists()


def test_an_unrelated_folder_is_never_replaced(corpus: Store, tmp_path: Path) -> None:
    target = tmp_path / "documents"
    target.mkdir()
    (target / "thesis.docx").write_text("precious")
    with pytest.raises(ExportError, match="holds other things"):
        export(corpus, "brat", target)
    assert (target / "thesis.docx").read_text() == "precious"


def test_the_companion_file_is_only_written_with_the_main_file(
    corpus: Store, tmp_path: Path
) -> None:
    target = tmp_path / "train.jsonl"
    export(corpus, "hf", target)
    labels = (tmp_path / "train.labels.json").read_bytes()
    export(corpus, "hf", target)
    assert (tmp_path / "train.labels.json").read_bytes() == labels
    assert staged_leftovers(tmp_path) == []


def test_missing_folder_and_folder_as_file_target(corpus: Store, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no such folder"):
        export(corpus, "jsonl", tmp_path / "nope" / "x.jsonl")
    with pytest.raises(ExportError, match="is a folder"):
        export(corpus, "jsonl", tmp_path)


def test_export_reads_one_snapshot_while_another_connection_writes(
    corpus: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows committed by another writer mid-export do not appear in it."""
    writer = Store(corpus.path, annotator="late")
    seen: list[str] = []

    def write(docs: Iterator[ExportDoc], out: BinaryIO, run: Run) -> None:
        for doc in docs:
            if not seen:
                late = "A late document."
                writer.import_documents([NewDocument("late", "Late", late, sha256_hex(late))])
                writer.add_annotation(2, 0, 3, "denial")
                writer.delete_annotation("b0000000-0000-4000-8000-000000000001")
            seen.append(f"{doc.external_id}:{len(doc.spans)}")

    monkeypatch.setitem(FORMATS, "probe", Format("probe", "", write_file=write))
    summary = export(corpus, "probe", tmp_path / "probe.out")
    writer.close()
    assert seen == ["statement:4", "cjk-1:3", "quiet:0"]
    assert (summary.documents, summary.spans) == (3, 7)
