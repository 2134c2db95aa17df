"""``reader suggest``: dry run, apply (undoable), score; and ``reader serve`` without the extra."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner, Result

from reader.cli import main
from reader.cli.common import Context
from reader.cli.suggest_commands import app_command, excerpt
from reader.core.store import NewDocument, Store, sha256_hex
from reader.core.suggest import Suggestion

SAMPLES = Path(__file__).parents[2] / "sample_corpus"
GOLD = json.loads(Path(__file__).with_name("sample_gold.json").read_text(encoding="utf-8"))
TEXT = "Zhao said it was\tdisinformation.\nNothing here [b]at all[/b]."


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "r.db"
    with Store(path, annotator="ana") as store:
        store.import_documents([NewDocument("z", "Z", TEXT, sha256_hex(TEXT))])
    return path


def test_dry_run_prints_one_sanitised_line_per_suggestion(db: Path) -> None:
    result = run(db, "suggest", "--dry-run")
    assert result.exit_code == 0
    assert result.stdout == (
        "1\t0\t32\tdenial\tdenial-words\tZhao said it was disinformation.\n"
        "1\t0\t32\tofficial statement\tnamed-speaker\tZhao said it was disinformation.\n"
    )
    assert result.stderr == "suggested: 2 in 1 document\n"
    with Store(db) as store:
        assert store.annotations(1) == []


def test_excerpt_is_one_line_and_bounded() -> None:
    assert excerpt("a\x1b[31m\nb\u202e" + "c" * 100, limit=10) == "a␛[31m b·…"
    assert len(excerpt("x " * 100)) == 80


def test_apply_accepts_all_as_one_undo_step_per_document(db: Path) -> None:
    result = run(db, "suggest", "--apply")
    assert result.stdout == "accepted: 2 in 1 document\n"
    with Store(db) as store:
        rows = [(a.start, a.end, a.label, a.origin) for a in store.annotations(1)]
        assert sorted(rows) == [
            (0, 32, "denial", "rule:denial-words"),
            (0, 32, "official statement", "rule:named-speaker"),
        ]
        assert [a.kind for a in store.actions(1)] == ["add"]
    assert run(db, "suggest").stdout == ""
    with Store(db) as store:
        store.undo(1)
    assert len(run(db, "suggest").stdout.splitlines()) == 2


def test_rejected_suggestions_are_not_printed(db: Path) -> None:
    with Store(db) as store:
        store.reject_suggestion(1, Suggestion(0, 32, "denial", "denial-words"))
    assert run(db, "suggest").stdout.splitlines() == [
        "1\t0\t32\tofficial statement\tnamed-speaker\tZhao said it was disinformation."
    ]


def test_unknown_document_is_a_one_line_error(db: Path) -> None:
    result = run(db, "suggest", "--doc", "7")
    assert result.exit_code == 1
    assert result.stderr == "error: no document with id 7\n"


def test_rules_come_from_the_config(db: Path, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        '[[rules]]\nname = "here"\nlabel = "denial"\nphrases = ["nothing here"]\nscope = "match"\n',
        encoding="utf-8",
    )
    result = run(db, "--config", str(config), "suggest")
    assert result.stdout == "1\t33\t45\tdenial\there\tNothing here\n"
    config.write_text('[[rules]]\nname = "x"\nlabel = "denial"\n', encoding="utf-8")
    result = run(db, "--config", str(config), "suggest")
    assert result.exit_code == 1
    assert result.stderr == f"error: {config}: rule 'x': needs phrases or patterns\n"


def test_score_prints_a_table_against_the_annotations(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    assert run(db, "import", *(str(p) for p in sorted(SAMPLES.glob("*.txt")))).exit_code == 0
    assert run(db, "suggest", "--score").stderr == (
        "error: no annotated documents to score the rules against\n"
    )
    with Store(db) as store:
        ids = {store.document(i).external_id + ".txt": i for i in store.document_ids()}
        for g in GOLD:
            store.add_annotation(ids[g["doc"]], g["start"], g["end"], g["label"])
    assert run(db, "suggest", "--score").stdout.splitlines() == [
        "label               suggested  correct  precision   gold  found  recall      F1",
        "anonymous source           12       12      1.000     13     12   0.923   0.960",
        "denial                      6        6      1.000      6      6   1.000   1.000",
        "official statement         15       15      1.000     16     15   0.938   0.968",
        "all                        33       33      1.000     35     33   0.943   0.971",
    ]
    exact = run(db, "suggest", "--score", "--exact").stdout.splitlines()
    assert (
        exact[-1]
        == "all                        33       22      0.667     35     22   0.629   0.647"
    )


def test_served_command_runs_the_app_on_the_same_database(tmp_path: Path) -> None:
    obj = Context(str(tmp_path / "my db.sqlite"), str(tmp_path / "c.toml"), "ana")
    assert shlex.split(app_command(obj)) == [
        sys.executable,
        "-m",
        "reader",
        "--db",
        str(tmp_path / "my db.sqlite"),
        "--config",
        str(tmp_path / "c.toml"),
        "--annotator",
        "ana",
    ]
    assert shlex.split(app_command(Context("r.db", None, None)))[3:] == [
        "--db",
        str(Path("r.db").resolve()),
    ]


def test_serve_without_textual_serve_says_how_to_get_it(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    result = run(db, "serve")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: reader serve needs textual-serve: pip install 'attribution-reader[serve]'\n"
    )


class FakeServer:
    made: ClassVar[list[dict[str, object]]] = []

    def __init__(self, command: str, **options: object) -> None:
        self.made.append({"command": command, **options})

    def serve(self) -> None:
        self.made.append({"served": True})


def test_serve_hands_the_app_command_and_address_to_textual_serve(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server_module = pytest.importorskip("textual_serve.server")
    monkeypatch.setattr(server_module, "Server", FakeServer)
    FakeServer.made = []
    result = run(db, "serve", "--port", "8123")
    assert (result.exit_code, result.stderr) == (0, "")
    command = f"{shlex.quote(sys.executable)} -m reader --db {shlex.quote(str(db))}"
    options = {"host": "127.0.0.1", "port": 8123, "title": "reader", "public_url": None}
    assert FakeServer.made == [{"command": command, **options}, {"served": True}]
    result = run(db, "serve", "--host", "0.0.0.0", "--public-url", "https://r.example")
    assert (
        result.stderr
        == "warning: serving on 0.0.0.0: anyone who can reach port 8000 can edit the database\n"
    )
    assert FakeServer.made[2]["public_url"] == "https://r.example"
