"""Reading corpus files: normalisation, titles, ids, and one clear line per bad file."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.core.corpus import CorpusError, read_corpus, read_file
from reader.core.store import Store, sha256_hex
from reader.core.text import normalise

SAMPLES = Path(__file__).parents[2] / "sample_corpus"


def test_txt_is_normalised_and_keeps_provenance(tmp_path: Path) -> None:
    raw = "\ufeffTitle line\r\nCafe\u0301 said\rhello\n".encode()
    path = tmp_path / "story.txt"
    path.write_bytes(raw)
    [doc] = read_file(path)
    assert doc.text == "Title line\nCaf\u00e9 said\nhello\n"
    assert (doc.external_id, doc.title, doc.format) == ("story", "Title line", "text")
    assert doc.sha256 == sha256_hex(raw)
    assert doc.source_path == str(path.resolve())


def test_markdown_title_comes_from_heading(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("\n\n# Talks in *Rome*\n\nBody.\n", encoding="utf-8")
    [doc] = read_file(path)
    assert (doc.title, doc.format) == ("Talks in *Rome*", "markdown")


def test_jsonl_documents(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text(
        '{"id": 7, "text": "First.", "meta": {"source": "wire"}}\n'
        "\n"
        '{"text": "Second one.\\r\\nLine", "title": "Two"}\n',
        encoding="utf-8",
    )
    first, second = read_file(path)
    assert (first.external_id, first.title, first.text, first.meta) == (
        "7",
        "First.",
        "First.",
        {"source": "wire"},
    )
    assert (second.external_id, second.title, second.text) == ("docs:3", "Two", "Second one.\nLine")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("bad.txt", b"caf\xe9 au lait", "not UTF-8: invalid byte at offset 3"),
        ("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("empty.txt", b"", "empty document"),
        ("blank.md", b"  \n\n\t\n", "empty document"),
        ("utf16.txt", "hello".encode("utf-16"), "UTF-16 is not supported"),
        ("rows.jsonl", b'{"text": "ok"}\n{"text": \n', "line 2: malformed JSON"),
        ("rows.jsonl", b'["text"]\n', "line 1: expected a JSON object"),
        ("rows.jsonl", b'{"title": "no text"}\n', 'line 1: no "text" string'),
        ("rows.jsonl", b'{"text": "x", "meta": []}\n', 'line 1: "meta" must be an object'),
        (
            "deep.jsonl",
            b'{"text": "x", "meta": {"a": ' + b"[" * 100 + b"]" * 100 + b"}}\n",
            "nested deeper than 64",
        ),
        ("notes.pdf", b"%PDF", "unsupported file type"),
    ],
)
def test_bad_files_give_one_line_naming_the_file(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CorpusError) as info:
        read_file(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert reason in message
    assert "\n" not in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no such file"):
        read_file(tmp_path / "gone.txt")


def test_folder_import_keeps_good_files_and_reports_bad_ones(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Good one.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\xff\xfe\x00bad")
    (tmp_path / "ignored.png").write_bytes(b"\x89PNG")
    result = read_corpus([tmp_path])
    assert [d.external_id for d in result.documents] == ["a"]
    assert len(result.errors) == 1 and "b.txt" in result.errors[0]


def test_sample_corpus_imports_with_titles(tmp_path: Path) -> None:
    result = read_corpus([SAMPLES])
    assert result.errors == []
    store = Store(tmp_path / "s.db")
    report = store.import_documents(result.documents)
    assert report.added == len(result.documents) >= 4
    drones = next(d for d in result.documents if d.external_id.startswith("us-warns"))
    assert drones.title.startswith("The United States has released a warning")
    phrase = "sources familiar with the matter"
    assert phrase in drones.text


def test_control_characters_in_file_names_are_shown_safely(tmp_path: Path) -> None:
    path = tmp_path / "evil\x1b]0;pwned\x07[@click=app.quit].txt"
    path.write_bytes(b"")
    with pytest.raises(CorpusError) as info:
        read_file(path)
    assert "\x1b" not in str(info.value) and "\x07" not in str(info.value)


@given(st.text())
def test_normalise_is_idempotent_and_leaves_no_carriage_return(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert "\r" not in once
    assert unicodedata.is_normalized("NFC", once)


@given(
    st.lists(
        st.sampled_from(["word", " ", "\r\n", "\r", "\n", "e\u0301", "😀", "北京", "\u0308", "é"]),
        max_size=40,
    ),
    st.data(),
)
def test_any_span_of_stored_text_exports_its_own_quote(
    tmp_path_factory: pytest.TempPathFactory, parts: list[str], data: st.DataObject
) -> None:
    raw = "x" + "".join(parts)
    path = tmp_path_factory.mktemp("h") / "doc.txt"
    path.write_bytes(raw.encode())
    [doc] = read_file(path)
    store = Store(path.with_suffix(".db"))
    store.import_documents([doc])
    text = store.document(1).text
    assert text == normalise(raw)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    ann = store.add_annotation(1, start, end, "denial")
    stored = store.annotations(1)[0]
    assert stored.quote == ann.quote == text[start:end]
    store.close()
