"""The exports read by their real consumers: spaCy, Hugging Face datasets, a Web Annotation
schema, and brat's standoff rules."""

from __future__ import annotations

import json
from pathlib import Path

import export_readers as readers
import pytest
from export_fixture import CJK_TEXT, QUIET_TEXT

from reader.core.export import export
from reader.core.store import Store

SCHEMA = Path(__file__).parent / "schemas" / "web_annotation_collection.json"
STATEMENT = 'Officials said: "We deny it." 😀\nSources familiar with the matter disagreed.\n'
TEXTS = {"statement": STATEMENT, "cjk-1": CJK_TEXT, "quiet": QUIET_TEXT}
# Every live placed span of the fixture, as stored.
SPANS = {
    "statement": [
        (0, 29, "official statement"),
        (17, 28, "denial"),
        (30, 48, "anonymous source"),
        (41, 61, "anonymous source"),  # "amiliar with the mat": not on word boundaries
    ],
    "cjk-1": [(6, 11, "denial"), (12, 27, "official statement"), (38, 48, "official statement")],
    "quiet": [],
}
SNAPPED = {(41, 61, "anonymous source"): (40, 64, "anonymous source")}


def test_spacy_finds_every_word_aligned_span_and_loads_the_docbin(
    corpus: Store, tmp_path: Path
) -> None:
    pytest.importorskip("spacy")
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    target = tmp_path / "train.spacy"
    export(corpus, "spacy", target)
    docs = {d.user_data["id"]: d for d in DocBin().from_disk(target).get_docs(Vocab())}
    assert sorted(docs) == sorted(TEXTS)
    for doc_id, spans in SPANS.items():
        doc = docs[doc_id]
        assert doc.text == TEXTS[doc_id]
        found = [(s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]]
        assert found == [SNAPPED.get(span, span) for span in spans]
        for start, end, label in spans:
            if (start, end, label) in SNAPPED:
                assert doc.char_span(start, end, alignment_mode="strict") is None
                continue
            span = doc.char_span(start, end, label=label, alignment_mode="strict")
            assert span is not None and span.text == TEXTS[doc_id][start:end]
    assert [s.id_ for s in docs["cjk-1"].spans["sc"]] == [
        "b0000000-0000-4000-8000-000000000001",
        "b0000000-0000-4000-8000-000000000002",
        "b0000000-0000-4000-8000-000000000003",
    ]


@pytest.fixture
def offline_datasets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf-cache"))
    return pytest.importorskip("datasets")


def test_datasets_loads_the_hf_export_with_tag_names(
    corpus: Store, tmp_path: Path, offline_datasets
) -> None:  # type: ignore[no-untyped-def]
    datasets = offline_datasets
    target = tmp_path / "train.jsonl"
    export(corpus, "hf", target)
    names = json.loads((tmp_path / "train.labels.json").read_text())
    features = datasets.Features(
        {
            "id": datasets.Value("string"),
            "tokens": datasets.Sequence(datasets.Value("string")),
            "ner_tags": datasets.Sequence(datasets.ClassLabel(names=names)),
        }
    )
    data = datasets.load_dataset(
        "json", data_files=str(target), features=features, cache_dir=str(tmp_path / "cache")
    )["train"]
    assert data.num_rows == 3
    assert data[1]["tokens"][:3] == ["外", "交", "部"]
    tag_names = data.features["ner_tags"].feature.names
    assert [tag_names[t] for t in data[1]["ner_tags"][6:12]] == [
        "B-denial",
        "I-denial",
        "I-denial",
        "I-denial",
        "I-denial",
        "O",
    ]
    plain = datasets.load_dataset("json", data_files=str(target), cache_dir=str(tmp_path / "c2"))
    assert plain["train"].num_rows == 3
    assert plain["train"].features["ner_tags"].feature.dtype == "int64"


def test_datasets_loads_the_native_export(corpus: Store, tmp_path: Path, offline_datasets) -> None:  # type: ignore[no-untyped-def]
    datasets = offline_datasets
    target = tmp_path / "native.jsonl"
    export(corpus, "jsonl", target)
    data = datasets.load_dataset("json", data_files=str(target), cache_dir=str(tmp_path / "c"))
    rows = data["train"]
    assert rows.num_rows == 3
    assert set(rows.column_names) >= {"id", "title", "text", "meta", "spans"}
    span = rows[0]["spans"][3]
    assert (span["start"], span["end"], span["text"]) == (41, 61, "amiliar with the mat")
    assert [len(s) for s in rows["spans"]] == [4, 3, 0]


def test_w3c_export_validates_against_the_web_annotation_schema(
    corpus: Store, tmp_path: Path
) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    target = tmp_path / "annotations.jsonld"
    export(corpus, "w3c", target)
    collection = json.loads(target.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(collection)
    items = collection["first"]["items"]
    assert collection["total"] == len(items) == 7
    assert len({item["id"] for item in items}) == 7
    for item in items:
        position = item["target"]["selector"][1]
        assert position["start"] < position["end"]
    parsed = readers.w3c(target, TEXTS)  # exact/prefix/suffix match the text at the positions
    assert {doc_id: spans for doc_id, (_, spans) in parsed.items()} == SPANS


def test_w3c_positions_count_code_points_on_emoji_and_cjk(corpus: Store, tmp_path: Path) -> None:
    target = tmp_path / "annotations.jsonld"
    export(corpus, "w3c", target)
    items = json.loads(target.read_text(encoding="utf-8"))["first"]["items"]
    thumbs = next(i for i in items if i["target"]["selector"][0]["exact"].startswith("👍🏽"))
    position = thumbs["target"]["selector"][1]
    assert (position["start"], position["end"]) == (12, 27)
    assert CJK_TEXT[12:27] == "👍🏽 The ministry"
    assert len(CJK_TEXT[:27].encode("utf-16-le")) // 2 == 29  # UTF-16 units would differ


def test_brat_ann_lines_parse_back_to_the_same_spans(corpus: Store, tmp_path: Path) -> None:
    target = tmp_path / "brat"
    export(corpus, "brat", target)
    parsed = readers.brat(target)
    assert {doc_id: text for doc_id, (text, _) in parsed.items()} == TEXTS
    assert {doc_id: spans for doc_id, (_, spans) in parsed.items()} == SPANS
    conf = (target / "annotation.conf").read_text()
    assert conf.startswith("[entities]\nanonymous_source\ndenial\nofficial_statement\n")
