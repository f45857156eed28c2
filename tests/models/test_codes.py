"""Unified codes: USCC check characters, basic codes, implementation and handling-item codes."""

import pytest

from models.codes import (
    CodeError,
    ImplementationCode,
    derive_implementation_code,
    item_type_of_basic_code,
    normalise,
    parse_implementation_code,
    uscc_check_char,
    validate_basic_code,
    validate_uscc,
)
from models.enums import ExerciseLevel, ItemType

# Real USCCs from domain.md §2.5 whose check character verifies. (11440300007542785T, from a
# demo mock, does not: its check character would be U, so it is left out.)
REAL_USCCS = [
    "11440300MB2C94128A",
    "11440100007482575H",
    "12441500196720244T",
    "11440300MB2D072246",
    "114403006939513773",
    "11370000MB284651XL",
]


@pytest.mark.parametrize("uscc", REAL_USCCS)
def test_real_usccs_pass_their_check_character(uscc):
    # when
    check = uscc_check_char(uscc[:17])

    # then
    assert check == uscc[17]
    assert validate_uscc(uscc) == uscc


def test_a_wrong_check_character_is_refused_naming_the_right_one():
    with pytest.raises(CodeError) as raised:
        validate_uscc("11440300MB2C94128B")

    assert str(raised.value) == "统一社会信用代码校验位错误：11440300MB2C94128B，第18位应为A"


def test_the_check_character_of_the_demo_mock_code_does_not_verify():
    with pytest.raises(CodeError, match="第18位应为U"):
        validate_uscc("11440300007542785T")


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_forbidden_letters_are_refused_in_a_uscc(letter):
    # given a real code with one character of the subject id replaced by a forbidden letter
    code = "11440300MB2C9412" + letter + "A"

    with pytest.raises(CodeError) as raised:
        validate_uscc(code)

    assert str(raised.value) == (f"统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V）：{code}")


def test_the_region_part_of_a_uscc_must_be_digits():
    with pytest.raises(CodeError, match="不允许的字符"):
        validate_uscc("114A0300MB2C94128A")


def test_a_uscc_of_the_wrong_length_is_refused_with_its_length():
    with pytest.raises(CodeError) as raised:
        validate_uscc("11440300MB2C9412")

    assert str(raised.value) == "统一社会信用代码应为18位，实为16位：11440300MB2C9412"


@pytest.mark.parametrize(
    "typed",
    [
        "１１４４０３００ＭＢ２Ｃ９４１２８Ａ",  # full-width, as typed with a Chinese IME
        "11440300 MB2C 94128A",
        " 11440300mb2c94128a\t",
        "１１４４０３００　ｍｂ２ｃ９４１２８ａ",  # full-width space and lower case
    ],
)
def test_full_width_characters_spaces_and_case_are_normalised(typed):
    assert validate_uscc(typed) == "11440300MB2C94128A"


def test_normalise_folds_full_width_and_drops_spaces():
    assert normalise(" ３７０１ ａｂ\u3000") == "3701AB"


# --- basic codes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "370112001000",  # main item without sub-items
        "37011200100Y",  # main item with sub-items (00Y)
        "370112001003",  # a sub-item
        "372015052008",  # public service
        "3720150A2008",  # letters continue the sequence once digits run out
        "440217281000",
    ],
)
def test_well_formed_basic_codes_are_accepted(code):
    assert validate_basic_code(code) == code


def test_a_basic_code_is_normalised_like_any_code():
    assert validate_basic_code("３７０１ １２００ １０００") == "370112001000"


@pytest.mark.parametrize("code", ["37011200100", "3701120010001", ""])
def test_a_basic_code_must_have_twelve_characters(code):
    with pytest.raises(CodeError) as raised:
        validate_basic_code(code)

    assert str(raised.value) == f"基本编码应为12位，实为{len(code)}位：{code}"


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_forbidden_letters_are_refused_in_the_main_item_sequence(letter):
    code = f"3720150{letter}2008"

    with pytest.raises(CodeError) as raised:
        validate_basic_code(code)

    assert str(raised.value) == f"基本编码格式错误：{code}"


@pytest.mark.parametrize(
    "code",
    [
        "37011200100Z",  # only Y marks a main item with sub-items
        "3701120010Y0",  # Y only as 00Y
        "3A0112001000",  # region prefix is digits
        "370A12001000",  # item type is digits
        "370112001-00",
    ],
)
def test_malformed_basic_codes_are_refused(code):
    with pytest.raises(CodeError) as raised:
        validate_basic_code(code)

    assert str(raised.value) == f"基本编码格式错误：{code}"


@pytest.mark.parametrize("type_digits", ["00", "11", "21", "99"])
def test_unknown_item_types_are_refused(type_digits):
    with pytest.raises(CodeError) as raised:
        validate_basic_code(f"37{type_digits}12001000")

    assert str(raised.value) == f"基本编码中的事项类型代码未知：{type_digits}"


@pytest.mark.parametrize(
    ("code", "item_type"),
    [
        ("370112001000", ItemType.ADMINISTRATIVE_LICENSING),
        ("371012001000", ItemType.OTHER_ADMINISTRATIVE_POWER),
        ("372015052008", ItemType.PUBLIC_SERVICE),
    ],
)
def test_the_item_type_is_read_from_the_basic_code(code, item_type):
    assert item_type_of_basic_code(code) is item_type


# --- implementation and handling-item codes ----------------------------------------------------


