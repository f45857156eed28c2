"""The public lists as import files: a list exported (`/export/fee-list.xlsx`), corrected in a
spreadsheet program and imported again.

A list row names its record by code and shows some of its fields as the list prints them. Each
cell is compared with what the list shows now: a cell left as it was leaves its field alone, so
a row changes only what was edited. An edited cell of an editable column is read back into its
field, on top of the record's open draft (else its published version); an edited read-only
column (the item's name from the basic catalog, the agency, the counts) rejects the row and says
where that field is kept. A list edits published records only; it never creates one.
"""

import copy
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ValidationError

from catalog_api.catalog import public_lists
from catalog_api.catalog.imports.cells import CellError, enum_code
from catalog_api.catalog.imports.readers import RawRow, Sheet
from catalog_api.catalog.imports.rows import Row
from catalog_api.catalog.imports.templates import CellType, Column, Template
from catalog_api.catalog.kinds import Kind
from catalog_api.catalog.queries.lists import ListName
from catalog_api.db import Database
from models.codes import normalise
from models.content import LegalBasis
from models.enums import (
    FundManagement,
    IntermediaryCharging,
    OnlineDepth,
    PowerSource,
    ProviderNature,
    TimeUnit,
)

BATCH = 500  # rows read against the catalog per read
Apply = Callable[[dict[str, Any], str], None]  # sets the field(s) of content (JSON) from a cell


@dataclass(frozen=True)
class ListColumn:
    """An editable column (`apply` sets `fields` from the cell) or a read-only one (`kept_in`
    says where its value is changed)."""

    header: str
    fields: tuple[str, ...] = ()
    apply: Apply | None = None
    kept_in: str = ""

    @property
    def meaning(self) -> str:
        return "可修改" if self.apply is not None else f"只读：{self.kept_in}"


@dataclass(frozen=True)
class ListFile:
    name: ListName
    kind_template: str  # the template that creates and fully edits this kind
    columns: tuple[ListColumn, ...]  # every header after 序号 and the code

    @property
    def slug(self) -> str:
        return self.name.value

    @property
    def headers(self) -> tuple[str, ...]:
        return public_lists.HEADERS[self.name]

    @property
    def kind(self) -> Kind:
        return public_lists.kind_of(self.name)

    @cached_property
    def template(self) -> Template:
        """The list's columns for the file readers: the code required, every cell read as text."""
        code = self.headers[1]
        columns = [
            Column(self.headers[0], "序号", CellType.TEXT, False, False, "序号，导入时不读"),
            Column(code, "code", CellType.CODE, True, False, "记录的编码，据此找到要修改的记录"),
            *(
                Column(c.header, c.header, CellType.TEXT, False, False, c.meaning)
                for c in self.columns
            ),
        ]
        title = public_lists.TITLES[self.name]
        return Template(self.slug, title, tuple(columns), self.kind.content, "code")

    def __post_init__(self) -> None:
        shown = tuple(column.header for column in self.columns)
        if shown != self.headers[2:]:  # a new list column needs its reading here
            raise RuntimeError(f"{self.name}: columns {shown} out of step with the export")


# --- reading cells back into fields ----------------------------------------------------------


def _text(field_name: str) -> Apply:
    def apply(content: dict[str, Any], text: str) -> None:
        content[field_name] = text or None

    return apply


def _required_text(field_name: str) -> Apply:
    def apply(content: dict[str, Any], text: str) -> None:
        if not text:
            raise CellError("不能为空")
        content[field_name] = text

    return apply


def _code_list(field_name: str, enum: type[StrEnum], *, optional: bool = False) -> Apply:
    def apply(content: dict[str, Any], text: str) -> None:
        if not text and optional:
            content[field_name] = None
        elif not text:
            raise CellError("不能为空")
        else:
            content[field_name] = enum_code(enum, text)

    return apply


def _count(field_name: str) -> Apply:
    def apply(content: dict[str, Any], text: str) -> None:
        folded = unicodedata.normalize("NFKC", text)
        if not re.fullmatch(r"\d+", folded):
            raise CellError(f"应为整数：{text}")
        content[field_name] = int(folded)

    return apply


_UNITS = {member.label: member.value for member in TimeUnit}
_TIME_LIMIT = re.compile(r"(\d+)\s*个?\s*(" + "|".join(_UNITS) + ")")


