"""The import templates: per kind, ordered columns with Chinese headers.

A column is either an identity column (the record's code, its owning agency, the catalog item it
implements, the effective date for `--publish`) or one top-level field of the kind's content
model. How a content cell is written follows from the field's type: text, a whole number, 是/否,
a code of a code list (its GB/T code, or its Chinese label), or, for anything nested (lists,
objects), one JSON value in the cell.
"""

import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Any

from pydantic import BaseModel

from models.content import (
    CatalogItemContent,
    FeeItemContent,
    IntermediaryServiceContent,
    ServiceItemContent,
)


class CellType(StrEnum):
    TEXT = "text"
    INT = "int"
    BOOL = "bool"
    CODE_LIST = "code_list"  # one member of a code list
    JSON = "json"  # lists and objects
    CODE = "code"  # a catalog, implementation, list or agency code: NFKC, no spaces, upper case
    LEVEL = "level"  # exercise level digit
    DATE = "date"


@dataclass(frozen=True)
class Column:
    header: str  # the Chinese header, as written in XLSX and CSV files
    key: str  # the English key, as written in JSON Lines
    type: CellType
    required: bool
    content: bool  # a field of the content model, else an identity column
    meaning: str
    enum: type[StrEnum] | None = None


@dataclass(frozen=True)
class Template:
    slug: str  # catalog-items, service-items, fee-items, intermediary-services
    title: str
    columns: tuple[Column, ...]
    content_model: type[BaseModel]
    code_key: str  # the identity column that names the record (may be derived)

    @cached_property
    def by_header(self) -> dict[str, Column]:
        return {column.header: column for column in self.columns}

    @cached_property
    def by_key(self) -> dict[str, Column]:
        return {column.key: column for column in self.columns}

    def column_of_field(self, field: str) -> Column | None:
        return self.by_key.get(field)


def _content_columns(model: type[BaseModel], headers: dict[str, tuple[str, str]]) -> list[Column]:
    """One column per field of `model`, in its field order; `headers`: field → (header, meaning)."""
    missing = set(model.model_fields) ^ set(headers)
    if missing:  # a new content field needs its header here (tests/imports check this too)
        raise RuntimeError(f"template headers out of step with {model.__name__}: {missing}")
    columns = []
    for name, info in model.model_fields.items():
        cell_type, enum = _cell_type(info.annotation)
        header, meaning = headers[name]
        columns.append(Column(header, name, cell_type, info.is_required(), True, meaning, enum))
    return columns


def _cell_type(annotation: Any) -> tuple[CellType, type[StrEnum] | None]:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        annotation = args[0]
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if annotation is bool:
        return CellType.BOOL, None
    if annotation is int:
        return CellType.INT, None
    if annotation in (str, Decimal):
        return CellType.TEXT, None
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return CellType.CODE_LIST, annotation
    return CellType.JSON, None


EFFECTIVE_DATE = Column(
    "生效日期",
    "effective_date",
    CellType.DATE,
    False,
    False,
    "仅在 --publish 时使用：新版本生效的日期（北京时间零点）；今天或更早则立即生效",
)

CATALOG_ITEMS = Template(
    "catalog-items",
    "基本目录事项",
    (
        Column(
            "基本编码",
            "code",
            CellType.CODE,
            True,
            False,
            "12位基本编码；业务办理项为14位（子项编码+2位序号）",
        ),
        Column(
            "事项类型",
            "item_type",
            CellType.TEXT,
            False,
            False,
            "可不填；填写时须与基本编码第3–4位一致（代码如01，或名称如行政许可）",
        ),
        *_content_columns(
            CatalogItemContent,
            {
                "name": ("事项名称", "事项名称"),
                "aliases": ("别名", "俗称、曾用名（JSON 字符串数组）"),
                "legal_basis": ("设定依据", "法律法规依据（JSON 数组，每项 title/article/…）"),
                "supervising_department": ("主管部门", "中央业务指导（实施）部门"),
                "levels": ("行使层级", '行使层级代码（JSON 数组，如 ["3","4"]）'),
                "service_objects": ("服务对象", '服务对象代码（JSON 数组，如 ["1","2"]）'),
                "accept_conditions": ("受理条件", "受理条件"),
                "baseline_materials": ("基本申请材料", "基本目录规定的申请材料（JSON 数组）"),
                "statutory_time_limit": ("法定办结时限", 'JSON 对象，如 {"value":20,"unit":"1"}'),
                "exercise_content": ("行使内容", "各层级行使内容"),
                "local_code": ("地方基本编码", "地方编码别名"),
            },
        ),
        EFFECTIVE_DATE,
    ),
    CatalogItemContent,
    "code",
)

