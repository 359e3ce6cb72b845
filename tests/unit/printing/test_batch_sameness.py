"""Each form of a batch is the form printed alone: page for page, the same words in the
same places and the same pixels, whatever the batch laid out before it (the paragraphs a
batch lays out once and reuses, :func:`app.printing.typesetting.cell_markup`).

The demo province of the folder's conftest (12 units) is only read."""

from __future__ import annotations

from app.core.text import natural_key
from app.printing import BatchDocument, documents, print_batch
from tests.unit.printing.pdf_reading import PLAN, layout_pages, page_pixels
from tests.unit.printing.setups import Province

HEADING = "BẢN ĐĂNG KÝ THI ĐUA NĂM 2017"


def test_each_form_of_a_batch_is_the_form_printed_alone(province: Province) -> None:
    batch = province.out / "sameness.pdf"
    print_batch(
        province.ctx, document=BatchDocument.REGISTRATION, plan_id=PLAN, out=batch, workers=1
    )
    words, pixels = layout_pages(batch), page_pixels(batch)
    assert len(words) == len(pixels)
    starts = [i for i, page in enumerate(words) if HEADING in page]
    units = sorted(province.demo.units, key=lambda u: natural_key(u.code))
    assert len(starts) == len(units)
    for start, end, unit in zip(starts, [*starts[1:], len(words)], units, strict=True):
        alone = province.out / f"alone-{unit.code}.pdf"
        documents.print_registration_form(province.ctx, plan_id=PLAN, unit=unit.code, out=alone)
        assert layout_pages(alone) == words[start:end], unit.code
        assert page_pixels(alone) == pixels[start:end], unit.code
