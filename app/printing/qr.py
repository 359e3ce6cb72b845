"""A QR code drawn as one filled path: the verification box and the key card."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.platypus import Flowable


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
        from reportlab.graphics.barcode import qrencoder

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
