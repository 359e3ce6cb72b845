"""A QR code drawn as one filled path: the verification box and the key card.

reportlab's encoder is used for what a code holds (its data segments, the version
that fits them, its block table, the generator polynomials) and, once per version,
for the code's fixed patterns. What is done for every code is done here: the bits
gathered in one integer, the Reed–Solomon error correction by long division in one
list, and the data laid on the version's template by flipping the modules of its
set bits. reportlab builds the same matrix with a bit list, a recursive division
that makes a new list per byte and a generator walk over every module (about a
third of a form's time); tests/unit/printing compare every module with reportlab's
own matrix.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from itertools import chain, zip_longest
from typing import Any

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.rl_accel import fp_str
from reportlab.platypus import Flowable

#: Error correction level M (15%).
LEVEL = qrencoder.QRErrorCorrectLevel.M
#: The mask every code uses (any mask is valid for a reader).
MASK = 0

Matrix = list[list[bool]]


class _Bits:
    """The bits of a code's data in one integer; its ``put`` is what reportlab's data
    segments write themselves with."""

    __slots__ = ("length", "value")

    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def put(self, number: int, length: int) -> None:
        self.value = (self.value << length) | (number & ((1 << length) - 1))
        self.length += length

    def to_bytes(self) -> list[int]:
        size = -(-self.length // 8)
        return list((self.value << (size * 8 - self.length)).to_bytes(size, "big"))


@cache
def _generator(count: int) -> tuple[int, tuple[tuple[int, int], ...]]:
    """The generator polynomial of ``count`` correction bytes: the logarithm of its
    leading coefficient, and (place, logarithm) of its other non-zero ones."""
    coefficients: list[int] = qrencoder.QRUtil.getErrorCorrectPolynomial(count).num
    log = qrencoder.LOG_TABLE
    terms = tuple((j, log[c]) for j, c in enumerate(coefficients) if c and j)
    return log[coefficients[0]], terms


def _correction(data: list[int], count: int) -> list[int]:
    """The ``count`` Reed–Solomon bytes of a block: the remainder of ``data`` × x^count
    divided by the generator over GF(256)."""
    exp, log = qrencoder.EXP_TABLE, qrencoder.LOG_TABLE
    lead, terms = _generator(count)
    remainder = [*data, *([0] * count)]
    for i in range(len(data)):
        coefficient = remainder[i]
        if coefficient:
            ratio = log[coefficient] - lead
            for j, term in terms:
                remainder[i + j] ^= exp[(term + ratio) % 255]
    return remainder[len(data) :]


def codewords(version: int, segments: list[Any]) -> list[int]:
    """The code's bytes in their final order: the data (ended, padded) and its error
    correction, block by block interleaved."""
    blocks = qrencoder.QRRSBlock.getRSBlocks(version, LEVEL)
    capacity = sum(block.dataCount for block in blocks) * 8
    bits = _Bits()
    for segment in segments:
        segment.write(bits, version)
    if bits.length > capacity:
        raise ValueError(f"QR data too long: {bits.length} > {capacity} bits")
    if bits.length + 4 <= capacity:
        bits.put(0, 4)
    bits.put(0, -bits.length % 8)
    for index in range((capacity - bits.length) // 8):
        bits.put(0xEC if index % 2 == 0 else 0x11, 8)
    data = bits.to_bytes()
    offset = 0
    data_blocks: list[list[int]] = []
    correction_blocks: list[list[int]] = []
    for block in blocks:
        part = data[offset : offset + block.dataCount]
        offset += block.dataCount
        data_blocks.append(part)
        correction_blocks.append(_correction(part, block.totalCount - block.dataCount))
    return [
        byte
        for column in chain(zip_longest(*data_blocks), zip_longest(*correction_blocks))
        for byte in column
        if byte is not None
    ]


@cache
def _template(version: int) -> tuple[tuple[tuple[bool, ...], ...], tuple[tuple[int, int], ...]]:
    """A version's matrix with no data (its fixed patterns, format and version
    information, the mask on every data module) and its data modules in the order
    the bits are laid, as (row, column): made once by reportlab."""
    blocks = qrencoder.QRRSBlock.getRSBlocks(version, LEVEL)
    code = qrencoder.QRCode(version, LEVEL)
    code.dataCache = [0] * sum(block.totalCount for block in blocks)
    code.makeImpl(False, MASK)
    rows = tuple(tuple(bool(module) for module in row) for row in code.modules)
    return rows, tuple((row, column) for column, row in code.dataPosIterator())


def qr_matrix(payload: str) -> Matrix:
    """The modules of ``payload``'s QR code (level M, mask 0), dark True: the same
    matrix as reportlab's ``QRCode.makeImpl(False, 0)``."""
    code = qrencoder.QRCode(None, LEVEL)
    code.addData(payload)
    version = code.calculate_version()
    template, places = _template(version)
    modules = [list(row) for row in template]
    place = 0
    for byte in codewords(version, code.dataList):
        for shift in (7, 6, 5, 4, 3, 2, 1, 0):
            if byte >> shift & 1:
                row, column = places[place]
                modules[row][column] = not modules[row][column]
            place += 1
    return modules


class QrCode(Flowable):  # type: ignore[misc]
    """A QR code (error correction M, 4-module quiet zone) drawn as one filled path.

    reportlab's own widget tries all eight masks (about 30 ms each time in
    pure Python) and draws every run as a shape object; a batch of two
    thousand forms cannot afford that. Any mask is valid for a reader: this
    one always uses mask 0 and draws each row's dark runs as rectangles of
    a single path, their numbers formatted once per code size (what reportlab's
    ``path.rect`` would write for each, written in one go).
    """

    def __init__(self, payload: str, size: float) -> None:
        super().__init__()
        self.modules: Matrix = qr_matrix(payload)
        self.payload = payload
        self.size = size
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        count = len(self.modules)
        places = _places(count, self.size)
        xs, widths, ys, height = places
        rects = [
            f"{xs[run.start()]} {ys[r]} {widths[run.end() - run.start()]} {height} re"
            for r, row in enumerate(self.modules)
            for run in _DARK_RUN.finditer(bytes(row))
        ]
        path = self.canv.beginPath()
        path._code_append(rects[0])  # the first starts the path ("n")
        path._code.extend(rects[1:])
        self.canv.setFillColor(colors.black)
        self.canv.drawPath(path, stroke=0, fill=1)


#: A row's dark modules side by side (the row as bytes, dark 1).
_DARK_RUN = re.compile(rb"\x01+")


@lru_cache(maxsize=64)
def _places(count: int, size: float) -> tuple[list[str], list[str], list[str], str]:
    """The numbers a code of ``count`` modules a side at ``size`` points writes, as
    reportlab's ``path.rect`` writes them (``fp_str``): where a run starting at each
    module begins, how wide a run of each length is, where each row stands, and a
    module's height (a hair taller, so rows do not show seams)."""
    module = size / (count + 8)
    xs = [fp_str((start + 4) * module) for start in range(count)]
    widths = [fp_str(length * module) for length in range(count + 1)]
    ys = [fp_str(size - (r + 5) * module) for r in range(count)]
    return xs, widths, ys, fp_str(module * 1.02)
