"""The public lists as agencies publish them: Chinese column headers and one row per entry,
read in keyset chunks (each in its own short read) so a list of any length streams in bounded
memory. No HTTP here: the export endpoint and the CLI write these rows as CSV or XLSX."""

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from catalog_api.catalog.kinds import (
    CATALOG_ITEM,
    FEE_ITEM,
    INTERMEDIARY_SERVICE,
    SERVICE_ITEM,
    Kind,
)
from catalog_api.catalog.queries import history, items, reference
from catalog_api.catalog.queries.lists import ListFilter, ListName, charging_items, list_page
from catalog_api.db import Database
from models.content import (
    CatalogItemContent,
    FeeItemContent,
    IntermediaryServiceContent,
    LegalBasis,
    ServiceItemContent,
)

AS_OF_PROPERTY = "yichuang.asOf"  # an exported XLSX list's moment, as a custom property
CHUNK = 500
CHARGING_SHOWN = 50  # items named per fee item; the count says how many there are in all

TITLES = {
    ListName.POWER: "权责清单",
    ListName.FEE: "行政事业性收费清单",
    ListName.INTERMEDIARY: "中介服务事项清单",
    ListName.PUBLIC_SERVICE: "公共服务事项清单",
    ListName.TRIP: "最多跑一次事项清单",
}
ZERO_TRIP_TITLE = "零跑腿事项清单"

# fmt: off
HEADERS = {
    ListName.POWER: (
        "序号", "职权编码", "职权名称", "职权类型", "实施主体", "承办机构", "行使层级", "权力来源",
        "设定依据", "责任事项", "追责情形", "追责依据", "监督电话",
    ),
    ListName.FEE: (
        "序号", "收费项目编码", "项目名称", "执收部门", "征收对象", "征收标准", "政策依据及文号",
        "资金管理方式", "减免政策", "收费事项数", "收费事项", "备注",
    ),
    ListName.INTERMEDIARY: (
        "序号", "中介服务事项编码", "中介服务事项名称", "涉及的审批事项", "审批部门", "设定依据",
        "机构性质", "服务内容", "收费方式", "收费标准", "收费依据",
    ),
    ListName.PUBLIC_SERVICE: (
        "序号", "实施编码", "事项名称", "事项类型", "实施主体", "行使层级", "设定依据",
        "承诺办结时限", "到办事现场次数", "网上办理深度", "办理地点", "办理时间", "咨询电话",
    ),
    ListName.TRIP: (
        "序号", "实施编码", "事项名称", "事项类型", "实施主体", "到办事现场次数",
        "必须现场办理原因", "网上办理深度", "承诺办结时限", "办理地点", "咨询电话",
    ),
}
# fmt: on


@dataclass(frozen=True)
class ListRequest:
    """One list to read: which, filtered how, as of when; `max_trips` only for the trip list."""

    name: ListName
    where: ListFilter
    at: datetime
    max_trips: int | None = None

    @property
    def title(self) -> str:
        if self.name is ListName.TRIP and self.max_trips == 0:
            return ZERO_TRIP_TITLE
        return TITLES[self.name]

    @property
    def headers(self) -> tuple[str, ...]:
        return HEADERS[self.name]


async def region_name(database: Database, code: str | None) -> str | None:
    if code is None:
        return None
    async with database.read() as session:
        found = await reference.regions_by_codes(session, [code])
    return found[code].name if code in found else None


async def rows(database: Database, request: ListRequest) -> AsyncIterator[list[Any]]:
    """Every row of the list in code order, numbered from 1 (序号)."""
    after: str | None = None
    number = 0
    while True:
        async with database.read() as session:
            page = await list_page(
                session, request.name, request.where, request.at, CHUNK, after, request.max_trips
            )
            built = await _build(session, request, page.rows)
        for row in built:
            number += 1
            yield [number, *row]
        if not page.has_next or not page.rows:
            return
        after = page.rows[-1].record.code


def kind_of(name: ListName) -> Kind:
    """The kind of record one row of the list shows."""
    return {ListName.FEE: FEE_ITEM, ListName.INTERMEDIARY: INTERMEDIARY_SERVICE}.get(
        name, SERVICE_ITEM
    )


@dataclass(frozen=True)
class Printed:
    row: list[Any]  # without 序号
    effective_from: datetime  # of the version the row shows


async def rows_by_code(
    session: Any, name: ListName, codes: Sequence[str], at: datetime
) -> dict[str, Printed]:
    """The row the list shows for each code in force at `at`, whether or not the list's own
    condition (trips, power types) would show it: what an edited list is read against."""
    found = await items.by_codes(session, kind_of(name), codes, at)
    shown = list(found.values())
    built = await _build(session, ListRequest(name, ListFilter(), at), shown)
    return {
        s.record.code: Printed(row, s.version.effective_from)
        for s, row in zip(shown, built, strict=True)
    }


