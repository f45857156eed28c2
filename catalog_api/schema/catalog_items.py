"""Basic-catalog items (基本目录): the unified elements every implementation inherits."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from catalog_api.catalog.kinds import CATALOG_ITEM
from catalog_api.catalog.queries.items import Shown
from catalog_api.schema import content
from catalog_api.schema.context import Info
from catalog_api.schema.enums import CatalogNodeKind, ExerciseLevel, ItemType, ServiceObject
from catalog_api.schema.history import version_by_number
from catalog_api.schema.pagination import Connection
from catalog_api.schema.versioned import Versioned, parsed, versioned_fields
from catalog_api.schema.visibility import drafts_visible
from models.content import CatalogItemContent
from models.enums import MaterialOrigin

if TYPE_CHECKING:
    from catalog_api.schema.filters import ServiceItemFilter
    from catalog_api.schema.service_items import ServiceItem

ServiceItemRef = Annotated["ServiceItem", strawberry.lazy("catalog_api.schema.service_items")]
ServiceItemFilterRef = Annotated["ServiceItemFilter", strawberry.lazy("catalog_api.schema.filters")]


def node_kind(code: str) -> CatalogNodeKind:
    if len(code) == 14:
        return CatalogNodeKind.HANDLING
    return CatalogNodeKind.MAIN if code[9:] in ("000", "00Y") else CatalogNodeKind.SUB


@strawberry.type(description="A basic-catalog item (基本目录事项).")
class CatalogItem(Versioned):
    code: str = strawberry.field(description="Basic code (基本编码); 14 chars for handling items.")
    basic_code: str = strawberry.field(description="The 12-char basic code (基本编码).")
    node_kind: CatalogNodeKind
    item_type: ItemType
    item_type_code: str = strawberry.field(description="GB/T 39046 code, e.g. 01 or 20.")
    name: str = strawberry.field(description="Item name (事项名称).")
    aliases: list[str] = strawberry.field(description="Everyday names (俗称).")
    legal_basis: list[content.LegalBasis] = strawberry.field(description="设定依据.")
    supervising_department: str | None = strawberry.field(description="主管部门.")
    levels: list[ExerciseLevel] = strawberry.field(description="行使层级.")
    service_objects: list[ServiceObject] = strawberry.field(description="服务对象.")
    accept_conditions: str | None = strawberry.field(description="受理条件.")
    statutory_time_limit: content.TimeLimit | None = strawberry.field(description="法定办结时限.")
    exercise_content: str | None = strawberry.field(description="行使内容.")
    local_code: str | None = strawberry.field(description="地方基本编码.")
    baseline_materials: list[content.Material] = strawberry.field(
        description="Materials required wherever the item is implemented (基本材料)."
    )
    at: strawberry.Private[datetime]

    @classmethod
    def of(cls, info: Info, record: Any, version: Any, at: datetime) -> "CatalogItem":
        data: CatalogItemContent = parsed(info, version, CatalogItemContent)
        return cls(
            **versioned_fields("CatalogItem", CATALOG_ITEM.name, record, version),
            code=record.code,
            basic_code=record.code[:12],
            node_kind=node_kind(record.code),
            item_type=record.item_type,
            item_type_code=record.item_type.value,
            name=data.name,
            aliases=list(data.aliases),
            legal_basis=content.legal_basis(data.legal_basis),
            supervising_department=data.supervising_department,
            levels=list(data.levels),
            service_objects=list(data.service_objects),
            accept_conditions=data.accept_conditions,
            statutory_time_limit=content.TimeLimit.of(data.statutory_time_limit),
            exercise_content=data.exercise_content,
            local_code=data.local_code,
            baseline_materials=[
                content.Material.of(m, MaterialOrigin.BASELINE) for m in data.baseline_materials
            ],
            at=at,
        )

    @classmethod
    def shown(cls, info: Info, shown: Shown | None, at: datetime) -> "CatalogItem | None":
        return None if shown is None else cls.of(info, shown.record, shown.version, at)

    @strawberry.field(description="The main item or sub-item above this one.")
    async def parent(self, info: Info) -> "CatalogItem | None":
        if self.record.parent_id is None:
            return None
        loaders = info.context.loaders
        record = await loaders.catalog_record_by_id.load(self.record.parent_id)
        version = await loaders.catalog_version_in_force.load((self.record.parent_id, self.at))
        return None if version is None else CatalogItem.of(info, record, version, self.at)

    @strawberry.field(description="Sub-items or handling items below this one.")
    async def children(self, info: Info) -> list["CatalogItem"]:
        rows = await info.context.loaders.catalog_children.load((self.record_id, self.at))
        return [CatalogItem.of(info, row.record, row.version, self.at) for row in rows]

    @strawberry.field(description="The implementations (实施清单) of this item.")
    async def implementations(
        self,
        info: Info,
        filter: ServiceItemFilterRef | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ServiceItemRef]:
        from catalog_api.schema.service_items import service_items_connection

        return await service_items_connection(
            info, filter, first, after, self.at, catalog_code=self.code
        )

    @strawberry.field(description="The open draft, for those who may edit or review it.")
    async def open_draft(self, info: Info) -> "CatalogItem | None":
        if not await drafts_visible(info, self.record):
            return None
        draft = await info.context.loaders.open_draft.load((self.kind, self.record_id))
        return None if draft is None else CatalogItem.of(info, self.record, draft, self.at)

    @strawberry.field(description="A version of this item by number (drafts to editors).")
    async def version(self, info: Info, number: int) -> "CatalogItem | None":
        row = await version_by_number(info, self.kind, self.record, number)
        if row is None:
            return None
        return CatalogItem.of(info, self.record, row, row.effective_from or self.at)