def _time_limit(field_name: str) -> Apply:
    """`5个工作日`, `3个小时`, `即办` (how the list prints a time limit); blank: none."""

    def apply(content: dict[str, Any], text: str) -> None:
        kept = content.get(field_name) or {}
        folded = unicodedata.normalize("NFKC", text).replace(" ", "")
        if not folded:
            content[field_name] = None
        elif folded == "即办":
            content[field_name] = {**kept, "value": 0}
        elif match := _TIME_LIMIT.fullmatch(folded):
            content[field_name] = {**kept, "value": int(match[1]), "unit": _UNITS[match[2]]}
        else:
            raise CellError(f"应写成“5个工作日”“3个小时”“即办”等：{text}")

    return apply


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _kept_or(existing: list[dict[str, Any]], render: Callable[[dict], str]) -> Callable:
    """A line equal to an existing entry's rendering keeps that entry (and what the list does not
    print of it, like a basis's full text); any other line is read afresh."""
    by_line = {render(entry): entry for entry in existing}
    return lambda line, read: by_line.get(line) or read(line)


def _basis_line(basis: dict[str, Any]) -> str:
    return public_lists.legal_basis_text([LegalBasis.model_validate(basis)])


_BASIS = re.compile(
    r"(?P<title>《[^》]+》|[^（(]+?)(?P<article>[^（(]*?)(?:[（(](?P<number>[^）)]+)[）)])?"
)


def _read_basis(line: str) -> dict[str, Any]:
    """`《title》article（文号）`, as the list prints a basis."""
    match = _BASIS.fullmatch(line)
    if match is None:
        raise CellError(f"无法读出依据：{line}（应为“《名称》条款（文号）”）")
    found = {"title": match["title"].strip(), "article": match["article"].strip() or None}
    found["document_number"] = match["number"].strip() if match["number"] else None
    return {key: value for key, value in found.items() if value}


def _bases(field_name: str) -> Apply:
    def apply(content: dict[str, Any], text: str) -> None:
        keep = _kept_or(content.get(field_name) or [], _basis_line)
        content[field_name] = [keep(line, _read_basis) for line in _lines(text)]

    return apply


def _reduction_line(reduction: dict[str, Any]) -> str:
    basis = reduction.get("basis")
    return reduction.get("description", "") + (f"（{basis}）" if basis else "")


def _read_reduction(line: str) -> dict[str, Any]:
    """`减免内容（依据）`: the last bracket, when the line ends with one, is the basis."""
    match = re.fullmatch(r"(?P<description>.+?)[（(](?P<basis>[^（(）)]+)[）)]", line)
    if match is None:
        return {"description": line}
    return {"description": match["description"].strip(), "basis": match["basis"].strip()}


def _reductions(content: dict[str, Any], text: str) -> None:
    keep = _kept_or(content.get("reductions") or [], _reduction_line)
    content["reductions"] = [keep(line, _read_reduction) for line in _lines(text)]


_AMOUNT = r"(\d+(?:\.\d+)?)"
_RANGE = re.compile(_AMOUNT + r"\s*元?\s*(?:-|–|—|~|～|至|到)\s*" + _AMOUNT + r"\s*元")
_ONE = re.compile(_AMOUNT + r"\s*元")


def _fee_standard(content: dict[str, Any], text: str) -> None:
    """The printed standard, and the amount read from it again: one `N元` is a fixed amount,
    `N–M元` a range, none a standard in words. Several amounts cannot be told apart."""
    if not text:
        raise CellError("不能为空")
    kept = {"text": text, "unit": (content.get("standard") or {}).get("unit")}
    folded = unicodedata.normalize("NFKC", text)
    ranges = _RANGE.findall(folded)
    amounts = _ONE.findall(_RANGE.sub("", folded))  # besides the ranges
    if len(ranges) == 1 and not amounts:
        kept |= {"min_amount": ranges[0][0], "max_amount": ranges[0][1]}
    elif not ranges and len(amounts) == 1:
        kept["amount"] = amounts[0]
    elif ranges or amounts:
        raise CellError(
            "含多个金额，无法确定收费金额：请在收费项目模板（fee-items）的收费标准列中分别填写"
        )
    content["standard"] = {key: value for key, value in kept.items() if value is not None}


def _duty(field_name: str, key: str, read: Callable[[str], Any]) -> Apply:
    """One part of 权责清单 (`responsibilities`), created when the item has none yet."""

    def apply(content: dict[str, Any], text: str) -> None:
        content[field_name] = {**(content.get(field_name) or {}), key: read(text)}

    return apply


