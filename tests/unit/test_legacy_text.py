"""Legacy Vietnamese encodings (TCVN3, VNI): tables, detection, repair of cells."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.legacy_repair import BOTH_ENCODINGS, THIN_EVIDENCE, repair, repair_table
from app.core.legacy_text import (
    VIETNAMESE_LETTERS,
    Encoding,
    LegacyFont,
    detect_legacy,
    from_unicode,
    legacy_font,
    to_unicode,
)

TCVN3, VNI = Encoding.TCVN3, Encoding.VNI

UNION_PHRASES = [
    "Công đoàn cơ sở",
    "Liên đoàn Lao động tỉnh Tuyên Quang",
    "Nguyễn Thị Thu Thủy",
    "Giỏi việc nước, đảm việc nhà",
    "Mái ấm Công đoàn",
    "Ban Chấp hành Công đoàn Trường THCS Lê Quý Đôn",
    "Phong trào thi đua “Lao động giỏi, Lao động sáng tạo” năm 2017",
    "Đoàn viên công đoàn đạt danh hiệu Chiến sĩ thi đua cơ sở: 12 người",
    "Bùi Văn Hùng – Chủ tịch CĐCS",
    "Xây dựng tổ chức công đoàn vững mạnh",
    "Liên đoàn Lao động huyện Krông Búk, tỉnh Đắk Lắk",
    "Khuyến khích người lao động học tập nâng cao trình độ",
]

# Literal strings as they come out of old files, written down independently of
# the module's tables (from the published charts and well-known examples).
TCVN3_LITERALS = [
    ("mét sè chØ tiªu cô thÓ", "một số chỉ tiêu cụ thể"),
    ("Liªn ®oµn Lao ®éng", "Liên đoàn Lao động"),
    ("C«ng ®oµn c¬ së", "Công đoàn cơ sở"),
    ("Tr\u00adêng Trung häc c¬ së", "Trường Trung học cơ sở"),
    ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
    ("Lª V¨n T¸m", "Lê Văn Tám"),
    ("NguyÔn ThÞ Thu Thñy", "Nguyễn Thị Thu Thủy"),
    ("NhiÖt ®é 30°C, diÖn tÝch 50 m²", "Nhiệt độ 30°C, diện tích 50 m²"),
]
# Typed for a capitals-only .VnTimeH font: lower-case codes drawn as capitals.
TCVN3_CAPITALS_LITERALS = [
    ("CéNG HOµ X· HéI CHñ NGHÜA VIÖT NAM", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("§¹I HéI C¤NG §OµN", "ĐẠI HỘI CÔNG ĐOÀN"),
]
VNI_LITERALS = [
    ("Vieät Nam", "Việt Nam"),
    ("Coâng ñoaøn", "Công đoàn"),
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
    ("Tröôøng Tieåu hoïc", "Trường Tiểu học"),
    ("Nguyeãn Thò Thu Thuûy", "Nguyễn Thị Thu Thủy"),
    ("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("Ñaék Laék, Ñoàng Thaùp", "Đắk Lắk, Đồng Tháp"),
]

# Text that must never be touched: Unicode Vietnamese short enough to be
# all latin-1, other languages, symbols, numbers.
ORDINARY = [
    "",
    "Tô",
    "Tô Hà",
    "Hòa Bình",
    "Bé",
    "Lê Văn Tám",
    "Công đoàn cơ sở",
    "café",
    "José Müller, São Paulo",
    "naïve façade",
    "Ø20",
    "30°C",
    "50 m²",
    "a² + b² = c²",
    "© 2017",
    "5 µm",
    "£50 ½ day",
    "Report 2017 – Q1 “draft”",
    "700.000.000",
    "99,1%",
    "UBND tỉnh",
]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- Tables ---------------------------------------------------------------------


def test_the_134_letters() -> None:
    assert len(VIETNAMESE_LETTERS) == len(set(VIETNAMESE_LETTERS)) == 134
    assert all(unicodedata.is_normalized("NFC", letter) for letter in VIETNAMESE_LETTERS)
    assert {"đ", "Đ", "ư", "Ự", "ỵ", "Ỹ", "ẳ", "Ẵ"} <= set(VIETNAMESE_LETTERS)
    assert not any(letter.isascii() for letter in VIETNAMESE_LETTERS)


@pytest.mark.parametrize("encoding", list(Encoding))
def test_every_letter_round_trips(encoding: Encoding) -> None:
    # The few letters whose legacy code is their own latin-1 code point.
    same = {TCVN3: {"ý"}, VNI: {"ì", "í", "Ì", "Í"}}[encoding]
    for letter in VIETNAMESE_LETTERS:
        legacy = from_unicode(letter, encoding)
        assert (legacy == letter) == (letter in same)
        assert all(char <= "\u00ff" for char in legacy)
        assert to_unicode(legacy, encoding) == letter


def test_tcvn3_chart_positions() -> None:
    lower = [letter for letter in VIETNAMESE_LETTERS if letter.islower()]
    assert all(len(from_unicode(letter, TCVN3)) == 1 for letter in lower)
    codes = {letter: ord(from_unicode(letter, TCVN3)) for letter in lower}
    assert len(set(codes.values())) == 67
    expected = {
        "à": 0xB5, "ả": 0xB6, "ã": 0xB7, "á": 0xB8, "ạ": 0xB9,
        "ằ": 0xBB, "ặ": 0xC6, "ầ": 0xC7, "ậ": 0xCB, "è": 0xCC, "ẻ": 0xCE,
        "ệ": 0xD6, "ì": 0xD7, "ĩ": 0xDC, "ị": 0xDE, "ò": 0xDF, "ỏ": 0xE1,
        "ộ": 0xE9, "ờ": 0xEA, "ợ": 0xEE, "ù": 0xEF, "ủ": 0xF1, "ự": 0xF9,
        "ỳ": 0xFA, "ỵ": 0xFE, "ă": 0xA8, "â": 0xA9, "ê": 0xAA, "ô": 0xAB,
        "ơ": 0xAC, "ư": 0xAD, "đ": 0xAE,
    }  # fmt: skip
    assert {letter: codes[letter] for letter in expected} == expected
    capitals = {"Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}
    assert {letter: ord(from_unicode(letter, TCVN3)) for letter in capitals} == capitals


def test_tcvn3_toned_capitals() -> None:
    # No code of their own: base letter + combining tone code (0xB0-0xB4) …
    assert from_unicode("Ấ", TCVN3) == "\u00a2\u00b3"
    assert from_unicode("À", TCVN3) == "A\u00b0"
    assert from_unicode("Ỵ", TCVN3) == "Y\u00b4"
    assert to_unicode("\u00a2\u00b3", TCVN3) == "Ấ"
    # … or, for the capitals-only .VnTimeH fonts, the lower-case code.
    assert from_unicode("CỘNG HOÀ", TCVN3, capitals=True) == "CéNG HOµ"
    assert to_unicode("CéNG HOµ", TCVN3, capitals=True) == "CỘNG HOÀ"
    assert to_unicode("CéNG HOµ", TCVN3) == "CộNG HOà"  # as .VnTime draws it
    assert to_unicode("CéNG HOµ", TCVN3, capitals=None) == "CỘNG HOÀ"
    assert to_unicode("céng hoµ", TCVN3, capitals=True) == "CỘNG HOÀ"


def test_vni_spellings() -> None:
    expected = {
        "á": "aù", "à": "aø", "ả": "aû", "ã": "aõ", "ạ": "aï",
        "â": "aâ", "ấ": "aá", "ầ": "aà", "ẩ": "aå", "ẫ": "aã", "ậ": "aä",
        "ă": "aê", "ắ": "aé", "ằ": "aè", "ẳ": "aú", "ẵ": "aü", "ặ": "aë",
        "ơ": "ô", "ớ": "ôù", "ư": "ö", "ự": "öï", "đ": "ñ", "Đ": "Ñ",
        "í": "í", "ì": "ì", "ỉ": "æ", "ĩ": "ó", "ị": "ò", "ỵ": "î", "ỷ": "yû",
        "Ặ": "AË", "Ở": "ÔÛ", "Ỉ": "Æ", "Ỵ": "Î", "Ê": "EÂ",
    }  # fmt: skip
    assert {letter: from_unicode(letter, VNI) for letter in expected} == expected


def test_vni_accepts_an_accent_in_the_other_case() -> None:
    assert to_unicode("Aùnh", VNI) == "Ánh"
    assert to_unicode("ANH HUØNG", VNI) == "ANH HÙNG"


def test_from_unicode_normalises_and_refuses_foreign_characters() -> None:
    assert from_unicode(nfd("Việt Nam"), VNI) == "Vieät Nam"
    assert from_unicode(nfd("Công đoàn"), TCVN3) == "C«ng ®oµn"
    with pytest.raises(ValueError, match="U\\+00A9"):
        from_unicode("© Công đoàn", TCVN3)
    with pytest.raises(ValueError):
        from_unicode("Ж", VNI)
    with pytest.raises(ValueError):
        from_unicode("Việt", VNI, capitals=True)


def test_to_unicode_keeps_what_the_encoding_does_not_use() -> None:
    assert to_unicode("ñù 10°", VNI) == "đù 10°"
    assert to_unicode("Hµ Néi – 2017", TCVN3) == "Hà Nội – 2017"
    assert unicodedata.is_normalized("NFC", to_unicode("¢³ ¥° ¦²", TCVN3))


# --- Literal strings -------------------------------------------------------------


@pytest.mark.parametrize(("legacy", "unicode"), TCVN3_LITERALS)
def test_tcvn3_literals(legacy: str, unicode: str) -> None:
    assert to_unicode(legacy, TCVN3) == unicode
    assert detect_legacy(legacy) is TCVN3
    assert repair(legacy)[:2] == (unicode, TCVN3)


def test_the_seed_document_phrase() -> None:
    assert repair("mét sè chØ tiªu cô thÓ")[:2] == ("một số chỉ tiêu cụ thể", TCVN3)


@pytest.mark.parametrize(("legacy", "unicode"), TCVN3_CAPITALS_LITERALS)
def test_tcvn3_capitals_font_literals(legacy: str, unicode: str) -> None:
    assert detect_legacy(legacy) is TCVN3
    assert repair(legacy)[:2] == (unicode, TCVN3)


@pytest.mark.parametrize(("legacy", "unicode"), VNI_LITERALS)
def test_vni_literals(legacy: str, unicode: str) -> None:
    assert to_unicode(legacy, VNI) == unicode
    assert detect_legacy(legacy) is VNI
    assert repair(legacy)[:2] == (unicode, VNI)


# --- Generated fixtures ------------------------------------------------------------


@pytest.mark.parametrize("encoding", list(Encoding))
@pytest.mark.parametrize("phrase", UNION_PHRASES)
def test_union_phrases(phrase: str, encoding: Encoding) -> None:
    legacy = from_unicode(phrase, encoding)
    assert legacy != phrase
    assert detect_legacy(legacy) is encoding
    assert repair(legacy)[:2] == (phrase, encoding)
    assert repair(nfd(phrase))[:2] == (nfd(phrase), None)
    assert detect_legacy(phrase) is None


@pytest.mark.parametrize("phrase", [phrase.upper() for phrase in UNION_PHRASES[:6]])
def test_capital_phrases(phrase: str) -> None:
    for legacy in (from_unicode(phrase, TCVN3), from_unicode(phrase, TCVN3, capitals=True)):
        assert repair(legacy)[:2] == (phrase, TCVN3)
    assert repair(from_unicode(phrase, VNI))[:2] == (phrase, VNI)


# --- What is never touched -------------------------------------------------------------


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_never_altered(text: str) -> None:
    assert detect_legacy(text) is None
    repaired, encoding, _ = repair(text)
    assert repaired is text
    assert encoding is None


def test_ambiguous_short_text_is_left_alone() -> None:
    # "Bé" is "Bộ" in TCVN3 and "Hoà" is "Hồ" in VNI, but both are valid as
    # they stand: without a font or a batch to go by, nothing is guessed.
    assert detect_legacy("Bé") is None
    assert detect_legacy("Hoà") is None
    # Thin evidence alone ("Lê") is not enough either.
    assert detect_legacy("Lª") is None


# --- Fonts and batches -------------------------------------------------------------------


def test_legacy_font_names() -> None:
    assert legacy_font(".VnTime") == LegacyFont(TCVN3)
    assert legacy_font(".VnTimeH") == LegacyFont(TCVN3, capitals=True)
    assert legacy_font(".VnArial NarrowH") == LegacyFont(TCVN3, capitals=True)
    assert legacy_font("VNI-Times") == LegacyFont(VNI)
    assert legacy_font("Times New Roman") is None
    assert legacy_font(None) is None


def test_a_font_settles_what_the_text_cannot() -> None:
    assert repair("Bé", font_name=".VnTime")[:2] == ("Bộ", TCVN3)
    assert repair("Hµ", font_name=".VnTimeH")[:2] == ("HÀ", TCVN3)
    assert repair("Hoà", font_name="VNI-Times")[:2] == ("Hồ", VNI)
    # Unicode typed later into an old sheet stays as it is.
    text = "Công đoàn"
    assert repair(text, font_name=".VnTime")[0] is text
    assert repair("abc", font_name=".VnTimeH")[:2] == ("abc", None)


def test_repair_table_uses_the_majority_and_reports_every_cell() -> None:
    tcvn3 = [from_unicode(phrase, TCVN3) for phrase in UNION_PHRASES[:4]]
    cells = [*tcvn3, "Lª", "Hoa", "Công đoàn", "Bé", from_unicode("Việt Nam", VNI)]
    values, report = repair_table([[cell] for cell in cells], sheet="S", first_row=2)
    column = [row[0] for row in values]
    assert column[:4] == UNION_PHRASES[:4]
    assert column[4] == "Lê"  # thin evidence, backed by the workbook's majority
    assert column[5] is cells[5]
    assert column[6] is cells[6]
    assert column[7] is cells[7]  # valid as it stands: never guessed
    assert column[8] == "Việt Nam"
    assert report.majority is TCVN3
    assert report.counts == {"TCVN3": 5, "VNI": 1}
    assert [(c.cell, c.encoding) for c in report.converted][4:] == [("A6", TCVN3), ("A10", VNI)]
    assert report.converted[4].before == "Lª" and report.converted[4].after == "Lê"
    assert report.left == ()


def test_without_a_majority_thin_cells_are_left_and_listed() -> None:
    values, report = repair_table([["Lª", "Hoa"]], sheet="Danh sách")
    assert values == [["Lª", "Hoa"]]
    assert report.converted == ()
    assert [(c.sheet, c.cell, c.before, c.reason) for c in report.left] == [
        ("Danh sách", "A1", "Lª", THIN_EVIDENCE)
    ]


def test_a_rare_rhyme_breaks_the_tie_between_encodings() -> None:
    # "Noâng Thò Hoa" reads "Noõng Thũ Hoa" in TCVN3 (well-formed, but "oong" is
    # rare) and "Nông Thị Hoa" in VNI.
    values, report = repair_table([["Noâng Thò Hoa"]])
    assert values[0][0] == "Nông Thị Hoa"
    assert report.counts == {"VNI": 1}


def test_a_cell_fitting_both_encodings_equally_is_left_with_why() -> None:
    # "Tæ" is "Tổ" in TCVN3 and "Tỉ" in VNI: nothing to choose between them.
    values, report = repair_table([["Tæ"]])
    assert [(c.before, c.reason) for c in report.left] == [("Tæ", BOTH_ENCODINGS)]
    assert values == [["Tæ"]]


def test_repair_table_with_fonts() -> None:
    values, report = repair_table([["Bé", "Bé", "CéNG"]], [[".VnTime", None, ".VnTimeH"]])
    assert values == [["Bộ", "Bé", "CỘNG"]]
    assert report.counts == {"TCVN3": 2}


# --- Properties --------------------------------------------------------------------------

LETTERS_AND_SPACES = st.lists(st.sampled_from((*VIETNAMESE_LETTERS, " ")), max_size=40).map("".join)


@settings(max_examples=400)
@given(LETTERS_AND_SPACES, st.sampled_from(list(Encoding)))
def test_round_trip_over_the_134_letters(text: str, encoding: Encoding) -> None:
    assert to_unicode(from_unicode(text, encoding), encoding) == text
    assert to_unicode(from_unicode(nfd(text), encoding), encoding) == text


@settings(max_examples=400)
@given(LETTERS_AND_SPACES)
def test_unicode_letters_are_never_flagged(text: str) -> None:
    assert detect_legacy(text) is None
    assert detect_legacy(nfd(text)) is None
    assert repair(text)[0] is text


ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "kh", "l", "m", "n", "ng", "nh"]
ONSETS += ["ph", "qu", "s", "t", "th", "tr", "v", "x"]
RHYMES = ["a", "ai", "ao", "an", "anh", "ăn", "âm", "e", "em", "ê", "ênh", "i", "in"]
RHYMES += ["iêng", "o", "oa", "oan", "oi", "ông", "ơi", "u", "ung", "uy", "ưa", "ương"]
TONE_MARKS = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]


@st.composite
def unicode_syllables(draw: st.DrawFn) -> str:
    """A well-formed Vietnamese syllable (open or nasal final), in some case."""
    onset, rhyme = draw(st.sampled_from(ONSETS)), draw(st.sampled_from(RHYMES))
    tone = draw(st.sampled_from(TONE_MARKS))
    vowels = [i for i, char in enumerate(rhyme) if nfd(char)[0] in "aeiouy"]
    marked = [i for i in vowels if len(nfd(rhyme[i])) > 1]
    at = marked[-1] if marked else vowels[-1] if len(vowels) == 1 or rhyme[-1] in "mng" else 0
    syllable = unicodedata.normalize("NFC", onset + rhyme[: at + 1] + tone + rhyme[at + 1 :])
    return draw(st.sampled_from([syllable, syllable.capitalize(), syllable.upper()]))


@settings(max_examples=400)
@given(st.lists(unicode_syllables(), min_size=1, max_size=8).map(" ".join))
def test_unicode_vietnamese_is_never_flagged(text: str) -> None:
    assert detect_legacy(text) is None
    assert detect_legacy(nfd(text)) is None
    assert repair(text)[0] is text


@settings(max_examples=400)
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_is_never_flagged(text: str) -> None:
    assert detect_legacy(text) is None
    assert repair(text)[0] is text
    assert repair_table([[text]])[0][0][0] is text
