"""Property tests of decoding, normalising, sanitising and the JSONL reader.

Run with ``HYPOTHESIS_PROFILE=thorough`` for 10,000 examples per property.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.core.corpus import CorpusError, read_file
from reader.core.store import NewDocument, Store, sha256_hex
from reader.core.text import DecodeError, decode, normalise, one_line, sanitise

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# Text rich in what goes wrong: controls, CR/LF, surrogates, combining marks, bidi, emoji, CJK.
TRICKY = st.sampled_from(
    [
        *"\x00\x07\x1b\x7f\x85\x9b\r\n\t\u2028\u202e\u2066\u200b\ufeff\ud800\udfff",
        "e\u0301",
        "\u1100\u1161",
        "😀",
        "👍🏽",
        "北",
        "[@click=app.quit]",
        "[/b]",
        "\x1b]52;c;",
    ]
)
TEXT = st.lists(st.one_of(st.text(), TRICKY), max_size=30).map("".join)


@given(TEXT)
def test_sanitise_keeps_length_and_leaves_no_control(text: str) -> None:
    safe = sanitise(text)
    assert len(safe) == len(text)
    assert not UNSAFE.search(safe)
    for before, after in zip(text, safe, strict=True):
        assert after == before or UNSAFE.match(before)


@given(TEXT)
def test_one_line_keeps_length_and_has_no_line_break_or_tab(text: str) -> None:
    line = one_line(text)
    assert len(line) == len(text)
    assert not UNSAFE.search(line) and "\n" not in line and "\t" not in line


@given(TEXT)
def test_normalise_is_storable_and_idempotent(text: str) -> None:
    stored = normalise(text)
    assert normalise(stored) == stored
    assert "\r" not in stored and "\x00" not in stored
    assert unicodedata.is_normalized("NFC", stored)
    stored.encode("utf-8")  # no lone surrogate


@given(st.binary(max_size=200) | TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_decode_gives_text_or_one_line_reason(data: bytes) -> None:
    try:
        text = decode(data)
    except DecodeError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert text.encode("utf-8") == data.removeprefix(b"\xef\xbb\xbf")


@given(st.text().filter(lambda t: "\x00" not in t and not t.startswith("\ufeff")))
def test_decode_round_trips_utf8_with_and_without_bom(text: str) -> None:
    data = text.encode("utf-8")
    assert decode(data) == text
    assert decode(b"\xef\xbb\xbf" + data) == text


@given(st.binary(max_size=200))
def test_decode_replace_only_refuses_nul_and_utf16(data: bytes) -> None:
    try:
        decode(data, errors="replace")
    except DecodeError:
        assert b"\x00" in data or data.startswith((b"\xff\xfe", b"\xfe\xff"))


@pytest.fixture(scope="module")
def jsonl_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("props") / "c.jsonl"


def read_jsonl(path: Path, data: bytes) -> list[str] | str:
    """The stored texts, or the refusal line."""
    path.write_bytes(data)
    try:
        return [doc.text for doc in read_file(path)]
    except CorpusError as exc:
        message = str(exc)
        assert message.startswith(f"{path}: ") and "\n" not in message
        return message


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=8,
)


@given(st.binary(max_size=300))
def test_jsonl_any_bytes_give_documents_or_one_line(jsonl_path: Path, data: bytes) -> None:
    read_jsonl(jsonl_path, data)


@given(
    st.lists(
        st.dictionaries(st.sampled_from(["text", "id", "title", "meta"]), JSON_VALUES), max_size=4
    ),
    st.booleans(),
)
def test_jsonl_any_records_give_documents_or_one_line(
    jsonl_path: Path, records: list[dict[str, Any]], ascii_only: bool
) -> None:
    lines = "\n".join(json.dumps(r, ensure_ascii=ascii_only) for r in records)
    result = read_jsonl(jsonl_path, lines.encode("utf-8", "surrogatepass"))
    if isinstance(result, list):
        assert result == [normalise(r["text"]) for r in records]
        for text in result:
            text.encode("utf-8")


CLEAN_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=8,
)
CLEAN_RECORD = st.fixed_dictionaries(
    {"text": TEXT.filter(lambda t: normalise(t).strip() and not re.search("[\ud800-\udfff]", t))},
    optional={
        "id": st.text(min_size=1) | st.integers(-(2**63), 2**63 - 1),
        "title": st.text(),
        "meta": st.dictionaries(st.text().filter(lambda k: k != "id"), CLEAN_VALUES, max_size=4),
    },
)


@given(st.lists(CLEAN_RECORD, min_size=1, max_size=4), st.booleans())
def test_jsonl_valid_records_are_read_exactly(
    jsonl_path: Path, records: list[dict[str, Any]], ascii_only: bool
) -> None:
    lines = "\r\n".join(json.dumps(r, ensure_ascii=ascii_only) for r in records)
    assert read_jsonl(jsonl_path, lines.encode("utf-8")) == [normalise(r["text"]) for r in records]


@given(TEXT.filter(lambda t: normalise(t).strip()), st.data())
def test_any_stored_span_quotes_the_stored_text(text: str, data: st.DataObject) -> None:
    stored = normalise(text)
    with Store(":memory:", annotator="ana") as store:
        store.import_documents([NewDocument("d", "t", stored, sha256_hex(stored))])
        start = data.draw(st.integers(0, len(stored) - 1))
        end = data.draw(st.integers(start + 1, len(stored)))
        made = store.add_annotation(1, start, end, "denial")
        assert store.annotation(made.id).quote == store.document(1).text[start:end]
        assert store.document(1).text == stored
