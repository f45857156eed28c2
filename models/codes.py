"""Unified codes (统一编码): the basic code, the USCC, implementation and handling-item codes.

Structures (domain.md §2):
- basic code, 12 chars: region/catalog prefix (2) + item type (2) + main item (5) + sub-item (3);
- USCC, 18 chars (GB 32100-2015), the last one a check character over the first 17;
- implementation code, 31 chars: the agency's USCC + exercise-level digit + basic code;
- handling-item code, 33 chars: the implementation code + a 2-digit sequence.
"""

import re
import unicodedata
from dataclasses import dataclass

from models.enums import ExerciseLevel, ItemType

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_CHAR = "[0-9A-HJ-NPQRTUWXY]"
_USCC_RE = re.compile(f"^{_USCC_CHAR}{{2}}[0-9]{{6}}{_USCC_CHAR}{{10}}$")
# Letters may appear in the main-item sequence of public-service items; I, O, Z, S, V never.
_BASIC_RE = re.compile(r"^[0-9]{2}[0-9]{2}[0-9A-HJ-NP-RTUW-Y]{5}([0-9]{3}|00Y)$")


class CodeError(ValueError):
    """A code that is not well-formed; the message says what is wrong, in plain words."""


def normalise(raw: str) -> str:
    """Fold full-width characters to ASCII, drop spaces and upper-case, as agencies type codes."""
    folded = unicodedata.normalize("NFKC", raw)
    return "".join(folded.split()).upper()


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a USCC."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(raw: str) -> str:
    code = normalise(raw)
    if len(code) != 18:
        raise CodeError(f"统一社会信用代码应为18位，实为{len(code)}位：{code}")
    if not _USCC_RE.match(code):
        raise CodeError(f"统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V）：{code}")
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise CodeError(f"统一社会信用代码校验位错误：{code}，第18位应为{expected}")
    return code


def validate_basic_code(raw: str) -> str:
    code = normalise(raw)
    if len(code) != 12:
        raise CodeError(f"基本编码应为12位，实为{len(code)}位：{code}")
    if not _BASIC_RE.match(code):
        raise CodeError(f"基本编码格式错误：{code}")
    item_type_of_basic_code(code)
    return code


def item_type_of_basic_code(code: str) -> ItemType:
    try:
        return ItemType(code[2:4])
    except ValueError:
        raise CodeError(f"基本编码中的事项类型代码未知：{code[2:4]}") from None


def normalise_catalog_code(raw: str) -> str:
    """A 12-char basic code, or 14 chars for a handling item (basic code + 2 digits)."""
    code = normalise(raw)
    if len(code) == 14:
        if not re.fullmatch(r"[0-9]{2}", code[12:]):
            raise CodeError(f"业务办理项序号应为2位数字：{code}")
        return validate_basic_code(code[:12]) + code[12:]
    return validate_basic_code(code)


@dataclass(frozen=True)
class ImplementationCode:
    """A parsed 31-char implementation code or 33-char handling-item code."""

    uscc: str
    level: ExerciseLevel
    basic_code: str
    handling_suffix: str | None = None

    def __str__(self) -> str:
        return f"{self.uscc}{self.level.value}{self.basic_code}{self.handling_suffix or ''}"

    @property
    def item_type(self) -> ItemType:
        return item_type_of_basic_code(self.basic_code)


def derive_implementation_code(
    uscc: str, level: ExerciseLevel, basic_code: str, handling_suffix: str | None = None
) -> str:
    """The implementation code is always derived from its parts, never typed by hand."""
    if handling_suffix is not None and not re.fullmatch(r"[0-9]{2}", handling_suffix):
        raise CodeError(f"业务办理项序号应为2位数字：{handling_suffix}")
    return str(
        ImplementationCode(
            validate_uscc(uscc), level, validate_basic_code(basic_code), handling_suffix
        )
    )


def parse_implementation_code(raw: str) -> ImplementationCode:
    """Parse a 31-char implementation code or a 33-char handling-item code."""
    code = normalise(raw)
    if len(code) not in (31, 33):
        raise CodeError(f"实施编码应为31位（业务办理项编码33位），实为{len(code)}位：{code}")
    uscc = validate_uscc(code[:18])
    try:
        level = ExerciseLevel(code[18])
    except ValueError:
        raise CodeError(f"实施编码第19位行使层级代码应为1–7：{code}") from None
    basic_code = validate_basic_code(code[19:31])
    suffix = code[31:] or None
    if suffix is not None and not re.fullmatch(r"[0-9]{2}", suffix):
        raise CodeError(f"业务办理项编码最后2位应为数字：{code}")
    return ImplementationCode(uscc, level, basic_code, suffix)


# --- codes of the fee and intermediary lists -------------------------------------------------

FEE_ITEM_PREFIX = "SF"  # 收费
INTERMEDIARY_PREFIX = "ZJ"  # 中介
SCENARIO_PREFIX = "YJS"  # 一件事
_LIST_NAMES = {
    FEE_ITEM_PREFIX: "收费项目编码",
    INTERMEDIARY_PREFIX: "中介服务事项编码",
    SCENARIO_PREFIX: "一件事编码",
}
LIST_SEQUENCE_MAX = 999


def list_code(prefix: str, region_code: str, sequence: int) -> str:
    """`prefix` + the owning agency's county-level region code (6) + a 3-digit sequence, e.g.
    SF370100001: the first fee item kept by a Jinan municipal agency."""
    if not 1 <= sequence <= LIST_SEQUENCE_MAX:
        raise CodeError(f"{_LIST_NAMES[prefix]}序号已用尽（{region_code[:6]}）")
    return f"{prefix}{region_code[:6]}{sequence:03d}"


def validate_list_code(prefix: str, raw: str, region_code: str) -> str:
    """An explicit list code: well-formed, and in the owning agency's region."""
    code, name = normalise(raw), _LIST_NAMES[prefix]
    if not re.fullmatch(rf"{prefix}[0-9]{{6}}[0-9]{{3}}", code):
        length = len(prefix) + 9
        raise CodeError(f"{name}应为“{prefix}”+6位行政区划代码+3位序号（共{length}位）：{code}")
    region = code[len(prefix) : len(prefix) + 6]
    if region != region_code[:6]:
        raise CodeError(f"{name}中的行政区划代码应为机构所在区划 {region_code[:6]}：{code}")
    if code[-3:] == "000":
        raise CodeError(f"{name}序号应从001开始：{code}")
    return code


def normalise_list_code(prefix: str, raw: str) -> str:
    """A reference to a list record by code, normalised and checked for its shape only."""
    code = normalise(raw)
    if not re.fullmatch(rf"{prefix}[0-9]{{9}}", code):
        raise CodeError(f"{_LIST_NAMES[prefix]}格式错误：{code}")
    return code
