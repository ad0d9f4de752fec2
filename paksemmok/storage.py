"""Private file storage that never leaves half a file, and one error for a storage in trouble.

Django's FileSystemStorage writes straight to the final name: a full disk leaves a fragment
(with the process umask's mode, since the chmod comes after the write) that a later read
would serve as the resident's document. Here every file is written to a hidden temporary name
in the same directory (created 0600 by mkstemp), flushed to disk, and only then linked to its
final name; on any failure the temporary file is removed. S3-compatible stores are already
atomic per object, so they only need the error translation (`storage_errors`).
"""

from __future__ import annotations

import errno
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from django.core.files.storage import FileSystemStorage
from django.utils._os import safe_makedirs
from django.utils.translation import gettext as _

logger = logging.getLogger("paksemmok.storage")

# Temporary names start with a dot and end with this, so the orphan sweep can tell them apart.
TEMP_PREFIX = ".tmp-"
TEMP_SUFFIX = ".part"
FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class StorageUnavailable(Exception):
    """The file store cannot take or give files right now (full disk, bucket unreachable).

    `code` is the API's error code; the message is for the resident, in Indonesian."""

    status_code = 503
    retry_after = 60

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    @classmethod
    def full(cls) -> StorageUnavailable:
        return cls(
            "storage_full",
            _(
                "Berkas Anda belum tersimpan: ruang penyimpanan server sedang penuh. "
                "Petugas sedang menanganinya; silakan coba lagi nanti."
            ),
        )

    @classmethod
    def unreachable(cls) -> StorageUnavailable:
        return cls(
            "storage_unavailable",
            _(
                "Berkas Anda belum tersimpan: penyimpanan berkas server sedang tidak dapat "
                "dihubungi. Silakan coba lagi beberapa menit lagi."
            ),
        )


def _is_storage_failure(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return True
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover - boto3 is a dependency
        return False
    return isinstance(exc, BotoCoreError | ClientError)


@contextmanager
def storage_errors() -> Iterator[None]:
    """Turns the storage's own failures into StorageUnavailable (logged once, here)."""
    try:
        yield
    except StorageUnavailable:
        raise
    except Exception as exc:
        if not _is_storage_failure(exc):
            raise
        logger.error("file storage failed: %s: %s", type(exc).__name__, exc)
        if isinstance(exc, OSError) and exc.errno in FULL_ERRNOS:
            raise StorageUnavailable.full() from exc
        raise StorageUnavailable.unreachable() from exc


def _write_chunk(handle: Any, chunk: bytes | str) -> None:
    # One place where bytes reach the disk: the fault-injection tests replace it.
    handle.write(chunk.encode() if isinstance(chunk, str) else chunk)


class PrivateFileSystemStorage(FileSystemStorage):
    """Local private files: written whole or not at all, 0600 in 0700 directories."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**kwargs)

    def _save(self, name: str, content: Any) -> str:
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        # safe_makedirs gives the mode to every level it creates, not only the last.
        safe_makedirs(directory, self.directory_permissions_mode, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
        try:
            with os.fdopen(fd, "wb") as handle:
                if hasattr(content, "seek"):
                    with suppress(Exception):
                        content.seek(0)
                for chunk in content.chunks():
                    _write_chunk(handle, chunk)
                handle.flush()
                # The link below must never publish a file whose bytes are still only in
                # the page cache: a power cut would leave a named but empty document.
                os.fsync(handle.fileno())
            os.chmod(temporary, self.file_permissions_mode)
            while True:
                try:
                    # link() refuses an existing name (unlike rename), so two uploads that
                    # drew the same random name cannot overwrite each other.
                    os.link(temporary, full_path)
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            with suppress(FileNotFoundError):
                os.unlink(temporary)
        self._ensure_location_group_id(full_path)
        return os.path.relpath(full_path, self.location).replace("\\", "/")
