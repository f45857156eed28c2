"""Scenarios (主题/一件事): the record, its members, and what they add up to (one merged material
list, total trips, longest time limit, common channels), computed on read from the members'
guides as in force at the moment read (models/scenario_merge.py)."""

from datetime import datetime
from typing import Any

import strawberry

from catalog_api.catalog.kinds import SCENARIO, SERVICE_ITEM
from catalog_api.catalog.queries import items, scenarios
from catalog_api.schema import content
from catalog_api.schema.context import Info
from catalog_api.schema.enums import (
    Channel,
    MaterialForm,
    MaterialSource,
    MaterialType,
    Necessity,
    ScenarioLifeCycle,
    ScenarioTheme,
    ServiceObject,
)
from catalog_api.schema.errors import bad_argument
from catalog_api.schema.filters import optional_code, optional_uscc
from catalog_api.schema.history import version_by_number
from catalog_api.schema.pagination import Connection, connection, decode_cursor, page_size
from catalog_api.schema.reference import Agency, Region
from catalog_api.schema.service_items import ServiceItem
from catalog_api.schema.versioned import Versioned, moment, parsed, versioned_fields
from catalog_api.schema.visibility import drafts_visible
from models.codes import SCENARIO_PREFIX, CodeError, normalise_list_code
from models.content import CatalogItemContent, ServiceItemContent
from models.scenario_content import ScenarioContent
from models.scenario_merge import MemberGuide, ScenarioSummary, summarise


@strawberry.type(description="A member item of a scenario, as in force at the moment read.")
class ScenarioMember:
    position: int = strawberry.field(description="Order of handling, from 1.")
    item_code: str = strawberry.field(description="实施编码 of the member service item.")
    note: str | None = strawberry.field(description="说明, e.g. 按需办理.")
    service_item: ServiceItem | None = strawberry.field(
        description="The service item; null when it is not in force at this moment."
    )


@strawberry.type(description="A member item named in the merged material list.")
class ScenarioItemRef:
    code: str
    name: str


@strawberry.type(
    description="A material of the merged list: once however many members need it, with the "
    "strictest requirement (most originals and copies; 必要 if any member requires it)."
)
class ScenarioMaterial:
    name: str
    material_type: MaterialType
    form: MaterialForm
    original_copies: int | None
    copy_copies: int | None
    paper_spec: str | None
    necessity: Necessity
    source: MaterialSource
    needed_by: list[ScenarioItemRef] = strawberry.field(description="The members that need it.")


@strawberry.type(description="The longest promised time limit among the members.")
class ScenarioTimeLimit:
    time_limit: content.TimeLimit = strawberry.field(description="As its member states it.")
    working_days: float = strawberry.field(
        description="Compared in working days: a natural day 5/7, a month 21, an hour 1/8; 即办 0."
    )
    item_code: str = strawberry.field(description="The member with that limit.")