def _steps(text: str) -> list[dict[str, str]]:
    steps = []
    for line in _lines(text):
        match = re.fullmatch(r"([^：:]+)[：:](.+)", line)
        if match is None:
            raise CellError(f"每行应为“环节：责任事项”：{line}")
        steps.append({"step": match[1].strip(), "duty": match[2].strip()})
    return steps


def _accountability(text: str) -> list[str]:
    return [re.sub(r"^\d+\s*[.、．]\s*", "", line) for line in _lines(text)]


def _supervision_phone(content: dict[str, Any], text: str) -> None:
    """The list prints the 权责清单's phone, else the guide's: the edit goes where it came from."""
    duties = content.get("responsibilities")
    if duties:
        content["responsibilities"] = {**duties, "supervision_phone": text or None}
    else:
        content["supervise_phone"] = text or None


def _reason(content: dict[str, Any], text: str) -> None:
    content["onsite_visits_reason"] = None if text in ("", "无需到现场") else text


# --- the lists --------------------------------------------------------------------------------

_CATALOG = "来自基本目录事项：由目录管理员在基本目录中修改"
_CODE = "由实施编码决定，不能修改"
_AGENCY = "由编码中的机构决定，不能修改"


def _read_only(header: str, kept_in: str) -> ListColumn:
    return ListColumn(header, kept_in=kept_in)


def _column(header: str, apply: Apply, *fields: str) -> ListColumn:
    return ListColumn(header, fields, apply)


_TIME = _column("承诺办结时限", _time_limit("promised_time_limit"), "promised_time_limit")
_VISITS = _column("到办事现场次数", _count("onsite_visits"), "onsite_visits")
_DEPTH = _column("网上办理深度", _code_list("online_depth", OnlineDepth), "online_depth")
_ADDRESS = _column("办理地点", _text("address"), "address")
_PHONE = _column("咨询电话", _text("consult_phone"), "consult_phone")

LIST_FILES = {
    list_file.slug: list_file
    for list_file in (
        ListFile(
            ListName.POWER,
            "service-items",
            (
                _read_only("职权名称", _CATALOG),
                _read_only("职权类型", _CODE),
                _read_only("实施主体", _AGENCY),
                _column("承办机构", _text("undertaking_unit"), "undertaking_unit"),
                _read_only("行使层级", _CODE),
                _column(
                    "权力来源",
                    _code_list("power_source", PowerSource, optional=True),
                    "power_source",
                ),
                _read_only("设定依据", _CATALOG),
                _column("责任事项", _duty("responsibilities", "steps", _steps), "responsibilities"),
                _column(
                    "追责情形",
                    _duty("responsibilities", "accountability", _accountability),
                    "responsibilities",
                ),
                _column(
                    "追责依据",
                    _duty("responsibilities", "accountability_basis", lambda t: t or None),
                    "responsibilities",
                ),
                _column("监督电话", _supervision_phone, "responsibilities", "supervise_phone"),
            ),
        ),
        ListFile(
            ListName.FEE,
            "fee-items",
            (
                _column("项目名称", _required_text("name"), "name"),
                _read_only("执收部门", _AGENCY),
                _column("征收对象", _text("payer"), "payer"),
                _column("征收标准", _fee_standard, "standard"),
                _column("政策依据及文号", _bases("basis"), "basis"),
                _column(
                    "资金管理方式",
                    _code_list("fund_management", FundManagement),
                    "fund_management",
                ),
                _column("减免政策", _reductions, "reductions"),
                _read_only("收费事项数", "由各事项的收费项目汇总，在事项的办事指南中修改"),
                _read_only("收费事项", "由各事项的收费项目汇总，在事项的办事指南中修改"),
                _column("备注", _text("note"), "note"),
            ),
        ),
        ListFile(
            ListName.INTERMEDIARY,
            "intermediary-services",
            (
                _column("中介服务事项名称", _required_text("name"), "name"),
                _read_only("涉及的审批事项", "请在中介服务事项模板的“审批事项基本编码”列修改"),
                _read_only("审批部门", _AGENCY),
                _column("设定依据", _bases("basis"), "basis"),
                _column(
                    "机构性质",
                    _code_list("provider_nature", ProviderNature),
                    "provider_nature",
                ),
                _column("服务内容", _text("service_content"), "service_content"),
                _column("收费方式", _code_list("charging", IntermediaryCharging), "charging"),
                _column("收费标准", _text("fee_standard"), "fee_standard"),
                _column("收费依据", _text("fee_basis"), "fee_basis"),
            ),
        ),
        ListFile(
            ListName.PUBLIC_SERVICE,
            "service-items",
            (
                _read_only("事项名称", _CATALOG),
                _read_only("事项类型", _CODE),
                _read_only("实施主体", _AGENCY),
                _read_only("行使层级", _CODE),
                _read_only("设定依据", _CATALOG),
                _TIME,
                _VISITS,
                _DEPTH,
                _ADDRESS,
                _column("办理时间", _text("hours"), "hours"),
                _PHONE,
            ),
        ),
        ListFile(
            ListName.TRIP,
            "service-items",
            (
                _read_only("事项名称", _CATALOG),
                _read_only("事项类型", _CODE),
                _read_only("实施主体", _AGENCY),
                _VISITS,
                _column("必须现场办理原因", _reason, "onsite_visits_reason"),
                _DEPTH,
                _TIME,
                _ADDRESS,
                _PHONE,
            ),
        ),
    )
}