def test_an_implementation_code_is_derived_from_uscc_level_and_basic_code():
    code = derive_implementation_code("11440300MB2C94128A", ExerciseLevel.MUNICIPAL, "440217281000")

    assert code == "11440300MB2C94128A3440217281000"
    assert len(code) == 31


def test_a_handling_item_code_adds_a_two_digit_suffix():
    code = derive_implementation_code(
        "114403006939513773", ExerciseLevel.MUNICIPAL, "442015052008", "01"
    )

    assert code == "114403006939513773344201505200801"
    assert len(code) == 33


def test_deriving_normalises_the_parts():
    code = derive_implementation_code(
        "１１４４０３００ｍｂ２ｃ９４１２８ａ", ExerciseLevel.COUNTY, "４４０２ １７２８１０００"
    )

    assert code == "11440300MB2C94128A4440217281000"


@pytest.mark.parametrize("suffix", ["1", "001", "0A", "０１"])
def test_a_handling_suffix_must_be_two_ascii_digits(suffix):
    with pytest.raises(CodeError) as raised:
        derive_implementation_code(
            "11440300MB2C94128A", ExerciseLevel.MUNICIPAL, "440217281000", suffix
        )

    assert str(raised.value) == f"业务办理项序号应为2位数字：{suffix}"


def test_deriving_refuses_a_bad_uscc():
    with pytest.raises(CodeError, match="第18位应为A"):
        derive_implementation_code("11440300MB2C94128B", ExerciseLevel.MUNICIPAL, "440217281000")


@pytest.mark.parametrize("level", list(ExerciseLevel))
def test_every_level_digit_round_trips(level):
    code = derive_implementation_code("11440300MB2C94128A", level, "440217281000")

    parsed = parse_implementation_code(code)

    assert code[18] == level.value
    assert parsed.level is level
    assert str(parsed) == code


@pytest.mark.parametrize(
    ("code", "uscc", "level", "basic_code", "suffix", "item_type"),
    [
        (
            "11440100007482575H3440118009000",
            "11440100007482575H",
            ExerciseLevel.MUNICIPAL,
            "440118009000",
            None,
            ItemType.ADMINISTRATIVE_LICENSING,
        ),
        (
            "11440300MB2C94128A3440217281000",
            "11440300MB2C94128A",
            ExerciseLevel.MUNICIPAL,
            "440217281000",
            None,
            ItemType.ADMINISTRATIVE_PENALTY,
        ),
        (
            "11440300MB2D0722464440127028001",
            "11440300MB2D072246",
            ExerciseLevel.COUNTY,
            "440127028001",
            None,
            ItemType.ADMINISTRATIVE_LICENSING,
        ),
        (
            "114403006939513773344201505200801",
            "114403006939513773",
            ExerciseLevel.MUNICIPAL,
            "442015052008",
            "01",
            ItemType.PUBLIC_SERVICE,
        ),
        (
            "114403006939513773344201505200802",
            "114403006939513773",
            ExerciseLevel.MUNICIPAL,
            "442015052008",
            "02",
            ItemType.PUBLIC_SERVICE,
        ),
    ],
)
def test_real_codes_parse_into_their_documented_parts(
    code, uscc, level, basic_code, suffix, item_type
):
    parsed = parse_implementation_code(code)

    assert parsed == ImplementationCode(uscc, level, basic_code, suffix)
    assert parsed.item_type is item_type
    assert str(parsed) == code


def test_a_real_code_with_the_local_type_21_is_refused_as_an_unknown_type():
    # 水费查缴办理 uses type 21, a local extension the catalog's type list does not include
    with pytest.raises(CodeError) as raised:
        parse_implementation_code("12441500196720244T3442199806003")

    assert str(raised.value) == "基本编码中的事项类型代码未知：21"


@pytest.mark.parametrize("length", [30, 32, 34])
def test_an_implementation_code_must_have_31_or_33_characters(length):
    code = ("114403006939513773344201505200801" + "0")[:length]

    with pytest.raises(CodeError) as raised:
        parse_implementation_code(code)

    assert str(raised.value) == (f"实施编码应为31位（业务办理项编码33位），实为{length}位：{code}")


@pytest.mark.parametrize("digit", ["0", "8", "9", "A"])
def test_the_level_digit_must_be_1_to_7(digit):
    code = f"11440300MB2C94128A{digit}440217281000"

    with pytest.raises(CodeError) as raised:
        parse_implementation_code(code)

    assert str(raised.value) == f"实施编码第19位行使层级代码应为1–7：{code}"


def test_a_handling_item_suffix_must_be_digits():
    with pytest.raises(CodeError) as raised:
        parse_implementation_code("11440300693951377334420150520080A")

    assert str(raised.value) == "业务办理项编码最后2位应为数字：11440300693951377334420150520080A"


def test_parsing_checks_the_embedded_uscc_and_basic_code():
    with pytest.raises(CodeError, match="第18位应为A"):
        parse_implementation_code("11440300MB2C94128B3440217281000")
    with pytest.raises(CodeError, match="基本编码格式错误"):
        parse_implementation_code("11440300MB2C94128A344021728100Z")


def test_parsing_normalises_full_width_input():
    parsed = parse_implementation_code(
        "１１４４０３００ＭＢ２Ｃ９４１２８Ａ ３ ４４０２１７２８１０００"
    )

    assert str(parsed) == "11440300MB2C94128A3440217281000"
