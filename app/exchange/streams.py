"""A stream's life at the federation, decided from the set of its packages.

A stream is one unit's statement for one plan and period (registration,
6-month, year). Its packages arrive in any order, on many USB sticks, over
several import runs. What the federation makes of them must not depend on
that order, so the state of a stream is a pure function of:

* every package of the stream the federation holds (except those staff
  discarded), with its key epoch, revision and the hash it says it replaces;
* the staff's decisions: packages kept in a conflict (``forced``) and
  packages returned to the unit for correction (``returned``).

:func:`settle` replays those packages sorted by (epoch, revision, hash):

=====================================  ===========================================
first package(s) of the stream         the head (of several of one revision: the
                                       one the unit went on from, else the
                                       earliest made, else the lowest hash)
higher revision naming the head        the new head; the old one is superseded
higher revision naming a *returned*    a correction: the new head, and every
package of the stream                  conflict below it is answered and closed
higher revision naming anything else   quarantined: two exports of the unit
same revision as the winner            quarantined: same revision, other content
signed by a key the unit replaced      quarantined: dead-PC recovery
lower than the head                    superseded (kept in the archive), and a
                                       dispute below the head closes
kept by staff in a conflict            the new head of its revision (the other
                                       versions of that revision are superseded)
=====================================  ===========================================

Statements staff entered on the unit's behalf (from its paper form or its Excel
file, :mod:`app.exchange.entries`) are entries of their own chain (``staff``,
epoch 0): the unit's signed packages are replayed first and alone, and when
they give the stream a head every staff entry is superseded — the unit's own
report takes over whatever its revision, even an r1 naming nothing, and never
conflicts with an entry. Only while no signed package heads the stream are the
staff entries replayed (each correction names the entry before it).

Because the replay starts from scratch each time, a file that arrives late
(the r1 after its r2, the missing r2 between r1 and r3) settles the stream
exactly as if every file had come in one run, in order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby

#: Revisions may skip (a unit exports several times before one arrives), but
#: a jump this large would freeze the stream against every honest export.
MAX_REVISION_JUMP = 10_000

APPLIED = "applied"
SUPERSEDED = "superseded"
QUARANTINED = "quarantined"

#: Why a package is quarantined (the ``conflict.reason`` column).
SAME_REVISION = "same_revision"
BROKEN_CHAIN = "broken_chain"
RETIRED_KEY = "retired_key"

#: How a conflict closed without staff (the ``conflict.resolution`` column).
CORRECTED = "corrected"  # the unit answered a return with a later revision
SETTLED = "settled"  # a package that arrived since explains it (the missing link)


@dataclass(frozen=True)
class Entry:
    """One package of a stream, as the replay sees it."""

    hash: str
    epoch: int
    revision: int
    supersedes: str | None
    #: Signed by a key the unit replaced (held for staff unless kept).
    retired: bool = False
    #: Staff kept this version in a conflict.
    forced: bool = False
    #: Not in the archive yet (the revision jump check applies to it only).
    new: bool = False
    #: In the archive, quarantined (its conflict waits for staff).
    held: bool = False
    #: When the unit made it, in UTC (:func:`utc_created`): of two versions of
    #: one revision the earlier export stays, the later waits for staff.
    created: str = ""
    #: A statement staff entered on the unit's behalf, not signed by the unit.
    staff: bool = False

    @property
    def order(self) -> tuple[int, int]:
        return (self.epoch, self.revision)


@dataclass
class Settled:
    """The stream after the replay."""

    head: Entry | None = None
    #: Every entry's archive status: applied (the head), superseded or quarantined.
    status: dict[str, str] = field(default_factory=dict)
    #: Per quarantined entry: (reason, the head it was weighed against).
    conflicts: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    #: Entries a correction answered (their conflicts close as ``corrected``).
    answered: set[str] = field(default_factory=set)
    #: New entries refused because their revision jumps too far ahead.
    too_far: set[str] = field(default_factory=set)


def settle(entries: Iterable[Entry], returned: Iterable[str] = ()) -> Settled:
    """Replay a stream's packages; see the module docstring."""
    entries = list(entries)
    staff = [e for e in entries if e.staff]
    result = _settle_signed([e for e in entries if not e.staff], returned)
    if not staff:
        return result
    if result.head is not None:
        # The unit's own report takes over every statement staff entered.
        result.status.update((e.hash, SUPERSEDED) for e in staff)
        return result
    entered = _replay(staff, frozenset())
    result.status.update(entered.status)
    result.conflicts.update(entered.conflicts)
    result.head = entered.head
    return result