# --- rows -------------------------------------------------------------------------------------


class PatchRejected(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class _Edit:
    column: ListColumn
    ref: str
    text: str


@dataclass
class ListPatch:
    """The edited cells of one row, applied to the record's current content when it is planned
    (inside the transaction that writes it, so a concurrent edit of another field survives)."""

    number: int
    kind: Kind
    edits: list[_Edit] = field(default_factory=list)

    def apply(self, current: dict[str, Any]) -> BaseModel:
        content = copy.deepcopy(current)
        errors = []
        for edit in self.edits:
            assert edit.column.apply is not None
            try:
                edit.column.apply(content, edit.text)
            except CellError as exc:
                errors.append(f"{edit.ref} {edit.column.header}：{exc}")
        if errors:
            raise PatchRejected(errors)
        try:
            return self.kind.content.model_validate(content)
        except ValidationError as exc:
            raise PatchRejected(self._messages(exc)) from None

    def _messages(self, exc: ValidationError) -> list[str]:
        messages = []
        for error in exc.errors(include_url=False):
            name = str(error["loc"][0]) if error["loc"] else ""
            where = ".".join(str(part) for part in error["loc"][1:])
            text = f"{where}：{error['msg']}" if where else str(error["msg"])
            edit = next((e for e in self.edits if name in e.column.fields), None)
            if edit is None:
                messages.append(f"第{self.number}行 {name}：{text}")
            else:
                messages.append(f"{edit.ref} {edit.column.header}：{text}")
        return messages


def _as_text(value: Any) -> str:
    """A cell or a list value as text, so a cell can be compared with what the list shows."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "\n".join(line.rstrip() for line in str(value).strip().splitlines())


async def list_rows(
    database: Database, list_file: ListFile, sheet: Sheet, at: datetime
) -> list[Row]:
    """Each row of a list file as a row to plan: its code, and its edits as a patch."""
    rows = []
    for start in range(0, len(sheet.rows), BATCH):
        batch = sheet.rows[start : start + BATCH]
        codes = [normalise(_as_text(raw.cells["code"][1])) for raw in batch if "code" in raw.cells]
        async with database.read() as session:
            shown = await public_lists.rows_by_code(session, list_file.name, codes, at)
        rows.extend(_row(raw, sheet, list_file, shown) for raw in batch)
    return rows


def _row(raw: RawRow, sheet: Sheet, list_file: ListFile, shown: dict[str, list[Any]]) -> Row:
    row = Row(raw.number, errors=list(raw.problems))
    code_header = list_file.headers[1]
    row.code_ref, value = raw.cells.get("code", (sheet.ref("code", raw.number), None))
    if value is None:
        row.errors.append(f"{row.code_ref} {code_header}：必填，不能为空")
        return row
    row.code = normalise(_as_text(value))
    current = shown.get(row.code)
    if current is None:
        row.errors.append(
            f"{row.code_ref} {code_header}：{row.code} 不在当前公布的{list_file.template.title}"
            f"记录中（未发布或已撤销）；新建请用 {list_file.kind_template} 模板导入"
        )
        return row
    patch = ListPatch(raw.number, list_file.kind)
    for column, printed in zip(list_file.columns, current[1:], strict=True):
        ref, cell = raw.cells.get(column.header, (sheet.ref(column.header, raw.number), None))
        text = _as_text(cell)
        if text == _as_text(printed):
            continue
        if column.apply is None:
            row.errors.append(f"{ref} {column.header}：此列不能在清单中修改（{column.kept_in}）")
        else:
            patch.edits.append(_Edit(column, ref, text))
    row.patch = patch
    return row
