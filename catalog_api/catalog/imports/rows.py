"""A raw row to a checked one: cells read, identity resolved, content validated.

Pure apart from the agencies it is handed (USCC → Agency). Every problem is one message that
starts with the cell reference and the column's header: `C7 基本编码：…`.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError

from catalog_api.catalog.imports.cells import CellError, enum_code, read_cell
from catalog_api.catalog.imports.readers import RawRow, Sheet
from catalog_api.catalog.imports.templates import (
    CATALOG_ITEMS,
    FEE_ITEMS,
    SERVICE_ITEMS,
    Column,
    Template,
)
from models import Agency
from models.codes import (
    FEE_ITEM_PREFIX,
    INTERMEDIARY_PREFIX,
    CodeError,
    derive_implementation_code,
    item_type_of_basic_code,
    normalise_catalog_code,
    validate_list_code,
    validate_uscc,
)
from models.enums import ExerciseLevel, ItemType


@dataclass
class Row:
    number: int
    code: str | None = None  # the record's code (derived for service items)
    identity: dict[str, Any] = field(default_factory=dict)
    content: BaseModel | None = None
    effective_date: date | None = None
    errors: list[str] = field(default_factory=list)
    code_ref: str = ""  # where the code came from, for duplicate messages
    patch: Any = None  # a list file's row: edits applied to the current content when planned
    content_read: bool = False  # a template row's content is read (and dropped) batch by batch

    @property
    def ok(self) -> bool:
        has_content = self.content is not None or self.patch is not None
        return not self.errors and has_content and self.code is not None


def check_row(raw: RawRow, sheet: Sheet, template: Template, agencies: dict[str, Agency]) -> Row:
    """The row's identity (its code, agency, catalog item) and effective date. Its content is
    read later, a batch at a time (`read_content`), so a file is never all models at once."""
    row = Row(raw.number, errors=list(raw.problems))
    values = _read_cells(row, raw, template, content=False)
    row.effective_date = values.get("effective_date")
    _resolve_identity(row, raw, sheet, template, values, agencies)
    return row


def read_content(row: Row, raw: RawRow, sheet: Sheet, template: Template) -> None:
    """The row's content model from its cells (`raw`, read again from the file), or its
    problems; again after `release`."""
    if row.content is not None or (row.content_read and row.errors):
        return
    row.content_read = True
    values = _read_cells(row, raw, template, content=True)
    _validate_content(row, raw, sheet, template, values)


def release(row: Row) -> None:
    """Drop the content model once the row's batch is done; `read_content` reads it again."""
    row.content = None


def _read_cells(row: Row, raw: RawRow, template: Template, *, content: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, (ref, value) in raw.cells.items():
        column = template.by_key[key]
        if column.content is not content:
            continue
        try:
            values[key] = read_cell(column, value)
        except CellError as exc:
            row.errors.append(_message(ref, column, str(exc)))
    return values


def _message(ref: str, column: Column, text: str) -> str:
    return f"{ref} {column.header}：{text}"


def _ref(raw: RawRow, sheet: Sheet, key: str) -> str:
    cell = raw.cells.get(key)
    return cell[0] if cell is not None else sheet.ref(key, raw.number)


def _resolve_identity(
    row: Row,
    raw: RawRow,
    sheet: Sheet,
    template: Template,
    values: dict[str, Any],
    agencies: dict[str, Agency],
) -> None:
    def fail(key: str, text: str) -> None:
        row.errors.append(_message(_ref(raw, sheet, key), template.by_key[key], text))

    for column in template.columns:
        if column.required and not column.content and column.key not in raw.cells:
            fail(column.key, "必填，不能为空")
    row.code_ref = _ref(raw, sheet, "catalog_code" if template is SERVICE_ITEMS else "code")
    try:
        if template is CATALOG_ITEMS:
            _catalog_identity(row, values, fail)
        elif template is SERVICE_ITEMS:
            _service_identity(row, values, agencies, fail)
        else:
            _list_identity(row, template, values, agencies, fail)
    except _Stop:
        row.code = None


class _Stop(Exception):
    """An identity cell is wrong; the message is already recorded."""


def _checked(fail: Any, key: str, check: Any, value: str) -> str:
    try:
        return str(check(value))
    except CodeError as exc:
        fail(key, str(exc))
        raise _Stop from None


def _catalog_identity(row: Row, values: dict[str, Any], fail: Any) -> None:
    if "code" not in values:
        raise _Stop
    code = _checked(fail, "code", normalise_catalog_code, values["code"])
    if "item_type" in values:
        expected = item_type_of_basic_code(code)
        try:
            given = enum_code(ItemType, values["item_type"])
        except CellError as exc:
            fail("item_type", str(exc))
            raise _Stop from None
        if given != expected.value:
            fail("item_type", f"与基本编码不一致：编码中为 {expected.value} {expected.label}")
            raise _Stop
    row.code = code


def _agency(values: dict[str, Any], agencies: dict[str, Agency], fail: Any) -> Agency:
    if "agency_uscc" not in values:
        raise _Stop
    uscc = _checked(fail, "agency_uscc", validate_uscc, values["agency_uscc"])
    agency = agencies.get(uscc)
    if agency is None:
        fail("agency_uscc", f"机构 {uscc} 不存在（请先在机构名录中登记）")
        raise _Stop
    return agency


def _service_identity(
    row: Row, values: dict[str, Any], agencies: dict[str, Agency], fail: Any
) -> None:
    catalog_code = None
    if "catalog_code" in values:
        catalog_code = _checked(
            fail, "catalog_code", normalise_catalog_code, values["catalog_code"]
        )
    agency = _agency(values, agencies, fail)
    if catalog_code is None:
        raise _Stop
    level = ExerciseLevel(values["level"]) if "level" in values else agency.level
    code = derive_implementation_code(
        agency.uscc, level, catalog_code[:12], catalog_code[12:] or None
    )
    if "code" in values and values["code"] != code:
        fail("code", f"与基本编码、实施主体和行使层级推导出的 {code} 不一致：{values['code']}")
        raise _Stop
    row.code = code
    row.identity = {"catalog_code": catalog_code, "agency_uscc": agency.uscc, "level": level}


def _list_identity(
    row: Row,
    template: Template,
    values: dict[str, Any],
    agencies: dict[str, Agency],
    fail: Any,
) -> None:
    agency = _agency(values, agencies, fail)
    if "code" not in values:
        raise _Stop
    prefix = FEE_ITEM_PREFIX if template is FEE_ITEMS else INTERMEDIARY_PREFIX
    code = _checked(
        fail,
        "code",
        lambda raw: validate_list_code(prefix, raw, agency.region_code),
        values["code"],
    )
    row.code = code
    row.identity = {"agency_uscc": agency.uscc}


def _validate_content(
    row: Row, raw: RawRow, sheet: Sheet, template: Template, values: dict[str, Any]
) -> None:
    data = {c.key: values[c.key] for c in template.columns if c.content and c.key in values}
    failed_cells = [
        c.key for c in template.columns if c.content and c.key in raw.cells and c.key not in values
    ]
    if failed_cells:
        return  # the cell could not be read: its message is there already
    try:
        row.content = template.content_model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            key = str(error["loc"][0]) if error["loc"] else ""
            column = template.by_key.get(key)
            where = ".".join(str(part) for part in error["loc"][1:])
            text = "必填，不能为空" if error["type"] == "missing" else str(error["msg"])
            text = f"{where}：{text}" if where else text
            if column is None:
                row.errors.append(f"第{row.number}行：{text}")
            else:
                row.errors.append(_message(_ref(raw, sheet, key), column, text))