async def _build(session: Any, request: ListRequest, shown: Sequence[items.Shown]) -> list[list]:
    if not shown:
        return []
    agencies = await reference.agencies_by_ids(session, list({s.record.agency_id for s in shown}))
    if request.name is ListName.FEE:
        return await _fee_rows(session, request, shown, agencies)
    if request.name is ListName.INTERMEDIARY:
        return await _intermediary_rows(session, request, shown, agencies)
    catalogs = await history.catalog_versions_in_force(
        session, list({s.record.catalog_item_id for s in shown}), request.at
    )
    build = {
        ListName.POWER: _power_row,
        ListName.PUBLIC_SERVICE: _public_service_row,
        ListName.TRIP: _trip_row,
    }[request.name]
    # many items implement one catalog item: parse each catalog version once
    parsed = {
        record_id: CatalogItemContent.model_validate(version.content)
        for record_id, version in catalogs.items()
    }
    return [
        build(
            s.record,
            ServiceItemContent.model_validate(s.version.content),
            parsed[s.record.catalog_item_id],
            agencies[s.record.agency_id].name,
        )
        for s in shown
    ]


def _power_row(
    record: Any, local: ServiceItemContent, catalog: CatalogItemContent, agency: str
) -> list[Any]:
    duties = local.responsibilities
    return [
        record.code,
        catalog.name,
        record.item_type.label,
        agency,
        local.undertaking_unit or "",
        record.level.label,
        local.power_source.label if local.power_source else "",
        legal_basis_text(catalog.legal_basis),
        "\n".join(f"{s.step}：{s.duty}" for s in duties.steps) if duties else "",
        "\n".join(f"{i}. {a}" for i, a in enumerate(duties.accountability, 1)) if duties else "",
        (duties.accountability_basis or "") if duties else "",
        (duties.supervision_phone if duties else None) or local.supervise_phone or "",
    ]


def _public_service_row(
    record: Any, local: ServiceItemContent, catalog: CatalogItemContent, agency: str
) -> list[Any]:
    return [
        record.code,
        catalog.name,
        record.item_type.label,
        agency,
        record.level.label,
        legal_basis_text(catalog.legal_basis),
        str(local.promised_time_limit) if local.promised_time_limit else "",
        local.onsite_visits,
        local.online_depth.label,
        local.address or "",
        local.hours or "",
        local.consult_phone or "",
    ]


def _trip_row(
    record: Any, local: ServiceItemContent, catalog: CatalogItemContent, agency: str
) -> list[Any]:
    return [
        record.code,
        catalog.name,
        record.item_type.label,
        agency,
        local.onsite_visits,
        local.onsite_visits_reason or ("无需到现场" if local.onsite_visits == 0 else ""),
        local.online_depth.label,
        str(local.promised_time_limit) if local.promised_time_limit else "",
        local.address or "",
        local.consult_phone or "",
    ]


async def _fee_rows(
    session: Any, request: ListRequest, shown: Sequence[items.Shown], agencies: dict
) -> list[list[Any]]:
    codes = [s.record.code for s in shown]
    charging = await charging_items(
        session, codes, request.at, request.where.region_code, CHARGING_SHOWN
    )
    ids = [item_id for found in charging.values() for item_id in found.item_ids]
    charged = await items.by_ids(session, SERVICE_ITEM, ids, request.at)
    catalogs = await history.catalog_versions_in_force(
        session, list({s.record.catalog_item_id for s in charged.values()}), request.at
    )
    names = {
        item_id: CatalogItemContent.model_validate(catalogs[s.record.catalog_item_id].content).name
        for item_id, s in charged.items()
    }
    built = []
    for s in shown:
        fee = FeeItemContent.model_validate(s.version.content)
        found = charging[s.record.code]
        listed = "\n".join(f"{names[i]}（{charged[i].record.code}）" for i in found.item_ids)
        if found.total > len(found.item_ids):
            listed += f"\n等{found.total}项"
        built.append(
            [
                s.record.code,
                fee.name,
                agencies[s.record.agency_id].name,
                fee.payer or "",
                fee.standard.text,
                legal_basis_text(fee.basis),
                fee.fund_management.label,
                "\n".join(
                    r.description + (f"（{r.basis}）" if r.basis else "") for r in fee.reductions
                ),
                found.total,
                listed,
                fee.note or "",
            ]
        )
    return built


async def _intermediary_rows(
    session: Any, request: ListRequest, shown: Sequence[items.Shown], agencies: dict
) -> list[list[Any]]:
    contents = [IntermediaryServiceContent.model_validate(s.version.content) for s in shown]
    codes = list({code for content in contents for code in content.approval_items})
    approvals = await items.in_force_by_codes(session, CATALOG_ITEM, codes, request.at)
    built = []
    for s, content in zip(shown, contents, strict=True):
        named = [
            CatalogItemContent.model_validate(approvals[code].version.content).name
            if code in approvals
            else code
            for code in content.approval_items
        ]
        built.append(
            [
                s.record.code,
                content.name,
                "、".join(named),
                agencies[s.record.agency_id].name,
                legal_basis_text(content.basis),
                content.provider_nature.label,
                content.service_content or "",
                content.charging.label,
                content.fee_standard or "",
                content.fee_basis or "",
            ]
        )
    return built


def legal_basis_text(bases: Sequence[LegalBasis]) -> str:
    """设定依据 as lists print it: 《title》article（文号）, one per line."""
    return "\n".join(
        f"{b.title}{b.article or ''}" + (f"（{b.document_number}）" if b.document_number else "")
        for b in bases
    )
