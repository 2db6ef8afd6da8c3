"""Incremental builds into a store: only new or changed input files are analysed again.

The store remembers each input file's content digest and the documents it gave
(``GraphStore.files``). A build hashes every input file; a file whose digest is unchanged is not
read further, its documents stay as stored. A changed file's documents replace its old ones (and a
document it no longer gives is removed); ``prune`` removes the documents of files that are no longer
among the inputs. The exported files are then written from the whole store, so they equal those of a
build from scratch over the same files (tests/test_incremental.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from kg.load import printable
from kg.pipeline import BuildResult, build
from kg.store import FileRecord, GraphStore, put_spool


@dataclass
class StoreUpdate:
    """What an incremental build did to the store."""

    analysed: int  # input files read and analysed
    unchanged: int  # input files skipped: same content as when last built
    written: list[str]  # documents whose named graph was written (new or changed)
    removed: list[str]  # documents removed: dropped by a changed file, or pruned


def file_digest(path: Path) -> str | None:
    """sha256 of a file's bytes; None when it cannot be read (the build then says why)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _key(path: Path | str) -> str:
    """The input file's absolute path as the store remembers it (printable: files.json is UTF-8)."""
    return printable(str(Path(path).resolve()))


def build_into_store(inputs: list[Path], store: GraphStore, *, workers: int = 1, prune: bool = False,
                     progress: bool = True) -> tuple[BuildResult, StoreUpdate]:
    """Analyse the new and changed files under ``inputs`` into ``store``; the result's spool holds the
    whole store (every document), ready for export."""
    known = store.files
    digests: dict[str, str | None] = {}

    def unchanged(path: Path) -> bool:
        key = _key(path)
        digests[key] = file_digest(path)
        record = known.get(key)
        return (record is not None and record.digest == digests[key]
                and all(doc in store.records for doc in record.documents))

    result = build(inputs, progress=progress, workers=workers, unchanged=unchanged)
    written = put_spool(store, result.quads)
    files = dict(known)
    removed: list[str] = []
    for path, documents in result.documents_of.items():
        key = _key(path)
        before = known.get(key)
        if before is not None:
            removed += store.remove_documents(set(before.documents) - set(documents))
        if path in result.troubled or digests.get(key) is None:
            files.pop(key, None)  # analysed again next time, so its problem is reported again
        else:
            files[key] = FileRecord(digests[key], tuple(documents))
    if prune:
        current = {_key(p) for p in result.unchanged} | {_key(p) for p in result.documents_of}
        kept = {doc for key in current if key in files for doc in files[key].documents}
        kept |= {doc for docs in result.documents_of.values() for doc in docs}
        removed += store.remove_documents(set(store.records) - kept)
        files = {key: record for key, record in files.items() if key in current}
    store.save_files(files)
    result.quads.close()
    result.quads = store.spool()
    result.documents = len(store.records)
    result.retally()
    return result, StoreUpdate(len(result.documents_of), len(result.unchanged), written, sorted(removed))


__all__ = ["StoreUpdate", "build_into_store", "file_digest"]
