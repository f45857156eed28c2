"""Fee items (行政事业性收费清单) and intermediary services (中介服务事项清单), and the fee lines
and intermediary links a service item reads through them."""

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from catalog_api.catalog.kinds import CATALOG_ITEM, FEE_ITEM, INTERMEDIARY_SERVICE
from catalog_api.schema import content
from catalog_api.schema.context import Info
from catalog_api.schema.enums import FundManagement, IntermediaryCharging, ProviderNature
from catalog_api.schema.filters import optional_code
from catalog_api.schema.history import version_by_number
from catalog_api.schema.pagination import page_size
from catalog_api.schema.reference import Agency
from catalog_api.schema.versioned import Versioned, parsed, versioned_fields
from catalog_api.schema.visibility import drafts_visible
from models import content as c

if TYPE_CHECKING:
    from catalog_api.schema.catalog_items import CatalogItem
    from catalog_api.schema.service_items import ServiceItem

CatalogItemRef = Annotated["CatalogItem", strawberry.lazy("catalog_api.schema.catalog_items")]
ServiceItemRef = Annotated["ServiceItem", strawberry.lazy("catalog_api.schema.service_items")]


@strawberry.type(description="A fee standard (收费标准), with its amount in yuan where it has one.")
class FeeStandard:
    text: str = strawberry.field(description="As published, e.g. 住宅类不动产登记每件80元.")
    amount: Decimal | None = strawberry.field(description="Fixed amount (元).")
    min_amount: Decimal | None = strawberry.field(description="Lower end of a range (元).")
    max_amount: Decimal | None = strawberry.field(description="Upper end of a range (元).")
    unit: str | None = strawberry.field(description="Charging unit, e.g. 元/件.")


@strawberry.type(description="A reduction or exemption (减免) and its basis.")
class FeeReduction:
    description: str
    basis: str | None


async def _owner(info: Info, record: Any) -> Agency:
    return Agency.of(await info.context.loaders.agency_by_id.load(record.agency_id))


@strawberry.type(description="The service items charging a fee item (收费事项).")
class ChargingItems:
    total_count: int = strawberry.field(description="How many charge it, in all.")
    items: list[ServiceItemRef] = strawberry.field(description="The first ones, by code.")


@strawberry.type(description="A fee item (收费项目) of the 行政事业性收费清单.")
class FeeItem(Versioned):
    code: str = strawberry.field(description="收费项目编码, e.g. SF370100001.")
    name: str = strawberry.field(description="收费项目名称.")
    payer: str | None = strawberry.field(description="征收对象.")
    standard: FeeStandard = strawberry.field(description="收费标准.")
    basis: list[content.LegalBasis] = strawberry.field(description="政策依据 (文件名称及文号).")
    fund_management: FundManagement = strawberry.field(description="资金管理方式.")
    reductions: list[FeeReduction] = strawberry.field(description="减免政策及依据.")
    reducible: bool = strawberry.field(description="Whether any reduction applies (是否允许减免).")
    note: str | None = strawberry.field(description="备注.")
    at: strawberry.Private[datetime]

    @classmethod
    def of(cls, info: Info, record: Any, version: Any, at: datetime) -> "FeeItem":
        data: c.FeeItemContent = parsed(info, version, c.FeeItemContent)
        return cls(
            **versioned_fields("FeeItem", FEE_ITEM.name, record, version),
            code=record.code,
            at=at,
            name=data.name,
            payer=data.payer,
            standard=FeeStandard(**data.standard.model_dump()),
            basis=content.legal_basis(data.basis),
            fund_management=data.fund_management,
            reductions=[FeeReduction(**r.model_dump()) for r in data.reductions],
            reducible=data.reducible,
            note=data.note,
        )

    @strawberry.field(description="The collecting agency (执收部门).")
    async def agency(self, info: Info) -> Agency:
        return await _owner(info, self.record)

    @strawberry.field(
        description="The service items in force whose guide charges this fee (收费事项), in "
        "the region given and below it, by code."
    )
    async def charging_items(
        self, info: Info, region: str | None = None, first: int = 20
    ) -> ChargingItems:
        from catalog_api.schema.service_items import ServiceItem

        size = page_size(first, info.context.settings.max_page_size)
        key = (self.code, self.at, optional_code(region), size)
        total, rows = await info.context.loaders.charging_items.load(key)
        shown = [ServiceItem.of(info, s.record, s.version, self.at) for s in rows]
        return ChargingItems(total_count=total, items=shown)  # type: ignore[arg-type]

    @strawberry.field(description="The open draft, for those who may edit or review it.")
    async def open_draft(self, info: Info) -> "FeeItem | None":
        if not await drafts_visible(info, self.record):
            return None
        draft = await info.context.loaders.open_draft.load((self.kind, self.record_id))
        return None if draft is None else FeeItem.of(info, self.record, draft, self.at)

    @strawberry.field(description="A version of this fee item by number (drafts to editors).")
    async def version(self, info: Info, number: int) -> "FeeItem | None":
        row = await version_by_number(info, self.kind, self.record, number)
        return None if row is None else FeeItem.of(info, self.record, row, self.at)


