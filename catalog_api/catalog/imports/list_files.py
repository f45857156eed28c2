"""The public lists as import files: a list exported (`/export/fee-list.xlsx`), corrected in a
spreadsheet program and imported again.

A list row names its record by code and shows some of its fields as the list prints them. Each
cell is compared with what the list shows now: a cell left as it was leaves its field alone, so
a row changes only what was edited. An edited cell of an editable column is read back into its
field, on top of the record's open draft (else its published version); an edited read-only
column (the item's name from the basic catalog, the agency, the counts) rejects the row and says
where that field is kept. A list edits published records only; it never creates one.
"""

import asyncio
import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cached_property
from itertools import islice
from typing import Any

from pydantic import BaseModel, ValidationError

from catalog_api.catalog import public_lists
from catalog_api.catalog.imports import list_cells as read
from catalog_api.catalog.imports.cells import CellError
from catalog_api.catalog.imports.list_cells import Apply
from catalog_api.catalog.imports.readers import RawRow, Sheet
from catalog_api.catalog.imports.rows import Row
from catalog_api.catalog.imports.templates import CellType, Column, Template
from catalog_api.catalog.kinds import Kind
from catalog_api.catalog.queries.lists import ListName
from catalog_api.db import Database
from models.codes import normalise
from models.enums import (
    FundManagement,
    IntermediaryCharging,
    OnlineDepth,
    PowerSource,
    ProviderNature,
)

BATCH = 500  # rows read against the catalog per read
BEIJING = timezone(timedelta(hours=8))


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


# --- the lists --------------------------------------------------------------------------------

_CATALOG = "来自基本目录事项：由目录管理员在基本目录中修改"
_CODE = "由实施编码决定，不能修改"
_AGENCY = "由编码中的机构决定，不能修改"


def _read_only(header: str, kept_in: str) -> ListColumn:
    return ListColumn(header, kept_in=kept_in)


def _column(header: str, apply: Apply, *fields: str) -> ListColumn:
    return ListColumn(header, fields, apply)


_TIME = _column("承诺办结时限", read.time_limit("promised_time_limit"), "promised_time_limit")
_VISITS = _column("到办事现场次数", read.count("onsite_visits"), "onsite_visits")
_DEPTH = _column("网上办理深度", read.code_list("online_depth", OnlineDepth), "online_depth")
_ADDRESS = _column("办理地点", read.text("address"), "address")
_PHONE = _column("咨询电话", read.text("consult_phone"), "consult_phone")

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
                _column("承办机构", read.text("undertaking_unit"), "undertaking_unit"),
                _read_only("行使层级", _CODE),
                _column(
                    "权力来源",
                    read.code_list("power_source", PowerSource, optional=True),
                    "power_source",
                ),
                _read_only("设定依据", _CATALOG),
                _column(
                    "责任事项",
                    read.duty("responsibilities", "steps", read.steps),
                    "responsibilities",
                ),
                _column(
                    "追责情形",
                    read.duty("responsibilities", "accountability", read.accountability),
                    "responsibilities",
                ),
                _column(
                    "追责依据",
                    read.duty("responsibilities", "accountability_basis", lambda t: t or None),
                    "responsibilities",
                ),
                _column("监督电话", read.supervision_phone, "responsibilities", "supervise_phone"),
            ),
        ),
        ListFile(
            ListName.FEE,
            "fee-items",
            (
                _column("项目名称", read.required_text("name"), "name"),
                _read_only("执收部门", _AGENCY),
                _column("征收对象", read.text("payer"), "payer"),
                _column("征收标准", read.fee_standard, "standard"),
                _column("政策依据及文号", read.bases("basis"), "basis"),
                _column(
                    "资金管理方式",
                    read.code_list("fund_management", FundManagement),
                    "fund_management",
                ),
                _column("减免政策", read.reductions, "reductions"),
                _read_only("收费事项数", "由各事项的收费项目汇总，在事项的办事指南中修改"),
                _read_only("收费事项", "由各事项的收费项目汇总，在事项的办事指南中修改"),
                _column("备注", read.text("note"), "note"),
            ),
        ),
        ListFile(
            ListName.INTERMEDIARY,
            "intermediary-services",
            (
                _column("中介服务事项名称", read.required_text("name"), "name"),
                _read_only("涉及的审批事项", "请在中介服务事项模板的“审批事项基本编码”列修改"),
                _read_only("审批部门", _AGENCY),
                _column("设定依据", read.bases("basis"), "basis"),
                _column(
                    "机构性质",
                    read.code_list("provider_nature", ProviderNature),
                    "provider_nature",
                ),
                _column("服务内容", read.text("service_content"), "service_content"),
                _column("收费方式", read.code_list("charging", IntermediaryCharging), "charging"),
                _column("收费标准", read.text("fee_standard"), "fee_standard"),
                _column("收费依据", read.text("fee_basis"), "fee_basis"),
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
                _column("办理时间", read.text("hours"), "hours"),
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
                _column("必须现场办理原因", read.reason, "onsite_visits_reason"),
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
    rows: list[Row] = []
    raws = sheet.rows()
    # reading the file is CPU work: off the event loop, a batch at a time
    while batch := await asyncio.to_thread(list, islice(raws, BATCH)):
        exported = _exported_at(sheet)  # known once the file is open
        codes = [normalise(_as_text(raw.cells["code"][1])) for raw in batch if "code" in raw.cells]
        async with database.read() as session:
            shown = await public_lists.rows_by_code(session, list_file.name, codes, at)
        rows.extend(_row(raw, sheet, list_file, shown, exported) for raw in batch)
    return rows


def _beijing(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def _exported_at(sheet: Sheet) -> datetime | None:
    """When the list was read for the file (XLSX exports say so; CSV files cannot)."""
    raw = sheet.properties.get(public_lists.AS_OF_PROPERTY)
    try:
        moment = datetime.fromisoformat(raw) if raw else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _row(
    raw: RawRow,
    sheet: Sheet,
    list_file: ListFile,
    shown: dict[str, public_lists.Printed],
    exported: datetime | None,
) -> Row:
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
    if exported is not None and current.effective_from > exported:
        row.errors.append(
            f"{row.code_ref} {code_header}：{row.code} 在导出（{_beijing(exported)}）之后"
            f"已发布新版本（{_beijing(current.effective_from)} 生效），文件中的内容已过时："
            "请重新导出清单后再修改"
        )
        return row
    patch = ListPatch(raw.number, list_file.kind)
    for column, printed in zip(list_file.columns, current.row[1:], strict=True):
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
