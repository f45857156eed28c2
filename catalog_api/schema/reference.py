"""Regions (GB/T 2260) and agencies (实施主体)."""

from typing import Any

import strawberry

from catalog_api.schema.context import Info
from catalog_api.schema.enums import AgencyNature, ExerciseLevel, RegionLevel
from catalog_api.schema.ids import to_global_id
from catalog_api.schema.node import Node


@strawberry.type(description="An administrative region (行政区划).")
class Region(Node):
    code: str
    name: str
    level: RegionLevel
    parent_code: strawberry.Private[str | None]

    @classmethod
    def of(cls, row: Any) -> "Region":
        return cls(
            id=strawberry.ID(to_global_id("Region", row.code)),
            code=row.code,
            name=row.name,
            level=row.level,
            parent_code=row.parent_code,
        )

    @strawberry.field
    async def parent(self, info: Info) -> "Region | None":
        if self.parent_code is None:
            return None
        row = await info.context.loaders.region_by_code.load(self.parent_code)
        return Region.of(row) if row else None

    @strawberry.field(description="Regions directly below this one.")
    async def children(self, info: Info) -> list["Region"]:
        rows = await info.context.loaders.region_children.load(self.code)
        return [Region.of(row) for row in rows]


@strawberry.type(description="An implementing agency (实施主体), known by its USCC.")
class Agency(Node):
    uscc: str = strawberry.field(description="Unified social credit code (统一社会信用代码).")
    name: str
    short_name: str | None
    level: ExerciseLevel
    nature: AgencyNature
    address: str | None
    phone: str | None
    region_code: strawberry.Private[str]

    @classmethod
    def of(cls, row: Any) -> "Agency":
        return cls(
            id=strawberry.ID(to_global_id("Agency", row.id)),
            uscc=row.uscc,
            name=row.name,
            short_name=row.short_name,
            level=row.level,
            nature=row.nature,
            address=row.address,
            phone=row.phone,
            region_code=row.region_code,
        )

    @strawberry.field
    async def region(self, info: Info) -> Region:
        return Region.of(await info.context.loaders.region_by_code.load(self.region_code))
