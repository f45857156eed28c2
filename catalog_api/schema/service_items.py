"""Implementation items (实施清单): one agency's guide, with the unified elements inherited live
from the catalog item in force at the moment read."""

from datetime import datetime
from typing import Any

import strawberry

from catalog_api.catalog.kinds import INTERMEDIARY_SERVICE, SERVICE_ITEM
from catalog_api.catalog.queries import items
from catalog_api.schema import content
from catalog_api.schema.catalog_items import CatalogItem
from catalog_api.schema.context import Info
from catalog_api.schema.diff import FieldChange
from catalog_api.schema.enums import (
    ExerciseLevel,
    HandlingForm,
    HandlingKind,
    ItemType,
    OnlineDepth,
    OnlineStage,
    PowerSource,
    ServiceObject,
    ServiceScope,
)
from catalog_api.schema.filters import ServiceItemFilter
from catalog_api.schema.history import version_by_number
from catalog_api.schema.list_records import FeeLine, IntermediaryService
from catalog_api.schema.pagination import Connection, connection, decode_cursor, page_size
from catalog_api.schema.reference import Agency
from catalog_api.schema.review_flags import ReviewFlag
from catalog_api.schema.versioned import Versioned, parsed, versioned_fields
from catalog_api.schema.visibility import drafts_visible
from models.content import CatalogItemContent, ServiceItemContent
from models.diff import diff
from models.enums import MaterialOrigin

# Local fields shown as stored: copied straight from the content model.
_COPIED = (
    "local_codes",
    "undertaking_unit",
    "joint_agencies",
    "power_source",
    "handling_kind",
    "onsite_visits",
    "onsite_visits_reason",
    "online_depth",
    "online_stages",
    "handling_forms",
    "charging",
    "fee_basis",
    "address",
    "hours",
    "consult_phone",
    "supervise_phone",
    "themes",
    "service_scope",
    "quantity_limit",
    "special_procedure",
    "notes",
)


