"""Reading cells: dates as agencies type them, codes folded, labels or codes of code lists."""

from datetime import date

import pytest

from catalog_api.catalog.imports.cells import CellError, enum_code, read_cell, read_date
from catalog_api.catalog.imports.templates import SERVICE_ITEMS, TEMPLATES
from models.enums import HandlingKind


@pytest.mark.parametrize(
    "typed",
    [
        "2026-11-27",
        "2026/11/27",
        "2026年11月27日",
        "20261127",
        "2026.11.27",
        "２０２６年１１月２７日",
    ],
)
def test_dates_in_the_formats_agencies_type(typed: str) -> None:
    assert read_date(typed) == date(2026, 11, 27)


@pytest.mark.parametrize(
    ("typed", "message"),
    [("2026-02-30", "不存在的日期：2026-02-30"), ("下周一", "日期格式无法识别：下周一")],
)
def test_dates_that_are_not_dates(typed: str, message: str) -> None:
    with pytest.raises(CellError, match=message):
        read_date(typed)


def test_codes_are_folded_and_spaces_dropped() -> None:
    column = SERVICE_ITEMS.by_key["catalog_code"]

    assert read_cell(column, "３７０１ 00001 000") == "370100001000"


def test_code_lists_take_the_code_or_the_label() -> None:
    assert enum_code(HandlingKind, "即办件") == "1"
    assert enum_code(HandlingKind, "２") == "2"
    with pytest.raises(CellError, match="不是有效的代码：急件"):
        enum_code(HandlingKind, "急件")


def test_every_template_has_unique_headers_and_keys() -> None:
    for template in TEMPLATES.values():
        headers = [column.header for column in template.columns]
        keys = [column.key for column in template.columns]
        assert len(set(headers)) == len(headers), template.slug
        assert len(set(keys)) == len(keys), template.slug
