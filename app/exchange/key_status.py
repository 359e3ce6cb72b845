"""Where a unit's signing key stands with the federation (the ``signing_key.status`` codes).

Its own small module: the key list, the enrolment screen and the merge all
read it, and none of them needs the others to.
"""

from __future__ import annotations

from enum import StrEnum


class KeyStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    REVOKED = "revoked"
    RETIRED = "retired"  # replaced by a newer key (rotation or recovery)


__all__ = ["KeyStatus"]
