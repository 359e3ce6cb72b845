"""Joining the PDF pieces of a batch into one file, page after page, without reading
their pages: each piece's objects are copied as they are, renumbered.

The pieces are the ones this program's workers just wrote with reportlab: a cross
reference table, objects written in order, one flat page tree. Only the object
numbers in their dictionaries change (streams are copied byte for byte); each
piece keeps its own fonts. A piece of another shape is :class:`UnexpectedPdf`
(:mod:`app.printing.batch_pool` then joins with pypdf). pypdf's join, which reads
and rewrites every object, cost ~1.5 ms a page, on one core at the end of a batch.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from app.core.text import nfc


class UnexpectedPdf(ValueError):
    """A piece is not shaped as reportlab writes them."""


_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>", re.DOTALL)
_REFERENCE = re.compile(rb"(?<![\w.])(\d+) 0 R(?!\w)")
_HEADER = re.compile(rb"(\d+) 0 obj\b")


def _ref(data: bytes, key: bytes) -> int:
    found = re.search(rb"/" + key + rb" (\d+) 0 R", data)
    if found is None:
        raise UnexpectedPdf(f"no /{key.decode()}")
    return int(found.group(1))


class _Piece:
    """One piece's objects (number → bytes from ``N 0 obj`` to ``endobj``) and pages."""

    def __init__(self, data: bytes) -> None:
        tail = _STARTXREF.search(data[-64:])
        if tail is None:
            raise UnexpectedPdf("no startxref")
        xref = int(tail.group(1))
        lines = data[xref : xref + 64].split(b"\n", 2)
        if lines[0].strip() != b"xref" or len(lines) < 3:
            raise UnexpectedPdf("no cross-reference table")
        first, count = (int(n) for n in lines[1].split())
        if first != 0:
            raise UnexpectedPdf("cross-reference table in sections")
        table = data[xref + len(lines[0]) + len(lines[1]) + 2 :]
        entries = [table[20 * i : 20 * i + 20] for i in range(count)]
        offsets = sorted(
            (int(entry[:10]), number)
            for number, entry in enumerate(entries)
            if entry[17:18] == b"n"
        )
        trailer = _TRAILER.search(data, xref)
        if trailer is None:
            raise UnexpectedPdf("no trailer")
        self.objects: dict[int, bytes] = {}
        for (start, number), (end, _next) in zip(offsets, [*offsets[1:], (xref, 0)], strict=True):
            body = data[start:end]
            header = _HEADER.match(body)
            if header is None or int(header.group(1)) != number:
                raise UnexpectedPdf(f"object {number} not where the table says")
            self.objects[number] = body
        self.root = _ref(trailer.group(1), b"Root")
        self.info = _ref(trailer.group(1), b"Info")
        self.tree = _ref(self._dictionary(self.root), b"Pages")
        tree = self._dictionary(self.tree)
        kids = re.search(rb"/Kids \[([^\]]*)\]", tree)
        if kids is None:
            raise UnexpectedPdf("no page list")
        self.pages = [int(n) for n in _REFERENCE.findall(kids.group(1))]
        for page in self.pages:
            if not re.search(rb"/Type /Page\b(?!s)", self._dictionary(page)):
                raise UnexpectedPdf("a page tree of several levels")

    def _dictionary(self, number: int) -> bytes:
        try:
            body = self.objects[number]
        except KeyError:
            raise UnexpectedPdf(f"object {number} missing") from None
        return body.split(b"stream\n", 1)[0]


def _renumbered(body: bytes, numbers: dict[int, int]) -> bytes:
    """An object with its own number and those it refers to changed (not in its stream)."""
    head, marker, stream = body.partition(b"stream\n")

    def new(match: re.Match[bytes]) -> bytes:
        return b"%d 0 R" % numbers[int(match.group(1))]

    header = _HEADER.match(head)
    assert header is not None
    head = b"%d 0 obj" % numbers[int(header.group(1))] + _REFERENCE.sub(new, head[header.end() :])
    return head + marker + stream


def _text(value: str) -> bytes:
    """A PDF text string (UTF-16, as hex)."""
    return b"<FEFF" + nfc(value).encode("utf-16-be").hex().upper().encode() + b">"


def join_pieces(pieces: Sequence[Path], out: BinaryIO, *, title: str, author: str) -> None:
    """The pages of ``pieces``, in order, as one PDF written to ``out``."""
    written: list[int] = []
    kids: list[int] = []
    pages_number = 1
    position = 0

    def put(chunk: bytes) -> None:
        nonlocal position
        out.write(chunk)
        position += len(chunk)

    put(b"%PDF-1.4\n%\x93\x8c\x8b\x9e\n")
    next_number = 2  # 1 is the page tree, written last
    for path in pieces:
        piece = _Piece(path.read_bytes())
        dropped = {piece.root, piece.info, piece.tree}
        numbers = {piece.tree: pages_number}
        for number in sorted(piece.objects):
            if number not in dropped:
                numbers[number] = next_number
                next_number += 1
        for number in sorted(piece.objects):
            if number in dropped:
                continue
            written.append(position)
            try:
                put(_renumbered(piece.objects[number], numbers))
            except KeyError as missing:
                raise UnexpectedPdf(f"reference to a missing object {missing}") from None
            if not piece.objects[number].endswith(b"\n"):
                put(b"\n")
        kids += [numbers[page] for page in piece.pages]
    tree_offset = position
    put(b"1 0 obj\n<< /Count %d /Kids [ " % len(kids))
    put(b" ".join(b"%d 0 R" % kid for kid in kids))
    put(b" ] /Type /Pages >>\nendobj\n")
    catalog, info = next_number, next_number + 1
    offsets = [tree_offset, *written]
    offsets.append(position)
    put(b"%d 0 obj\n<< /PageMode /UseNone /Pages 1 0 R /Type /Catalog >>\nendobj\n" % catalog)
    offsets.append(position)
    put(
        b"%d 0 obj\n<< /Author %s /Creator %s /Producer (Thi Dua) /Title %s >>\nendobj\n"
        % (info, _text(author), _text("Thi Đua"), _text(title))
    )
    xref = position
    put(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
    put(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    put(
        b"trailer\n<< /Info %d 0 R /Root %d 0 R /Size %d >>\nstartxref\n%d\n%%%%EOF\n"
        % (info, catalog, len(offsets) + 1, xref)
    )
