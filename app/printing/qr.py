"""A QR code drawn as one filled path: the verification box and the key card.

reportlab's encoder computes each code's Reed–Solomon error correction in pure
Python, rebuilding the generator polynomial for every block and dividing by it
one recursive step (and one new list) per byte: about 3 ms of a form's 20. Two of
its methods are replaced, once, by equivalents giving the same codes
(:func:`faster_reed_solomon`; tests/unit/printing compare them with reportlab's).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.platypus import Flowable

#: reportlab's own methods, kept for the tests that compare.
REPORTLAB_GENERATOR = qrencoder.QRUtil.getErrorCorrectPolynomial
REPORTLAB_MOD = qrencoder.QRPolynomial.mod


@cache
def _generator(length: int) -> Any:
    """The generator polynomial of ``length`` error correction bytes (made once)."""
    return REPORTLAB_GENERATOR(length)


def _remainder(self: Any, divisor: Any) -> Any:
    """``self`` modulo ``divisor`` over GF(256), as reportlab's ``QRPolynomial.mod``
    computes it, by long division in one list."""
    exp, log = qrencoder.EXP_TABLE, qrencoder.LOG_TABLE
    num: list[int] = list(self.num)
    divisor_num: list[int] = divisor.num
    size = len(divisor_num)
    if len(num) < size:
        return self
    lead = log[divisor_num[0]]
    terms = [(j, log[c]) for j, c in enumerate(divisor_num) if c and j]
    for i in range(len(num) - size + 1):
        coefficient = num[i]
        if coefficient:
            ratio = log[coefficient] - lead
            for j, term in terms:
                num[i + j] ^= exp[(term + ratio) % 255]
    return qrencoder.QRPolynomial(num[len(num) - size + 1 :] or [0], 0)


def faster_reed_solomon() -> None:
    """Install the equivalents of reportlab's generator and remainder (idempotent)."""
    qrencoder.QRUtil.getErrorCorrectPolynomial = staticmethod(_generator)
    qrencoder.QRPolynomial.mod = _remainder


faster_reed_solomon()


class QrCode(Flowable):  # type: ignore[misc]
    """A QR code (error correction M, 4-module quiet zone) drawn as one filled path.

    reportlab's own widget tries all eight masks (about 30 ms each time in
    pure Python) and draws every run as a shape object; a batch of two
    thousand forms cannot afford that. Any mask is valid for a reader: this
    one always uses mask 0 and draws each row's dark runs as rectangles of
    a single path.
    """

    def __init__(self, payload: str, size: float) -> None:
        super().__init__()
        code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        code.addData(payload)
        code.version = code.calculate_version()
        code.makeImpl(False, 0)
        self.modules: list[list[bool]] = [[bool(m) for m in row] for row in code.modules]
        self.payload = payload
        self.size = size
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        count = len(self.modules)
        module = self.size / (count + 8)
        path = self.canv.beginPath()
        for r, row in enumerate(self.modules):
            y = self.size - (r + 5) * module
            c = 0
            while c < count:
                if row[c]:
                    start = c
                    while c < count and row[c]:
                        c += 1
                    # A hair taller than a module so rows do not show seams.
                    path.rect((start + 4) * module, y, (c - start) * module, module * 1.02)
                else:
                    c += 1
        self.canv.setFillColor(colors.black)
        self.canv.drawPath(path, stroke=0, fill=1)