def _settle_signed(entries: list[Entry], returned: Iterable[str]) -> Settled:
    first = _replay(entries, frozenset(returned))
    if not first.too_far:
        return first
    # A package refused for its jump is not kept: it must not weigh on the others
    # (as the version some sibling was "continued" by), now or when it is gone.
    kept = [e for e in entries if e.hash not in first.too_far]
    again = _replay(kept, frozenset(returned))
    again.too_far = first.too_far | again.too_far
    return again


def _replay(entries: list[Entry], returned: frozenset[str]) -> Settled:
    result = Settled()
    head: Entry | None = None
    ordered = sorted(entries, key=lambda e: (e.epoch, e.revision, e.hash))
    #: Entries some other entry names as the one it replaces: a version the
    #: unit went on from wins its revision over a sibling nobody continued. A
    #: retired key's package does not count (staff may discard it: the head
    #: must not change when they do).
    named = frozenset(e.supersedes for e in ordered if e.supersedes and not e.retired)
    for _order, members in groupby(ordered, key=lambda e: e.order):
        group = list(members)
        kept: list[Entry] = []
        for entry in group:
            if entry.new and _jumps(entry, head):
                result.too_far.add(entry.hash)
            else:
                kept.append(entry)
        if not kept:
            continue
        winner = _winner(kept, head, returned, named)
        if winner is not None:
            if head is not None:
                result.status[head.hash] = SUPERSEDED
            if winner.supersedes is not None and winner.supersedes in returned:
                # A correction answers the return: every dispute below it is moot.
                result.answered.add(winner.supersedes)
                for other in list(result.conflicts):
                    result.status[other] = SUPERSEDED
                    result.answered.add(other)
                    del result.conflicts[other]
        against = winner or head
        for entry in kept:
            if entry is winner:
                continue
            if winner is not None and winner.forced and not (entry.new or entry.held):
                # Staff chose between them; a version they have not seen (new, or
                # held in its own conflict) waits for them.
                result.status[entry.hash] = SUPERSEDED
                continue
            if entry.retired and not entry.forced:
                reason = RETIRED_KEY
            elif winner is None or not _links(entry, head, returned):
                reason = BROKEN_CHAIN
            else:
                reason = SAME_REVISION
            result.status[entry.hash] = QUARANTINED
            result.conflicts[entry.hash] = (reason, against.hash if against else None)
        if winner is None:
            continue
        result.status[winner.hash] = APPLIED
        head = winner
    if head is not None:
        # A dispute below the head is over: the unit has gone on from it. (A
        # retired key's package stays for staff: that is about trust, not order.)
        by_hash = {e.hash: e for e in ordered}
        for other in [
            h
            for h, (reason, _against) in result.conflicts.items()
            if by_hash[h].order < head.order and reason != RETIRED_KEY
        ]:
            result.status[other] = SUPERSEDED
            del result.conflicts[other]
    result.head = head
    return result


def _jumps(entry: Entry, head: Entry | None) -> bool:
    if head is None:
        return entry.revision > MAX_REVISION_JUMP
    return entry.epoch == head.epoch and entry.revision > head.revision + MAX_REVISION_JUMP


def _links(entry: Entry, head: Entry | None, returned: frozenset[str]) -> bool:
    """Whether ``entry`` may follow ``head``: it names it, answers a return, or staff kept it."""
    if entry.forced or head is None:
        return True
    return entry.supersedes == head.hash or (
        entry.supersedes is not None and entry.supersedes in returned
    )


def _winner(
    group: list[Entry], head: Entry | None, returned: frozenset[str], named: frozenset[str]
) -> Entry | None:
    """The entry of one (epoch, revision) that becomes the head, if any may."""
    eligible = [e for e in group if (not e.retired or e.forced) and _links(e, head, returned)]
    if not eligible:
        return None
    # Staff's choice first, then a version that names the head, then one the
    # unit went on from, then the earliest export, then the lowest hash.
    return min(
        eligible,
        key=lambda e: (
            not e.forced,
            head is not None and e.supersedes != head.hash,
            e.hash not in named,
            e.created or "~",
            e.hash,
        ),
    )


def utc_created(text: str) -> str:
    """A package's creation time as a comparable UTC text ("" if unreadable)."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


__all__ = [
    "APPLIED",
    "BROKEN_CHAIN",
    "CORRECTED",
    "MAX_REVISION_JUMP",
    "QUARANTINED",
    "RETIRED_KEY",
    "SAME_REVISION",
    "SETTLED",
    "SUPERSEDED",
    "Entry",
    "Settled",
    "settle",
    "utc_created",
]
