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
from typing import Generic, TypeVar

from platformdirs import user_cache_path

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
    """Results by key, in one folder; a missing, unreadable or foreign entry is a miss."""

    def __init__(self, folder: Path, context: bytes, secret: bytes) -> None:
        self.folder = folder
        self.secret = secret
        self.context = hashlib.blake2b(code_fingerprint() + context, digest_size=16).digest()
        self.hits = 0

    def key(self, name: str, data: bytes) -> str:
        digest = hashlib.blake2b(self.context, digest_size=20)
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def get(self, key: str) -> T | None:
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
        self.hits += 1
        return found

    def put(self, key: str, value: T) -> None:
        """Keep a result; a folder that cannot be written only means no cache."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(handle, "wb") as out:
                out.write(self._sign(key, payload) + payload)
            os.replace(temporary, path)
        except OSError:
            return

    def _sign(self, key: str, payload: bytes) -> bytes:
        return hmac.new(self.secret, key.encode() + payload, hashlib.sha256).digest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key[2:]
