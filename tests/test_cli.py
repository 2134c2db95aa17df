"""The click CLI: import, stats, default open, one-line errors, --help everywhere."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from reader.cli import main

SAMPLES = Path(__file__).parents[1] / "sample_corpus"


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def all_commands(group: click.Group = main, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if isinstance(command, click.Group):
            found += all_commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("command", all_commands(), ids=lambda c: " ".join(c) or "reader")
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_import_then_again_then_stats(tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    first = run("--db", db, "import", str(SAMPLES))
    assert first.exit_code == 0
    count = len(list(SAMPLES.glob("*.*")))
    assert first.output == f"imported: {count} added, 0 unchanged, 0 updated\n"
    second = run("--db", db, "import", str(SAMPLES))
    assert second.output == f"imported: 0 added, {count} unchanged, 0 updated\n"
    stats = run("--db", db, "stats")
    assert f"documents: {count}\n  new: {count}\n" in stats.output
    assert "annotations: 0\n" in stats.output


def test_bad_file_is_one_line_and_non_zero_but_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Fine text.", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"ok \xc3\x28 broken")
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "r.db"), "import", str(tmp_path)])
    assert result.exit_code == 1
    assert (
        result.stderr == f"warning: {tmp_path / 'bad.txt'}: not UTF-8: invalid byte at offset 3\n"
    )
    assert result.stdout == "imported: 1 added, 0 unchanged, 0 updated, 1 unreadable\n"


def test_bad_jsonl_line_is_one_line_and_the_other_lines_are_imported(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b'{"text": "One."}\n{"text": \n{"text": "Three."}\n')
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "r.db"), "import", str(path)])
    assert result.exit_code == 1
    assert result.stderr == f"warning: {path}: line 2: malformed JSON (unexpected end of data)\n"
    assert result.stdout == "imported: 2 added, 0 unchanged, 0 updated, 1 unreadable\n"


def test_errors_replace_keeps_invalid_bytes_as_replacement(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"ok \xc3\x28 broken")
    db = str(tmp_path / "r.db")
    assert run("--db", db, "import", "--errors", "replace", str(tmp_path)).exit_code == 0
    from reader.core.store import Store

    assert Store(db).document(1).text == "ok \ufffd( broken"


def test_stats_on_missing_database_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "none.db"), "stats"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "no such database" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_bad_config_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[[labels]]\nkey = 1\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["--config", str(config), "--db", str(tmp_path / "r.db"), "stats"]
    )
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "label 1 needs a name" in result.stderr


def test_path_without_subcommand_imports_and_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[dict[str, object]] = []

    class FakeApp:
        def __init__(self, **kwargs: object) -> None:
            opened.append(kwargs)

        def run(self) -> None:
            pass

    monkeypatch.setattr("reader.ui.app.ReaderApp", FakeApp)
    db = tmp_path / "r.db"
    result = CliRunner().invoke(main, ["--db", str(db), str(SAMPLES)])
    assert result.exit_code == 0, result.output
    assert opened and opened[0]["db_path"] == db
    assert str(opened[0]["notices"]).startswith("['imported:")


def test_unreadable_config_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("", encoding="utf-8")
    config = tmp_path / "plain" / "conf.toml"  # under a file: unreadable even for root
    args = ["--config", str(config), "--db", str(tmp_path / "r.db"), "stats"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert result.stderr == f"error: {config}: cannot read (Not a directory)\n"


def test_migrating_an_old_database_says_so_on_stderr(tmp_path: Path) -> None:
    from tests.core.test_store import make_old_database

    db = tmp_path / "old.db"
    make_old_database(db, 1)
    result = CliRunner().invoke(main, ["--db", str(db), "stats"])
    assert result.exit_code == 0
    assert result.stderr == (
        f"{db}: updating the database to schema 2; keeping a copy as old.db.v1.bak first\n"
    )
    assert "documents: 1" in result.stdout
