"""Every annotation and action records who made it: --annotator, then config, then OS user."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest

from reader.cli.common import Context
from reader.core.store import NewDocument, Store, sha256_hex

TEXT = "Officials said the talks went well."


@pytest.mark.parametrize(
    ("option", "configured", "expected"),
    [("cli", "conf", "cli"), (None, "conf", "conf"), (None, None, getpass.getuser())],
)
def test_annotator_comes_from_option_then_config_then_os_user(
    tmp_path: Path, option: str | None, configured: str | None, expected: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'annotator = "{configured}"\n' if configured else "", encoding="utf-8")
    context = Context(str(tmp_path / "r.db"), str(config), option)
    with context.open_store() as store:
        store.import_documents([NewDocument("a", "A", TEXT, sha256_hex(TEXT))])
        made = store.add_annotation(1, 0, 9, "official statement")
        store.update_annotation(made.id, note="checked")
        store.undo(1)
        rows = store.conn.execute("SELECT annotator FROM annotations").fetchall()
        actions = store.conn.execute("SELECT kind, annotator FROM actions").fetchall()
    assert rows == [(expected,)]
    assert actions == [("add", expected), ("update", expected), ("undo", expected)]


def test_each_annotator_is_recorded_in_a_shared_database(tmp_path: Path) -> None:
    with Store(tmp_path / "r.db", annotator="ana") as ana, Store(ana.path, annotator="ben") as ben:
        ana.import_documents([NewDocument("a", "A", TEXT, sha256_hex(TEXT))])
        ana.add_annotation(1, 0, 9, "official statement")
        ben.add_annotation(1, 10, 14, "denial")
        assert [(a.quote, a.annotator) for a in ben.annotations(1)] == [
            ("Officials", "ana"),
            ("said", "ben"),
        ]