@strawberry.type(description="An implementation item (实施清单事项) of one agency.")
class ServiceItem(Versioned):
    code: str = strawberry.field(description="实施编码 (31) or 业务办理项编码 (33), derived.")
    level: ExerciseLevel
    item_type: ItemType = strawberry.field(description="Inherited: 事项类型.")
    item_type_code: str
    local_codes: list[str] = strawberry.field(description="地方编码 aliases.")
    undertaking_unit: str | None = strawberry.field(description="承办机构.")
    joint_agencies: list[str] = strawberry.field(description="联办机构.")
    power_source: PowerSource | None
    handling_kind: HandlingKind
    promised_time_limit: content.TimeLimit | None = strawberry.field(description="承诺办结时限.")
    onsite_visits: int = strawberry.field(description="到办事现场次数.")
    onsite_visits_reason: str | None
    online_depth: OnlineDepth
    online_stages: list[OnlineStage]
    channels: content.Channels
    handling_forms: list[HandlingForm]
    process: list[content.ProcessStep]
    charging: bool
    fee_basis: str | None
    fees: list[FeeLine] = strawberry.field(description="Fees charged (收费项目), by fee item.")
    intermediary_codes: list[str] = strawberry.field(
        description="Codes of the intermediary services required (中介服务事项编码)."
    )
    faqs: list[content.Faq]
    result: content.Result | None
    address: str | None
    hours: str | None
    consult_phone: str | None
    supervise_phone: str | None
    themes: list[str]
    service_scope: ServiceScope
    quantity_limit: str | None
    special_procedure: str | None
    responsibilities: content.Responsibilities | None
    notes: str | None
    local: strawberry.Private[ServiceItemContent]
    at: strawberry.Private[datetime]

    @classmethod
    def of(cls, info: Info, record: Any, version: Any, at: datetime) -> "ServiceItem":
        data: ServiceItemContent = parsed(info, version, ServiceItemContent)
        plain = {name: getattr(data, name) for name in _COPIED}
        return cls(
            **versioned_fields("ServiceItem", SERVICE_ITEM.name, record, version),
            **plain,
            code=record.code,
            level=record.level,
            item_type=record.item_type,
            item_type_code=record.item_type.value,
            promised_time_limit=content.TimeLimit.of(data.promised_time_limit),
            channels=content.Channels(**data.channels.model_dump()),
            process=content.process(data.process),
            fees=[FeeLine.of(fee, at) for fee in data.fees],
            intermediary_codes=list(data.intermediaries),
            faqs=[content.Faq(question=f.question, answer=f.answer) for f in data.faqs],
            result=content.result(data.result),
            responsibilities=content.responsibilities(data.responsibilities),
            local=data,
            at=at,
        )

    async def _catalog(self, info: Info) -> tuple[Any, CatalogItemContent]:
        key = (self.record.catalog_item_id, self.at)
        version = await info.context.loaders.catalog_version_in_force.load(key)
        return version, parsed(info, version, CatalogItemContent)

    @strawberry.field(description="The catalog item implemented, as in force at this moment.")
    async def catalog_item(self, info: Info) -> CatalogItem:
        version, _ = await self._catalog(info)
        record = await info.context.loaders.catalog_record_by_id.load(self.record.catalog_item_id)
        return CatalogItem.of(info, record, version, self.at)

    @strawberry.field(description="Inherited: item name (事项名称).")
    async def name(self, info: Info) -> str:
        return (await self._catalog(info))[1].name

    @strawberry.field(description="Inherited: legal basis (设定依据).")
    async def legal_basis(self, info: Info) -> list[content.LegalBasis]:
        return content.legal_basis((await self._catalog(info))[1].legal_basis)

    @strawberry.field(description="Inherited: statutory time limit (法定办结时限).")
    async def statutory_time_limit(self, info: Info) -> content.TimeLimit | None:
        return content.TimeLimit.of((await self._catalog(info))[1].statutory_time_limit)

    @strawberry.field(description="Inherited: service objects (服务对象).")
    async def service_objects(self, info: Info) -> list[ServiceObject]:
        return list((await self._catalog(info))[1].service_objects)

    @strawberry.field(description="Inherited: acceptance conditions (受理条件).")
    async def accept_conditions(self, info: Info) -> str | None:
        return (await self._catalog(info))[1].accept_conditions

    @strawberry.field(description="Inherited: supervising department (主管部门).")
    async def supervising_department(self, info: Info) -> str | None:
        return (await self._catalog(info))[1].supervising_department

    @strawberry.field(description="Baseline materials (with local notes), then local ones.")
    async def materials(self, info: Info) -> list[content.Material]:
        _, catalog = await self._catalog(info)
        notes = {note.material: note.note for note in self.local.material_notes}
        return [
            *(
                content.Material.of(m, MaterialOrigin.BASELINE, notes.get(m.name))
                for m in catalog.baseline_materials
            ),
            *(
                content.Material.of(m, MaterialOrigin.LOCAL, notes.get(m.name))
                for m in self.local.materials
            ),
        ]

    @strawberry.field(description="Intermediary services required (中介服务), as in force then.")
    async def intermediaries(self, info: Info) -> list[IntermediaryService]:
        found = []
        for code in self.intermediary_codes:
            key = (INTERMEDIARY_SERVICE.name, code, self.at)
            shown = await info.context.loaders.in_force_by_code.load(key)
            if shown is not None:
                found.append(IntermediaryService.of(info, shown.record, shown.version, self.at))
        return found

    @strawberry.field(description="Catalog changes this item's local fields depend on (待复核).")
    async def review_flags(self, info: Info) -> list[ReviewFlag]:
        rows = await info.context.loaders.open_flags.load(self.record_id)
        return [ReviewFlag.of(row) for row in rows]

    @strawberry.field(
        description="How this guide differs from the catalog item in force: local materials "
        "and notes, and the promised against the statutory time limit."
    )
    async def diff_with_catalog(self, info: Info) -> list[FieldChange]:
        _, catalog = await self._catalog(info)
        notes = {note.material: note.note for note in self.local.material_notes}
        baseline = [
            m.model_dump(mode="json", exclude_none=True) for m in catalog.baseline_materials
        ]
        local_view = [
            {**m, "note": notes[m["name"]]} if m["name"] in notes else m for m in baseline
        ] + [_json(m) for m in self.local.materials]
        changes = diff(
            {"materials": baseline, "time_limit": _json(catalog.statutory_time_limit)},
            {"materials": local_view, "time_limit": _json(self.local.promised_time_limit)},
        )
        return [FieldChange.of(change) for change in changes]

    @strawberry.field(description="The open draft, for those who may edit or review it.")
    async def open_draft(self, info: Info) -> "ServiceItem | None":
        if not await drafts_visible(info, self.record):
            return None
        draft = await info.context.loaders.open_draft.load((self.kind, self.record_id))
        return None if draft is None else ServiceItem.of(info, self.record, draft, info.context.now)

    @strawberry.field(description="The implementing agency (实施主体).")
    async def agency(self, info: Info) -> Agency:
        return Agency.of(await info.context.loaders.agency_by_id.load(self.record.agency_id))

    @strawberry.field(description="A version of this item by number (drafts to editors).")
    async def version(self, info: Info, number: int) -> "ServiceItem | None":
        row = await version_by_number(info, self.kind, self.record, number)
        if row is None:
            return None
        return ServiceItem.of(info, self.record, row, row.effective_from or self.at)


def _json(value: Any) -> Any:
    return None if value is None else value.model_dump(mode="json", exclude_none=True)


async def service_items_connection(
    info: Info,
    filter: ServiceItemFilter | None,
    first: int | None,
    after: str | None,
    at: datetime,
    catalog_code: str | None = None,
) -> Connection[ServiceItem]:
    size = page_size(first, info.context.settings.max_page_size)
    after_code = decode_cursor(after)
    where = (filter or ServiceItemFilter()).to_query(catalog_code)
    async with info.context.database.read() as session:
        page = await items.service_items_page(session, where, at, size, after_code)

    async def count() -> int:
        async with info.context.database.read() as session:
            return await items.count_service_items(session, where, at)

    return connection(
        [ServiceItem.of(info, row.record, row.version, at) for row in page.rows],
        [row.record.code for row in page.rows],
        has_next=page.has_next,
        has_previous=after_code is not None,
        count=count,
    )
