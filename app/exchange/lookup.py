"""Finding an archived package by its hash, or by a unique beginning of it.

People copy hashes from a screen or a receipt; the first few characters are enough
when no other package in view begins with them (:data:`MIN_HASH_PREFIX` at least).
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import N_, InputError, NotFoundError
from db import models

#: The shortest hash prefix accepted in place of a whole package hash.
MIN_HASH_PREFIX = 8

_HEX = re.compile(r"[0-9a-f]+")


def find_package(
    session: Session, text: str, *, unit_id: str | None = None, kind: str | None = None
) -> models.Package:
    """The archived package whose hash is ``text`` or begins with it, among ``unit_id``'s
    packages and of ``kind`` when given. :class:`InputError` when ``text`` is not (the
    beginning of) a hash or fits several packages; :class:`NotFoundError` when none."""
    prefix = text.strip().lower()
    if not MIN_HASH_PREFIX <= len(prefix) <= 64 or not _HEX.fullmatch(prefix):
        raise InputError(
            N_("A package hash has at least {count} hexadecimal characters (0-9, a-f): {hash}"),
            params={"count": MIN_HASH_PREFIX, "hash": text},
        )
    query = select(models.Package.hash).where(models.Package.hash.startswith(prefix))
    if unit_id is not None:
        query = query.where(models.Package.unit_id == unit_id)
    if kind is not None:
        query = query.where(models.Package.kind == kind)
    found = list(session.scalars(query.limit(2)))
    if not found:
        raise NotFoundError(N_("No package {hash} in the archive."), params={"hash": text})
    if len(found) > 1:
        raise InputError(
            N_("Several packages have a hash beginning with {hash}: give more of it."),
            params={"hash": text},
        )
    package = session.get(models.Package, found[0])
    assert package is not None
    return package


__all__ = ["MIN_HASH_PREFIX", "find_package"]
