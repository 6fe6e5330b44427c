"""A disk cache for things slow to build from files, keyed by the content of those files.

`cached(name, sources=..., code=..., build=...)` returns what `build()` returns, from a pickle
in the cache directory when one exists for exactly these inputs: the key is a hash of every
source file's bytes, of the code that builds the value (its module files), of the Python version
and of the library versions given. Change one byte of any of them and the value is rebuilt; nothing is
ever invalidated by hand. The cache is only an accelerator: any problem with it (unreadable,
corrupt, full disk, a directory others could write to) is logged and the value is built as if
there were no cache. Files are written atomically (temporary file, then rename), so two
processes starting together never read half a file.

A value may refer to big objects kept by another cache entry (the engine refers to the word
lists): given as `external={"name": object}`, they are stored by name, not copied, and the
caller's objects of the same names are put back in their place when the value is read.

Pickle runs code when loading, so the directory must be the process owner's and writable by no
one else; it is created with mode 0700 and checked before every read.
"""
from __future__ import annotations

import hashlib
import io
import logging
import marshal
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")
FORMAT = b"biovaliance-cache-1"


def cache_key(sources: Iterable[Path], code: Iterable[Path] = (), versions: Iterable[str] = ()) -> str:
    """Hash of the inputs: file names and bytes, code, Python and library versions."""
    digest = hashlib.sha256(FORMAT)
    digest.update(sys.version.encode())
    for version in versions:
        digest.update(f"\0version {version}".encode())
    for kind, paths in (("src", sources), ("code", code)):
        for path in sorted(Path(p) for p in paths):
            digest.update(f"\0{kind} {path.name} ".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _private_dir(directory: Path) -> bool:
    """Create `directory` (0700) if needed; True only if it is ours and writable by nobody else."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = directory.stat()
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def cached(name: str, *, sources: Iterable[Path], build: Callable[[], T], cache_dir: Path | None,
           code: Iterable[Path] = (), versions: Iterable[str] = (), fast: bool = False,
           external: Mapping[str, object] | None = None) -> T:
    """`build()`, or its value from the cache for exactly these sources, code and library versions.

    `fast`: the value is made of built-in types only (dicts, lists, strings, numbers), stored with
    marshal, about twice as quick to read back as pickle.
    `external`: objects the value refers to, stored by name only (pickle only): reading the value
    back puts these objects in their place. They are not part of the key: pass objects the build
    does not depend on beyond holding them, or make their content part of `sources`.
    """
    external = dict(external or {})
    codec = marshal if fast and not external else pickle
    if cache_dir is None:
        return build()
    try:
        key = cache_key(sources, code, versions)
        directory = Path(cache_dir)
        usable = _private_dir(directory)
    except OSError as exc:
        logger.warning("cache for %s unusable (%s): building it", name, exc)
        return build()
    if not usable:
        logger.warning("cache directory %s is writable by others: not used", cache_dir)
        return build()
    path = directory / f"{name}-{key[:40]}.{codec.__name__}"
    try:
        # Read whole, then decoded from memory: marshal.load on a file calls its readinto() once
        # per object (seven times slower for the word lists).
        stored = path.read_bytes()
        if external:
            return _Unpickler(io.BytesIO(stored), external).load()  # type: ignore[no-any-return]
        return codec.loads(stored)  # type: ignore[no-any-return]
    except FileNotFoundError:
        pass
    except Exception as exc:  # noqa: BLE001 - a bad cache file must never stop the bot
        logger.warning("cache file %s unreadable (%s): rebuilding it", path.name, type(exc).__name__)
    value = build()
    _store(directory, name, path, value, codec, external)
    return value


class _Pickler(pickle.Pickler):
    """Writes the `external` objects as their names (pickle's persistent ids)."""

    def __init__(self, file: Any, external: Mapping[str, object]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._names = {id(obj): name for name, obj in external.items()}

    def persistent_id(self, obj: object) -> str | None:
        return self._names.get(id(obj))


class _Unpickler(pickle.Unpickler):
    """Puts the caller's `external` objects back where their names were written."""

    def __init__(self, file: Any, external: Mapping[str, object]) -> None:
        super().__init__(file)
        self._external = external

    def persistent_load(self, name: str) -> object:
        if name not in self._external:
            raise pickle.UnpicklingError(f"no external object {name!r}")
        return self._external[name]


def _store(directory: Path, name: str, path: Path, value: object, codec: Any,
           external: Mapping[str, object]) -> None:
    """Write atomically, then remove this name's files for other keys (stale versions)."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}-", dir=directory)
        try:
            with os.fdopen(fd, "wb") as out:
                if external:
                    _Pickler(out, external).dump(value)
                elif codec is pickle:
                    pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
                else:
                    codec.dump(value, out)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for old in directory.glob(f"{name}-*.*"):
            if old != path:
                old.unlink(missing_ok=True)
    except Exception as exc:  # noqa: BLE001 - the value is built; failing to keep it is not an error
        logger.warning("could not write the cache for %s (%s)", name, type(exc).__name__)
