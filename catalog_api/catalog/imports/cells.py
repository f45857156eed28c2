"""Reading one cell: normalise what is safely normalisable, reject the rest with a message.

Spreadsheet and CSV cells arrive as text (or a date, from an XLSX date cell); JSON Lines values
arrive typed. Codes are folded with NFKC (full-width digits and letters), spaces inside them are
dropped and letters upper-cased; text is only stripped (NFKC would turn the Chinese full-width
punctuation of a guide into ASCII). Dates are accepted as agencies type them: 2026-11-27,
2026/11/27, 2026.11.27, 2026年11月27日, 20261127.
"""

import json
import re
import unicodedata
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from openpyxl.utils import get_column_letter

from catalog_api.catalog.imports.templates import CellType, Column
from models.codes import normalise

_DATE_SEPARATED = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TRUE = {"是", "true", "1", "y", "yes"}
_FALSE = {"否", "false", "0", "n", "no"}


class CellError(ValueError):
    """A cell that cannot be read; the message says why, for the person who typed it."""


def cell_ref(column_index: int, row_number: int) -> str:
    """`C7`: the spreadsheet reference of a 0-based column in a 1-based row."""
    return f"{get_column_letter(column_index + 1)}{row_number}"


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_cell(column: Column, value: Any) -> Any:
    """The value for the content model (or the identity field) of one non-blank cell."""
    reader = _READERS[column.type]
    return reader(column, value)


def _text(column: Column, value: Any) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise CellError("应为文本")
    return _as_text(value).strip()


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an XLSX number cell holding what was meant as text
    return str(value)


def _code(column: Column, value: Any) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise CellError("编码应为文本")
    return normalise(_as_text(value))


def _int(column: Column, value: Any) -> int:
    if isinstance(value, bool):
        raise CellError("应为整数")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not re.fullmatch(r"-?\d+", text):
        raise CellError(f"应为整数：{value}")
    return int(text)


def _bool(column: Column, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = unicodedata.normalize("NFKC", _as_text(value)).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"应填“是”或“否”：{value}")


def _code_list(column: Column, value: Any) -> str:
    assert column.enum is not None
    return enum_code(column.enum, value)


def enum_code(enum: type[StrEnum], value: Any) -> str:
    """A member's code from its code (`1`) or its Chinese label (`即办件`)."""
    text = unicodedata.normalize("NFKC", _as_text(value)).strip()
    for member in enum:
        label = unicodedata.normalize("NFKC", _label(member))
        # `全程网办` for `全程网办（四级）`: the bracket is the level, not the name people type
        if text in (member.value, label, re.sub(r"\(.*\)$", "", label)):
            return member.value
    choices = "、".join(f"{m.value} {_label(m)}" for m in enum)
    raise CellError(f"不是有效的代码：{value}（可填：{choices}）")


def _label(member: StrEnum) -> str:
    return str(getattr(member, "label", member.value))


def _level(column: Column, value: Any) -> str:
    text = unicodedata.normalize("NFKC", _as_text(value)).strip()
    if not re.fullmatch(r"[1-7]", text):
        raise CellError(f"行使层级代码应为1–7：{value}")
    return text


def _json(column: Column, value: Any) -> Any:
    if not isinstance(value, str):
        return value  # JSON Lines: already a list or object
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise CellError(f"不是有效的 JSON（第{exc.colno}个字符处：{exc.msg}）") from None


def read_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = unicodedata.normalize("NFKC", _as_text(value)).strip()
    match = _DATE_SEPARATED.match(text) or _DATE_COMPACT.match(text)
    if match is None:
        raise CellError(
            f"日期格式无法识别：{value}（可用 2026-11-27、2026/11/27、2026年11月27日、20261127）"
        )
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise CellError(f"不存在的日期：{value}") from None


def _date(column: Column, value: Any) -> date:
    return read_date(value)


_READERS = {
    CellType.TEXT: _text,
    CellType.CODE: _code,
    CellType.INT: _int,
    CellType.BOOL: _bool,
    CellType.CODE_LIST: _code_list,
    CellType.LEVEL: _level,
    CellType.JSON: _json,
    CellType.DATE: _date,
}


def write_cell(column: Column, value: Any) -> str | None:
    """The text of a cell in XLSX and CSV files; None for a blank cell."""
    if value is None or value == [] or value == {}:
        return None
    if column.type is CellType.BOOL:
        return "是" if value else "否"
    if column.type is CellType.JSON:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
