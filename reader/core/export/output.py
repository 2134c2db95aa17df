"""Atomic output: everything is written under a temporary name beside its target and renamed
into place only once the whole export has succeeded, so a failed or interrupted export leaves
any earlier file or folder as it was.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Collection
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from reader.core.export.base import ExportError

BUFFER = 1 << 20


def _temporary_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")


def _check_parent(target: Path) -> None:
    if not target.parent.is_dir():
        raise ExportError(f"{target.parent}: no such folder")


class Staging:
    """Files and folders staged beside their targets; ``commit`` renames them all into place.

    Used as a context manager: leaving it with an exception removes what was staged.
    """

    def __init__(self) -> None:
        self._files: list[tuple[Path, Path, BinaryIO]] = []
        self._folders: list[tuple[Path, Path]] = []

    def __enter__(self) -> Staging:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    def file(self, target: Path) -> BinaryIO:
        """A new binary file that will become ``target``."""
        _check_parent(target)
        if target.is_dir():
            raise ExportError(f"{target}: is a folder; give a file name")
        while True:
            temporary = _temporary_name(target)
            try:  # created with the usual permissions (umask applied), unlike mkstemp's 0600
                fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                break
            except FileExistsError:
                continue
        stream = os.fdopen(fd, "wb", buffering=BUFFER)
        self._files.append((temporary, target, stream))
        return stream

    def folder(self, target: Path, replaceable: Collection[str]) -> Path:
        """A new empty folder that will become ``target``.

        An existing ``target`` is replaced only when it holds nothing but files with the
        suffixes in ``replaceable`` (an earlier export), never an unrelated folder.
        """
        _check_parent(target)
        if target.exists():
            if not target.is_dir():
                raise ExportError(f"{target}: exists and is not a folder")
            foreign = [
                p for p in target.iterdir() if not p.is_file() or p.suffix not in replaceable
            ]
            if foreign:
                raise ExportError(
                    f"{target}: exists and holds other things than an earlier export"
                    f" ({foreign[0].name}); choose a new folder"
                )
        temporary = _temporary_name(target)
        temporary.mkdir()
        self._folders.append((temporary, target))
        return temporary

    def commit(self) -> None:
        for _, _, stream in self._files:
            stream.flush()
            os.fsync(stream.fileno())
            stream.close()
        for temporary, target, _ in self._files:
            os.replace(temporary, target)
        for temporary, target in self._folders:
            self._replace_folder(temporary, target)
        self._files.clear()
        self._folders.clear()

    @staticmethod
    def _replace_folder(temporary: Path, target: Path) -> None:
        if not target.exists():
            temporary.rename(target)
            return
        old = _temporary_name(target)
        target.rename(old)
        temporary.rename(target)
        shutil.rmtree(old)

    def discard(self) -> None:
        for temporary, _, stream in self._files:
            # Closing flushes the buffer, which fails again when the disk is full.
            with contextlib.suppress(OSError):
                stream.close()
            temporary.unlink(missing_ok=True)
        for temporary, _ in self._folders:
            shutil.rmtree(temporary, ignore_errors=True)
        self._files.clear()
        self._folders.clear()
