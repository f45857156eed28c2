"""Loads the Jinan demo catalog through the application's own commands.

Every record is created, submitted and published like an editor would, with a history: the
catalog as it took effect some months ago, and a newer version for some items (promised time
limits cut), so `asOf` reads a month back show a different guide. Loading twice adds nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from catalog_api.catalog.commands import publish, submit, update_draft
from catalog_api.catalog.commands.create_catalog_item import create_catalog_item
from catalog_api.catalog.commands.create_list_record import (
    create_fee_item,
    create_intermediary_service,
)
from catalog_api.catalog.commands.create_scenario import create_scenario
from catalog_api.catalog.commands.create_service_item import create_service_item
from catalog_api.catalog.commands.store_attachment import store_attachment
from catalog_api.catalog.kinds import (
    CATALOG_ITEM,
    FEE_ITEM,
    INTERMEDIARY_SERVICE,
    SCENARIO,
    SERVICE_ITEM,
    Kind,
)
from catalog_api.db import Database, Tx
from models import (
    Agency,
    CatalogItem,
    FeeItem,
    IntermediaryService,
    Region,
    Scenario,
    ServiceItem,
)
from models.base import utc_now
from models.codes import derive_implementation_code
from models.content import ServiceItemContent, TimeLimit
from models.enums import HandlingKind
from seed.demo import (
    AgencySeed,
    CatalogSeed,
    DemoCatalog,
    FileSeed,
    ListSeed,
    RegionSeed,
    ScenarioSeed,
    ServiceSeed,
)

ACTOR = "seed"
CATALOG_SINCE = timedelta(days=120)
SERVICE_SINCE = timedelta(days=90)
SCENARIO_SINCE = timedelta(days=60)
REVISED_SINCE = timedelta(days=10)


@dataclass
class LoadSummary:
    regions: int = 0
    agencies: int = 0
    files: int = 0
    catalog_items: int = 0
    fee_items: int = 0
    intermediary_services: int = 0
    service_items: int = 0
    revised: int = 0
    scenarios: int = 0


Progress = Callable[[int], None]


async def load_demo(
    database: Database, files_dir: Path, demo: DemoCatalog, progress: Progress = lambda _: None
) -> LoadSummary:
    summary = LoadSummary()
    now = utc_now()
    summary.regions, summary.agencies = await load_reference(database, demo.regions, demo.agencies)
    summary.files = await store_files(database, files_dir, demo.files)
    existing = await _existing_codes(database)
    for item in demo.catalog_items:
        if item.code not in existing:
            async with database.transaction() as tx:
                await _catalog_item(tx, item, now - CATALOG_SINCE)
            summary.catalog_items += 1
        progress(1)
    # the lists before the guides that link to them (intermediaries after the catalog they name)
    for seed in demo.fee_items:
        summary.fee_items += await _list_record(database, FEE_ITEM, seed, existing, now)
    for seed in demo.intermediary_services:
        loaded = await _list_record(database, INTERMEDIARY_SERVICE, seed, existing, now)
        summary.intermediary_services += loaded
    for index, service in enumerate(demo.service_items):
        if _service_code(service) not in existing:
            async with database.transaction() as tx:
                revised = await _service_item(tx, service, now, revise=index % 5 == 0)
            summary.service_items += 1
            summary.revised += revised
        progress(1)
    # scenarios after the service items they group
    for seed in demo.scenarios:
        summary.scenarios += await _scenario(database, seed, existing, now)
    return summary


async def load_reference(
    database: Database, regions: list[RegionSeed], agencies: list[AgencySeed]
) -> tuple[int, int]:
    """Regions and agencies that are not there yet; returns how many of each were added."""
    async with database.transaction() as tx:
        known_regions = set((await tx.session.execute(select(Region.code))).scalars())
        new_regions = [r for r in regions if r.code not in known_regions]
        for region in new_regions:  # parents come first; flushing one by one keeps that order
            tx.session.add(Region(**region.__dict__))
            await tx.session.flush()
        known_agencies = set((await tx.session.execute(select(Agency.uscc))).scalars())
        new_agencies = [a for a in agencies if a.uscc not in known_agencies]
        tx.session.add_all(Agency(**agency.__dict__) for agency in new_agencies)
        await tx.session.flush()
    return len(new_regions), len(new_agencies)


async def store_files(database: Database, files_dir: Path, files: list[FileSeed]) -> int:
    async with database.transaction() as tx:
        for file in files:
            await store_attachment(
                tx,
                files_dir,
                data=file.data,
                file_name=file.file_name,
                content_type=file.content_type,
            )
    return len(files)


async def _existing_codes(database: Database) -> set[str]:
    async with database.read() as session:
        codes: set[str] = set()
        for table in (CatalogItem, FeeItem, IntermediaryService, Scenario, ServiceItem):
            codes.update((await session.execute(select(table.code))).scalars())
        return codes


def _service_code(service: ServiceSeed) -> str:
    code = service.catalog_code
    return derive_implementation_code(
        service.agency_uscc, service.level, code[:12], code[12:] or None
    )


async def _list_record(
    database: Database, kind: Kind, seed: ListSeed, existing: set[str], now: datetime
) -> int:
    """A fee item or intermediary service, published since the catalog; 0 if already there."""
    if seed.code in existing:
        return 0
    create = create_fee_item if kind is FEE_ITEM else create_intermediary_service
    async with database.transaction() as tx:
        record, _ = await create(
            tx,
            agency_uscc=seed.agency_uscc,
            code=seed.code,
            content=seed.content.model_dump(mode="json"),
            actor=ACTOR,
            change_note="首次发布",
        )
        await _publish(tx, kind, record, now - CATALOG_SINCE)
    return 1


async def _scenario(
    database: Database, seed: ScenarioSeed, existing: set[str], now: datetime
) -> int:
    """A scenario, published after its members; 0 if already there."""
    if seed.code in existing:
        return 0
    async with database.transaction() as tx:
        record, _ = await create_scenario(
            tx,
            agency_uscc=seed.agency_uscc,
            code=seed.code,
            content=seed.content.model_dump(mode="json"),
            actor=ACTOR,
            change_note="首次发布",
        )
        await _publish(tx, SCENARIO, record, now - SCENARIO_SINCE)
    return 1


async def _catalog_item(tx: Tx, item: CatalogSeed, effective_from: datetime) -> None:
    record, _ = await create_catalog_item(
        tx,
        code=item.code,
        content=item.content.model_dump(mode="json"),
        actor=ACTOR,
        change_note="首次发布",
    )
    await _publish(tx, CATALOG_ITEM, record, effective_from)


async def _service_item(tx: Tx, service: ServiceSeed, now: datetime, *, revise: bool) -> bool:
    record, _ = await create_service_item(
        tx,
        catalog_code=service.catalog_code,
        agency_uscc=service.agency_uscc,
        level=service.level,
        content=service.content.model_dump(mode="json"),
        actor=ACTOR,
        change_note="首次发布",
    )
    await _publish(tx, SERVICE_ITEM, record, now - SERVICE_SINCE)
    shorter = _compressed_limit(service.content) if revise else None
    if shorter is None:
        return False
    await update_draft.update_draft(
        tx,
        SERVICE_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        changes={"promised_time_limit": shorter.model_dump(mode="json")},
        actor=ACTOR,
        change_note="压缩承诺办结时限",
    )
    await _publish(tx, SERVICE_ITEM, record, now - REVISED_SINCE)
    return True


def _compressed_limit(content: ServiceItemContent) -> TimeLimit | None:
    """Half the promised limit (the plan's 50% compression goal), for promised items."""
    limit = content.promised_time_limit
    if content.handling_kind != HandlingKind.PROMISED or limit is None or limit.value < 2:
        return None
    return limit.model_copy(update={"value": limit.value // 2})


async def _publish(tx: Tx, kind: Kind, record: object, effective_from: datetime) -> None:
    await submit.submit(
        tx, kind, record_id=record.id, expected_lock_version=record.lock_version, actor=ACTOR
    )
    await publish.publish(
        tx,
        kind,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        actor=ACTOR,
        effective_from=effective_from,
        backdate=True,
    )