@strawberry.type(description="An intermediary service (中介服务事项) an approval requires.")
class IntermediaryService(Versioned):
    code: str = strawberry.field(description="中介服务事项编码, e.g. ZJ370100001.")
    name: str = strawberry.field(description="中介服务事项名称.")
    approval_item_codes: list[str] = strawberry.field(
        description="Basic codes of the approval items that require it (涉及的审批事项)."
    )
    basis: list[content.LegalBasis] = strawberry.field(description="设定依据.")
    provider_nature: ProviderNature = strawberry.field(description="机构性质.")
    provider_requirements: str | None = strawberry.field(description="中介机构资质要求.")
    service_content: str | None = strawberry.field(description="服务内容.")
    charging: IntermediaryCharging = strawberry.field(description="是否收费及收费方式.")
    fee_standard: str | None = strawberry.field(description="收费标准.")
    fee_basis: str | None = strawberry.field(description="收费依据.")
    note: str | None = strawberry.field(description="备注.")
    at: strawberry.Private[datetime]

    @classmethod
    def of(cls, info: Info, record: Any, version: Any, at: datetime) -> "IntermediaryService":
        data: c.IntermediaryServiceContent = parsed(info, version, c.IntermediaryServiceContent)
        plain = data.model_dump(
            include={
                "name",
                "provider_nature",
                "provider_requirements",
                "service_content",
                "charging",
                "fee_standard",
                "fee_basis",
                "note",
            }
        )
        return cls(
            **versioned_fields("IntermediaryService", INTERMEDIARY_SERVICE.name, record, version),
            **plain,
            code=record.code,
            at=at,
            approval_item_codes=list(data.approval_items),
            basis=content.legal_basis(data.basis),
        )

    @strawberry.field(description="The approving agency that requires it (审批部门).")
    async def agency(self, info: Info) -> Agency:
        return await _owner(info, self.record)

    @strawberry.field(description="The approval items that require it, as in force then.")
    async def approval_items(self, info: Info) -> list[CatalogItemRef]:
        from catalog_api.schema.catalog_items import CatalogItem

        found = []
        for code in self.approval_item_codes:
            key = (CATALOG_ITEM.name, code, self.at)
            shown = await info.context.loaders.in_force_by_code.load(key)
            if shown is not None:
                found.append(CatalogItem.of(info, shown.record, shown.version, self.at))
        return found

    @strawberry.field(description="The open draft, for those who may edit or review it.")
    async def open_draft(self, info: Info) -> "IntermediaryService | None":
        if not await drafts_visible(info, self.record):
            return None
        draft = await info.context.loaders.open_draft.load((self.kind, self.record_id))
        return None if draft is None else IntermediaryService.of(info, self.record, draft, self.at)

    @strawberry.field(description="A version by number (drafts to editors).")
    async def version(self, info: Info, number: int) -> "IntermediaryService | None":
        row = await version_by_number(info, self.kind, self.record, number)
        return None if row is None else IntermediaryService.of(info, self.record, row, self.at)


@strawberry.type(description="A fee the item charges (收费项目), read from its fee item.")
class FeeLine:
    fee_item_code: str = strawberry.field(description="Code of the fee item (收费项目编码).")
    own_amount: strawberry.Private[Decimal | None]
    note: str | None = strawberry.field(description="How this item charges it, e.g. 第二本起加收.")
    at: strawberry.Private[datetime]

    @classmethod
    def of(cls, line: c.FeeLine, at: datetime) -> "FeeLine":
        return cls(fee_item_code=line.fee_item, own_amount=line.amount, note=line.note, at=at)

    async def _fee(self, info: Info) -> tuple[Any, c.FeeItemContent] | None:
        key = (FEE_ITEM.name, self.fee_item_code, self.at)
        shown = await info.context.loaders.in_force_by_code.load(key)
        if shown is None:
            return None
        return shown, parsed(info, shown.version, c.FeeItemContent)

    @strawberry.field(description="The fee item (收费项目), as in force at this moment.")
    async def fee_item(self, info: Info) -> FeeItem | None:
        found = await self._fee(info)
        if found is None:
            return None
        shown, _ = found
        return FeeItem.of(info, shown.record, shown.version, self.at)

    @strawberry.field(description="The fee item's name (收费项目名称).")
    async def name(self, info: Info) -> str:
        found = await self._fee(info)
        return self.fee_item_code if found is None else found[1].name

    @strawberry.field(description="The fee item's standard as published (收费标准).")
    async def standard(self, info: Info) -> str | None:
        found = await self._fee(info)
        return None if found is None else found[1].standard.text

    @strawberry.field(
        description="What this item charges (元): its own amount, else the standard's fixed one."
    )
    async def amount(self, info: Info) -> Decimal | None:
        if self.own_amount is not None:
            return self.own_amount
        found = await self._fee(info)
        return None if found is None else found[1].standard.amount
