"""Hostile documents export as valid JSON (and CSV), byte-exact, whatever they hold."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hostile import MARKUP, OSC, STORED

from reader.cli import main
from reader.core.store import Store

NOTE = f"{MARKUP} {OSC} \x9b\u202e"
JSON_LINES = ("jsonl", "prodigy", "doccano", "hf")


def strict_json(text: str) -> Any:
    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """Every stored hostile case but the 10 MB line, each with two spans and a hostile note."""
    folder = tmp_path_factory.mktemp("hostile")
    corpus = folder / "corpus"
    corpus.mkdir()
    for case in STORED:
        if case.id != "big-line":
            case.write(corpus)
    db = folder / "r.db"
    CliRunner().invoke(main, ["--db", str(db), "import", str(corpus)])
    texts = {}
    with Store(db, annotator="[b]ana\x1b]0;x\x07") as store:
        for doc_id in store.document_ids():
            doc = store.document(doc_id)
            texts[doc.external_id] = doc.text
            store.add_annotation(doc_id, 0, len(doc.text), "denial", note=NOTE)
            if len(doc.text) > 4:
                store.add_annotation(doc_id, 2, len(doc.text) - 1, "anonymous source")
    assert len(texts) == len(STORED) - 1
    return db, texts


def export(db: Path, out: Path, format_name: str) -> str:
    result = CliRunner().invoke(
        main, ["--db", str(db), "export", "-f", format_name, "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    return result.stderr


@pytest.mark.parametrize("format_name", JSON_LINES)
def test_json_lines_formats_stay_valid(
    format_name: str, hostile_db: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    db, texts = hostile_db
    out = tmp_path / "out.jsonl"
    export(db, out, format_name)
    data = out.read_bytes().decode("utf-8")  # strict: no lone surrogate, no invalid byte
    lines = [strict_json(line) for line in data.split("\n") if line]
    assert len(lines) == len(texts)


def test_native_jsonl_keeps_every_character(
    hostile_db: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    db, texts = hostile_db
    out = tmp_path / "out.jsonl"
    export(db, out, "jsonl")
    # Split on "\n" only: the text holds U+0085 and U+2028, which str.splitlines() splits on.
    lines = [strict_json(line) for line in out.read_text(encoding="utf-8").split("\n") if line]
    assert {line["id"]: line["text"] for line in lines} == texts
    for line in lines:
        spans = line["spans"]
        assert len(spans) == (2 if len(line["text"]) > 4 else 1)
        for span in spans:
            assert line["text"][span["start"] : span["end"]] == span["text"]
            assert span["annotator"] == "[b]ana\x1b]0;x\x07"
        assert spans[0]["note"] == NOTE


def test_w3c_is_one_valid_json_document(
    hostile_db: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    db, texts = hostile_db
    out = tmp_path / "out.jsonld"
    export(db, out, "w3c")
    collection = strict_json(out.read_text(encoding="utf-8"))
    exacts = {
        selector["exact"]
        for item in collection["first"]["items"]
        for selector in item["target"]["selector"]
        if selector["type"] == "TextQuoteSelector"
    }
    assert set(texts.values()) <= exacts


def test_csv_has_one_row_per_span(hostile_db: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    db, texts = hostile_db
    out = tmp_path / "out.csv"
    export(db, out, "csv")
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == sum(2 if len(t) > 4 else 1 for t in texts.values())


def test_export_summary_prints_no_control_character(
    hostile_db: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    db, _ = hostile_db
    said = export(db, tmp_path / "o.jsonl", "jsonl")
    assert said.startswith("exported ") and not any(ch in said for ch in "\x1b\x07\x9b\u202e\x00")
