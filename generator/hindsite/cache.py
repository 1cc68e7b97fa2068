"""Each file's check result, kept by content hash so that an unchanged file is not read,
validated and counted again.

A result is found by a hash of the file's bytes and path together with everything else it
depends on: the catalog's bytes, the settings and hindsite's own code. Any change to one of
them finds nothing and checks again, so a result from the cache is the result a fresh check
would give. Results live in `.hindsite-cache/` beside mkdocs.yml, one file each, written
whole or not at all; the folder may be deleted at any time. `HINDSITE_CACHE` names another
folder, or `off` to check everything afresh.

Entries are Python pickles, which run code when read, and the folder sits in a repository
that a pull request could add files to. So each entry is signed with a key that never
leaves this machine's user cache (outside the repository), and an entry whose signature does
not match is never unpickled: a fresh clone, as in CI, takes nothing from a committed cache.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
import tempfile
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

from platformdirs import user_cache_path

from hindsite import pickling

T = TypeVar("T")
FOLDER = ".hindsite-cache"
FORMAT = b"hindsite check cache 1"
SIGNATURE = 32


def cache_folder(base: Path) -> Path | None:
    """Where results are kept for a project whose mkdocs.yml is in `base`; None when off."""
    wanted = os.environ.get("HINDSITE_CACHE", "")
    if wanted.lower() in ("off", "0", "no", "false"):
        return None
    return Path(wanted) if wanted else base / FOLDER


@cache
def code_fingerprint() -> bytes:
    """A hash of hindsite's own code, schemas and templates: a result made by other code is
    never taken for this code's."""
    digest = hashlib.blake2b(FORMAT, digest_size=16)
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json", ".html", ".txt", ".md", ".yml") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.digest()


@cache
def signing_key() -> bytes | None:
    """This user's secret for signing entries, made on first use; None if it cannot be kept
    (then nothing is cached)."""
    path = Path(os.environ.get("HINDSITE_CACHE_KEY") or user_cache_path("hindsite") / "key")
    try:
        return _read_key(path)
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "wb") as out:
            out.write(secrets.token_bytes(32))
        return _read_key(path)
    except OSError:
        try:
            return _read_key(path)  # another process made it first
        except OSError:
            return None


def _read_key(path: Path) -> bytes:
    key = path.read_bytes()
    if len(key) != 32:
        raise OSError(f"{path} is not a key")
    return key


class ResultCache(Generic[T]):
    """Results by key, in one folder and, given `memory`, in this process too; a missing,
    unreadable or foreign entry is a miss.

    `memory` is held by a caller that checks again and again in one process (`mkdocs serve`):
    its results are taken as they are, with no file read or unpickled, and after each check
    `forget_unused` leaves it only that check's results, so it does not grow from one check
    to the next."""

    def __init__(self, folder: Path | None, context: bytes, secret: bytes | None,
                 memory: dict[str, T] | None = None) -> None:
        self.folder = folder if secret is not None else None
        self.secret = secret or b""
        self.context = hashlib.blake2b(code_fingerprint() + context, digest_size=16).digest()
        self.memory = memory
        self.used: set[str] = set()
        self.hits = 0

    def key(self, name: str, data: bytes) -> str:
        digest = hashlib.blake2b(self.context, digest_size=20)
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def get(self, key: str) -> T | None:
        if self.memory is not None and key in self.memory:
            self.used.add(key)
            self.hits += 1
            return self.memory[key]
        found = self._read(key)
        if found is not None:
            self.hits += 1
            if self.memory is not None:
                self.memory[key] = found
                self.used.add(key)
        return found

    def alongside(self) -> ResultCache[Any]:
        """A cache in the same folder for the same catalog, settings and code, holding values
        of another kind (under keys of their own), never in memory."""
        other: ResultCache[Any] = ResultCache(self.folder, b"", self.secret or None)
        other.context = self.context
        return other

    def forget_unused(self) -> None:
        """Drop from memory every result the check just made did not use."""
        if self.memory is not None:
            for key in self.memory.keys() - self.used:
                del self.memory[key]
        self.used = set()

    def _read(self, key: str) -> T | None:
        if self.folder is None:
            return None
        try:
            data = self._path(key).read_bytes()
        except OSError:
            return None
        signature, payload = data[:SIGNATURE], data[SIGNATURE:]
        if not hmac.compare_digest(signature, self._sign(key, payload)):
            return None
        try:
            found: T = pickle.loads(payload)
        except Exception:  # noqa: BLE001 - whatever is wrong with an entry, check afresh
            return None
        return found

    def put(self, key: str, value: T, payload: bytes | None = None) -> None:
        """Keep a result; a folder that cannot be written only means no cache. `payload` is
        the value already pickled by `pickling.dumps`, as a worker process sends it."""
        if self.memory is not None:
            self.memory[key] = value
            self.used.add(key)
        if self.folder is None:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            if payload is None:
                payload = pickling.dumps(value)
            with os.fdopen(handle, "wb") as out:
                out.write(self._sign(key, payload) + payload)
            os.replace(temporary, path)
        except OSError:
            return

    def _sign(self, key: str, payload: bytes) -> bytes:
        return hmac.new(self.secret, key.encode() + payload, hashlib.sha256).digest()

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / key[2:]
