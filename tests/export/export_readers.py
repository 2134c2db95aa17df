"""Independent readers of every export format, as their consumers would read them.

Each returns ``{document id: (text, [(start, end, label), ...])}`` with character offsets,
checking on the way what the format promises (quotes equal the text they point at).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from urllib.parse import unquote

Spans = list[tuple[int, int, str]]
Parsed = dict[str, tuple[str, Spans]]


def _lines(path: Path) -> list[dict]:
    """JSON Lines are split on "\n" only: U+2028 and U+0085 may stand raw inside strings."""
    return [json.loads(line) for line in path.read_bytes().decode("utf-8").split("\n") if line]


def native(path: Path) -> Parsed:
    parsed: Parsed = {}
    for line in _lines(path):
        text = line["text"]
        for span in line["spans"]:
            assert text[span["start"] : span["end"]] == span["text"]
        parsed[line["id"]] = (text, [(s["start"], s["end"], s["label"]) for s in line["spans"]])
    return parsed


def prodigy(path: Path) -> Parsed:
    parsed: Parsed = {}
    for task in _lines(path):
        text, tokens = task["text"], task["tokens"]
        assert "".join(t["text"] + " " * t["ws"] for t in tokens) == text
        assert [t["id"] for t in tokens] == list(range(len(tokens)))
        for t in tokens:
            assert text[t["start"] : t["end"]] == t["text"]
        for span in task["spans"]:
            assert tokens[span["token_start"]]["start"] == span["start"]
            assert tokens[span["token_end"]]["end"] == span["end"]
        spans = [(s["start"], s["end"], s["label"]) for s in task["spans"]]
        parsed[task["meta"]["id"]] = (text, spans)
    return parsed


def doccano(path: Path) -> Parsed:
    return {
        line["id"]: (line["text"], [tuple(item) for item in line["label"]]) for line in _lines(path)
    }


def hf(path: Path, texts: dict[str, str]) -> Parsed:
    """BIO tags back to character spans, using the token offsets found in ``texts``."""
    names = json.loads(path.with_name(path.stem + ".labels.json").read_text(encoding="utf-8"))
    parsed: Parsed = {}
    for row in _lines(path):
        text = texts[row["id"]]
        offsets, position = [], 0
        for token in row["tokens"]:
            start = text.index(token, position)
            assert text[position:start].strip() == ""  # only whitespace between tokens
            offsets.append((start, start + len(token)))
            position = start + len(token)
        assert text[position:].strip() == ""
        spans: Spans = []
        for i, tag in enumerate(names[t] for t in row["ner_tags"]):
            if tag.startswith("B-"):
                spans.append((offsets[i][0], offsets[i][1], tag[2:]))
            elif tag.startswith("I-"):
                start, _, label = spans[-1]
                assert label == tag[2:] and names[row["ner_tags"][i - 1]][2:] == label
                spans[-1] = (start, offsets[i][1], label)
        parsed[row["id"]] = (text, spans)
    return parsed


def spacy(path: Path) -> Parsed:
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    parsed: Parsed = {}
    for doc in DocBin().from_disk(path).get_docs(Vocab()):
        spans = [(s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]]
        parsed[doc.user_data["id"]] = (doc.text, spans)
    return parsed


def brat(folder: Path) -> Parsed:
    """The .ann files read as brat's standoff format defines them."""
    visual = (folder / "visual.conf").read_text(encoding="utf-8").splitlines()
    labels = dict(line.split(" | ", 1) for line in visual[1:])
    parsed: Parsed = {}
    for ann in sorted(folder.glob("*.ann")):
        text = ann.with_suffix(".txt").read_bytes().decode("utf-8")
        spans: Spans = []
        for line in ann.read_bytes().decode("utf-8").splitlines():  # as brat splits lines
            if not line.startswith("T"):
                continue
            _, type_and_offsets, quote = line.split("\t", 2)
            kind, offsets = type_and_offsets.split(" ", 1)
            pieces = [tuple(map(int, part.split(" "))) for part in offsets.split(";")]
            assert " ".join(text[s:e] for s, e in pieces) == quote
            spans.append((pieces[0][0], pieces[-1][1], labels[kind]))
        parsed[ann.stem] = (text, spans)
    return parsed


def w3c(path: Path, texts: dict[str, str]) -> Parsed:
    collection = json.loads(path.read_text(encoding="utf-8"))
    parsed: Parsed = {doc_id: (text, []) for doc_id, text in texts.items()}
    for item in collection["first"]["items"]:
        doc_id = unquote(item["target"]["source"].rsplit(":", 1)[1])
        quote, position = item["target"]["selector"]
        text = texts[doc_id]
        start, end = position["start"], position["end"]
        assert text[start:end] == quote["exact"]
        assert text[:start].endswith(quote.get("prefix", ""))
        assert text[end:].startswith(quote.get("suffix", ""))
        [label] = [b["value"] for b in item["body"] if b["purpose"] == "tagging"]
        parsed[doc_id][1].append((start, end, label))
    return parsed


def csv_rows(path: Path, texts: dict[str, str]) -> Parsed:
    parsed: Parsed = {doc_id: (text, []) for doc_id, text in texts.items()}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        start, end = int(row["start"]), int(row["end"])
        assert texts[row["doc_id"]][start:end] == row["text"]
        parsed[row["doc_id"]][1].append((start, end, row["label"]))
    return parsed