@strawberry.type(description="A scenario (主题/一件事): several items handled as one.")
class Scenario(Versioned):
    code: str = strawberry.field(description="一件事编码, e.g. YJS370100001.")
    name: str = strawberry.field(description="名称, e.g. 新生儿出生一件事.")
    theme: ScenarioTheme = strawberry.field(description="生命周期主题.")
    life_cycle: ScenarioLifeCycle = strawberry.field(description="自然人 or 法人, by the theme.")
    service_objects: list[ServiceObject] = strawberry.field(description="服务对象.")
    description: str | None = strawberry.field(description="事项说明.")
    process: str | None = strawberry.field(description="办理流程概述.")
    address: str | None = strawberry.field(description="办理地点 (综合窗口).")
    consult_phone: str | None = strawberry.field(description="咨询电话.")
    member_codes: list[str] = strawberry.field(description="实施编码 of the members, in order.")
    data: strawberry.Private[ScenarioContent]
    at: strawberry.Private[datetime]
    summary_memo: strawberry.Private[list[Any]]

    @classmethod
    def of(cls, info: Info, record: Any, version: Any, at: datetime) -> "Scenario":
        data: ScenarioContent = parsed(info, version, ScenarioContent)
        return cls(
            **versioned_fields("Scenario", SCENARIO.name, record, version),
            code=record.code,
            name=data.name,
            theme=data.theme,
            life_cycle=data.theme.life_cycle,
            service_objects=list(data.service_objects),
            description=data.description,
            process=data.process,
            address=data.address,
            consult_phone=data.consult_phone,
            member_codes=[member.item for member in data.members],
            data=data,
            at=at,
            summary_memo=[],
        )

    async def _in_force(self, info: Info) -> list[Any]:
        """Each member's record and version in force at this moment (None when none is); one
        batch for all members (and all scenarios of the page)."""
        keys = [(SERVICE_ITEM.name, code, self.at) for code in self.member_codes]
        return [
            shown if shown is not None and _in_force(shown.version, self.at) else None
            for shown in await info.context.loaders.in_force_by_code.load_many(keys)
        ]

    async def _summary(self, info: Info) -> tuple[ScenarioSummary, dict[str, str]]:
        if not self.summary_memo:
            members = [shown for shown in await self._in_force(info) if shown is not None]
            keys = [(shown.record.catalog_item_id, self.at) for shown in members]
            catalogs = await info.context.loaders.catalog_version_in_force.load_many(keys)
            guides = []
            for shown, catalog_version in zip(members, catalogs, strict=True):
                catalog = (
                    CatalogItemContent(name=shown.record.code)
                    if catalog_version is None
                    else parsed(info, catalog_version, CatalogItemContent)
                )
                guide = parsed(info, shown.version, ServiceItemContent)
                guides.append(MemberGuide(shown.record.code, catalog.name, guide, catalog))
            names = {guide.code: guide.name for guide in guides}
            self.summary_memo.append((summarise(guides), names))
        return self.summary_memo[0]  # type: ignore[no-any-return]

    @strawberry.field(description="The member items, in order of handling.")
    async def members(self, info: Info) -> list[ScenarioMember]:
        shown_members = await self._in_force(info)
        pairs = zip(self.data.members, shown_members, strict=True)
        return [
            ScenarioMember(
                position=i,
                item_code=member.item,
                note=member.note,
                service_item=None
                if shown is None
                else ServiceItem.of(info, shown.record, shown.version, self.at),
            )
            for i, (member, shown) in enumerate(pairs, start=1)
        ]

    @strawberry.field(description="One material list for the whole scenario (一套材料).")
    async def materials(self, info: Info) -> list[ScenarioMaterial]:
        summary, names = await self._summary(info)
        return [
            ScenarioMaterial(
                **merged.material.model_dump(
                    include={
                        "name",
                        "material_type",
                        "form",
                        "original_copies",
                        "copy_copies",
                        "paper_spec",
                        "necessity",
                        "source",
                    }
                ),
                needed_by=[ScenarioItemRef(code=code, name=names[code]) for code in merged.items],
            )
            for merged in summary.materials
        ]

    @strawberry.field(description="Sum of the members' on-site visits (到办事现场次数).")
    async def total_onsite_visits(self, info: Info) -> int:
        return (await self._summary(info))[0].total_onsite_visits

    @strawberry.field(description="The longest of the members' promised time limits.")
    async def longest_time_limit(self, info: Info) -> ScenarioTimeLimit | None:
        longest = (await self._summary(info))[0].longest_time_limit
        if longest is None:
            return None
        return ScenarioTimeLimit(
            time_limit=content.TimeLimit.of(longest.limit),  # type: ignore[arg-type]
            working_days=round(longest.limit.in_working_days(), 2),
            item_code=longest.item,
        )

    @strawberry.field(description="Channels every member in force offers.")
    async def channels(self, info: Info) -> list[Channel]:
        return list((await self._summary(info))[0].channels)

    @strawberry.field(description="The lead agency (牵头部门).")
    async def lead_agency(self, info: Info) -> Agency:
        return Agency.of(await info.context.loaders.agency_by_id.load(self.record.agency_id))

    @strawberry.field(description="The scenario's region: its lead agency's.")
    async def region(self, info: Info) -> Region:
        agency = await info.context.loaders.agency_by_id.load(self.record.agency_id)
        return Region.of(await info.context.loaders.region_by_code.load(agency.region_code))

    @strawberry.field(description="The open draft, for those who may edit or review it.")
    async def open_draft(self, info: Info) -> "Scenario | None":
        if not await drafts_visible(info, self.record):
            return None
        draft = await info.context.loaders.open_draft.load((self.kind, self.record_id))
        return None if draft is None else Scenario.of(info, self.record, draft, self.at)

    @strawberry.field(description="A version by number (drafts to editors).")
    async def version(self, info: Info, number: int) -> "Scenario | None":
        row = await version_by_number(info, self.kind, self.record, number)
        return None if row is None else Scenario.of(info, self.record, row, self.at)


def _in_force(version: Any, at: datetime) -> bool:
    """The in-force loader falls back to a withdrawn or later version; a scenario counts only
    members in force at its moment."""
    return version.effective_from <= at and (
        version.effective_to is None or version.effective_to > at
    )


@strawberry.input(description="Which scenarios to list.")
class ScenarioFilter:
    region: str | None = strawberry.field(
        default=None, description="Region code of the lead agency, with the regions below."
    )
    agency: str | None = strawberry.field(
        default=None, description="USCC of the lead agency (牵头部门)."
    )
    themes: list[ScenarioTheme] | None = strawberry.field(default=None, description="Any of.")
    life_cycle: ScenarioLifeCycle | None = None

    def to_query(self) -> scenarios.ScenarioFilter:
        return scenarios.ScenarioFilter(
            region_code=optional_code(self.region),
            agency_uscc=optional_uscc(self.agency, "filter.agency"),
            themes=tuple(self.themes or ()),
            life_cycle=self.life_cycle,
        )


@strawberry.type
class ScenarioQueries:
    @strawberry.field(description="A scenario (一件事) by its code, as in force at `asOf`.")
    async def scenario(
        self, info: Info, code: str, as_of: datetime | None = None
    ) -> Scenario | None:
        try:
            code = normalise_list_code(SCENARIO_PREFIX, code)
        except CodeError as exc:
            raise bad_argument("code", str(exc)) from None
        at = moment(info, as_of)
        async with info.context.database.read() as session:
            shown = await items.by_code(session, SCENARIO, code, at)
        return None if shown is None else Scenario.of(info, shown.record, shown.version, at)

    @strawberry.field(description="Scenarios in force at `asOf`, ordered by code.")
    async def scenarios(
        self,
        info: Info,
        filter: ScenarioFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        as_of: datetime | None = None,
    ) -> Connection[Scenario]:
        at = moment(info, as_of)
        size = page_size(first, info.context.settings.max_page_size)
        after_key = decode_cursor(after)
        where = (filter or ScenarioFilter()).to_query()
        async with info.context.database.read() as session:
            page = await scenarios.scenarios_page(session, where, at, size, after_key)

        async def count() -> int:
            async with info.context.database.read() as session:
                return await scenarios.count_scenarios(session, where, at)

        return connection(
            [Scenario.of(info, row.record, row.version, at) for row in page.rows],
            [row.record.code for row in page.rows],
            has_next=page.has_next,
            has_previous=after_key is not None,
            count=count,
        )