SERVICE_ITEMS = Template(
    "service-items",
    "实施清单事项",
    (
        Column(
            "实施编码",
            "code",
            CellType.CODE,
            False,
            False,
            "31/33位实施编码；由后三列推导，可不填，填写时须与推导结果一致",
        ),
        Column(
            "基本编码",
            "catalog_code",
            CellType.CODE,
            True,
            False,
            "所实施的基本目录事项编码（12位，业务办理项14位）",
        ),
        Column(
            "实施主体统一社会信用代码",
            "agency_uscc",
            CellType.CODE,
            True,
            False,
            "实施机构的18位统一社会信用代码（含校验位）",
        ),
        Column(
            "行使层级",
            "level",
            CellType.LEVEL,
            False,
            False,
            "行使层级代码1–7；不填则取实施机构的层级",
        ),
        *_content_columns(
            ServiceItemContent,
            {
                "local_codes": ("地方实施编码", "JSON 字符串数组"),
                "undertaking_unit": ("承办机构", "承办机构"),
                "joint_agencies": ("联办机构", "JSON 字符串数组"),
                "power_source": ("权力来源", "权力来源代码或名称"),
                "handling_kind": ("办件类型", "1 即办件，2 承诺件，9 其他"),
                "promised_time_limit": ("承诺办结时限", 'JSON 对象，如 {"value":5,"unit":"1"}'),
                "onsite_visits": ("到办事现场次数", "整数 0–10"),
                "onsite_visits_reason": ("必须现场办理原因说明", "到现场次数不为0时的原因"),
                "online_depth": ("网上办理深度", "1 事项公开 … 4 全程网办"),
                "online_stages": ("网办环节", "JSON 数组，环节代码"),
                "channels": ("办理渠道", "JSON 对象（window/pc_url/mobile_url/…）"),
                "handling_forms": ("办理形式", "JSON 数组，办理形式代码"),
                "materials": ("申请材料", "本地申请材料（JSON 数组）"),
                "material_notes": ("材料说明", "对基本材料的本地说明（JSON 数组）"),
                "process": ("办理流程", "JSON 数组，每步 name/handler/time_limit/…"),
                "charging": ("是否收费", "是 / 否"),
                "fee_basis": ("收费依据", "收费依据"),
                "fees": ("收费项目", "JSON 数组，每项 fee_item（SF编码）/amount/note"),
                "intermediaries": ("中介服务", "JSON 数组，中介服务事项编码（ZJ…）"),
                "faqs": ("常见问题", "JSON 数组，每项 question/answer"),
                "result": ("办理结果", "JSON 对象 name/result_type/sample"),
                "address": ("办理地点", "办理地点"),
                "hours": ("办理时间", "办理时间"),
                "consult_phone": ("咨询电话", "咨询电话（含区号0531）"),
                "supervise_phone": ("监督投诉电话", "监督投诉电话"),
                "themes": ("服务主题", "JSON 字符串数组"),
                "service_scope": ("通办范围", "通办范围代码或名称"),
                "quantity_limit": ("数量限制", "数量限制"),
                "special_procedure": ("特别程序", "特别程序"),
                "responsibilities": ("权责清单", "JSON 对象 steps/accountability/…"),
                "notes": ("备注", "备注"),
            },
        ),
        EFFECTIVE_DATE,
    ),
    ServiceItemContent,
    "code",
)

FEE_ITEMS = Template(
    "fee-items",
    "行政事业性收费项目",
    (
        Column(
            "收费项目编码",
            "code",
            CellType.CODE,
            True,
            False,
            "SF + 执收部门所在6位行政区划代码 + 3位序号",
        ),
        Column(
            "执收部门统一社会信用代码",
            "agency_uscc",
            CellType.CODE,
            True,
            False,
            "执收部门的18位统一社会信用代码",
        ),
        *_content_columns(
            FeeItemContent,
            {
                "name": ("收费项目名称", "收费项目名称"),
                "payer": ("征收对象", "缴费对象"),
                "standard": ("收费标准", "JSON 对象 text/amount/min_amount/max_amount/unit"),
                "basis": ("政策依据", "JSON 数组，每项 title/document_number/…"),
                "fund_management": ("资金管理方式", "1 缴入国库，2 缴入财政专户"),
                "reductions": ("减免", "JSON 数组，每项 description/basis"),
                "note": ("备注", "备注"),
            },
        ),
        EFFECTIVE_DATE,
    ),
    FeeItemContent,
    "code",
)

INTERMEDIARY_SERVICES = Template(
    "intermediary-services",
    "中介服务事项",
    (
        Column(
            "中介服务事项编码",
            "code",
            CellType.CODE,
            True,
            False,
            "ZJ + 审批部门所在6位行政区划代码 + 3位序号",
        ),
        Column(
            "审批部门统一社会信用代码",
            "agency_uscc",
            CellType.CODE,
            True,
            False,
            "审批部门的18位统一社会信用代码",
        ),
        *_content_columns(
            IntermediaryServiceContent,
            {
                "name": ("中介服务事项名称", "中介服务事项名称"),
                "approval_items": ("审批事项基本编码", "JSON 数组，涉及的审批事项基本编码"),
                "basis": ("设定依据", "JSON 数组，每项 title/article/…"),
                "provider_nature": ("机构性质", "中介机构性质代码或名称"),
                "provider_requirements": ("机构要求", "对中介机构的要求"),
                "service_content": ("服务内容", "服务内容"),
                "charging": ("收费方式", "收费方式代码或名称"),
                "fee_standard": ("收费标准", "收费标准"),
                "fee_basis": ("收费依据", "收费依据"),
                "note": ("备注", "备注"),
            },
        ),
        EFFECTIVE_DATE,
    ),
    IntermediaryServiceContent,
    "code",
)

TEMPLATES = {
    template.slug: template
    for template in (CATALOG_ITEMS, SERVICE_ITEMS, FEE_ITEMS, INTERMEDIARY_SERVICES)
}
