"""Small async builders for tests, built on the commands so every record is a real one.

`add_region` and `add_agency` write reference rows inside the caller's transaction; the
`published_*` builders run create → submit → publish, each in its own transaction, as editors
and reviewers do. Default contents satisfy every rule in `models.rules`.
"""

import itertools
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, select

from catalog_api.catalog.commands.create_catalog_item import create_catalog_item
from catalog_api.catalog.commands.create_list_record import (
    create_fee_item,
    create_intermediary_service,
)
from catalog_api.catalog.commands.create_service_item import create_service_item
from catalog_api.catalog.commands.publish import publish
from catalog_api.catalog.commands.submit import submit
from catalog_api.catalog.commands.update_draft import update_draft
from catalog_api.catalog.errors import DomainError, ErrorCode, Path
from catalog_api.catalog.kinds import (
    CATALOG_ITEM,
    FEE_ITEM,
    INTERMEDIARY_SERVICE,
    SERVICE_ITEM,
    Kind,
)
from catalog_api.db import Database, Tx
from models import (
    Agency,
    CatalogItem,
    CatalogItemVersion,
    ChangeEvent,
    Region,
    ServiceItem,
    ServiceItemVersion,
)
from models.codes import USCC_ALPHABET, uscc_check_char
from models.enums import AgencyNature, ExerciseLevel, RegionLevel

T = TypeVar("T")

EDITOR = "editor@jinan"
REVIEWER = "reviewer@jinan"

JINAN = "370100"
LIXIA = "370102"

_sequence = itertools.count(1)
_random = random.Random(20261126)


# --- reference data ----------------------------------------------------------------------------


async def add_region(
    tx: Tx,
    code: str = JINAN,
    name: str = "济南市",
    level: RegionLevel = RegionLevel.CITY,
    parent: str | None = None,
) -> Region:
    region = Region(code=code, name=name, level=level, parent_code=parent)
    tx.session.add(region)
    await tx.session.flush()
    return region


def _level_of(region_code: str) -> RegionLevel:
    if len(region_code) > 6:
        return RegionLevel.STREET
    if region_code.endswith("0000"):
        return RegionLevel.PROVINCE
    return RegionLevel.CITY if region_code.endswith("00") else RegionLevel.DISTRICT


def make_uscc(region_code: str = JINAN, *, prefix: str = "11") -> str:
    """A well-formed USCC (机构编制 · 机关 by default): random subject id, right check char."""
    subject = "".join(_random.choice(USCC_ALPHABET) for _ in range(9))
    first17 = f"{prefix}{region_code[:6]}{subject}"
    return first17 + uscc_check_char(first17)


async def add_agency(
    tx: Tx,
    uscc: str | None = None,
    *,
    region_code: str = JINAN,
    level: ExerciseLevel = ExerciseLevel.MUNICIPAL,
    name: str = "济南市行政审批服务局",
    nature: AgencyNature = AgencyNature.STATUTORY_ORGAN,
) -> Agency:
    """An agency in `region_code` (the region is created if it does not exist yet)."""
    if await tx.session.get(Region, region_code) is None:
        await add_region(tx, region_code, f"区划{region_code}", _level_of(region_code), None)
    agency = Agency(
        uscc=uscc or make_uscc(region_code),
        name=name,
        region_code=region_code,
        level=level,
        nature=nature,
    )
    tx.session.add(agency)
    await tx.session.flush()
    return agency


# --- contents ----------------------------------------------------------------------------------


def next_catalog_code(item_type: str = "01", prefix: str = "37") -> str:
    """A fresh 12-char basic code for a main item without sub-items (…000)."""
    return f"{prefix}{item_type}{next(_sequence) % 100_000:05d}000"


def catalog_content(**overrides: Any) -> dict[str, Any]:
    content: dict[str, Any] = {
        "name": "食品经营许可",
        "legal_basis": [{"title": "《中华人民共和国食品安全法》", "article": "第三十五条"}],
        "levels": ["3", "4"],
        "service_objects": ["2"],
        "baseline_materials": [{"name": "食品经营许可申请书"}],
        "statutory_time_limit": {"value": 20, "unit": "1"},
    }
    content.update(overrides)
    return content


def service_content(**overrides: Any) -> dict[str, Any]:
    content: dict[str, Any] = {
        "power_source": "1",
        "handling_kind": "2",
        "promised_time_limit": {"value": 5, "unit": "1"},
        "onsite_visits": 1,
        "onsite_visits_reason": "需现场核验申请人身份",
        "online_depth": "3",
        "address": "济南市历下区龙奥北路1号",
        "consult_phone": "0531-12345",
        "responsibilities": {
            "steps": [
                {"step": "受理责任", "duty": "依法受理或者不予受理，不予受理的告知理由"},
                {"step": "决定责任", "duty": "依法作出准予或者不予许可的决定"},
            ],
            "accountability": ["对符合法定条件的申请不予受理的"],
            "accountability_basis": "《中华人民共和国行政许可法》第七十二条",
            "supervision_phone": "0531-86592345",
        },
    }
    content.update(overrides)
    return content


def fee_item_content(**overrides: Any) -> dict[str, Any]:
    """不动产登记费（住宅）: a fixed standard, a basis with its 文号, and a reduction."""
    content: dict[str, Any] = {
        "name": "不动产登记费（住宅）",
        "payer": "申请住宅类不动产登记的权利人",
        "standard": {"text": "住宅类不动产登记每件80元", "amount": "80.00", "unit": "元/件"},
        "basis": [
            {
                "title": "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》",
                "document_number": "发改价格规〔2016〕2559号",
            }
        ],
        "fund_management": "1",
        "reductions": [
            {
                "description": "小微企业（含个体工商户）申请不动产登记的，免征不动产登记费",
                "basis": "财税〔2019〕45号",
            }
        ],
    }
    content.update(overrides)
    return content


def intermediary_content(approval_items: list[str], **overrides: Any) -> dict[str, Any]:
    content: dict[str, Any] = {
        "name": "建设工程设计方案编制",
        "approval_items": approval_items,
        "basis": [{"title": "《中华人民共和国城乡规划法》", "article": "第四十条"}],
        "provider_nature": "1",
        "provider_requirements": "具有相应等级建筑工程设计资质的设计单位",
        "charging": "3",
    }
    content.update(overrides)
    return content


# --- records through the commands --------------------------------------------------------------


async def catalog_item_draft(
    database: Database, code: str | None = None, **content: Any
) -> tuple[CatalogItem, CatalogItemVersion]:
    async with database.transaction() as tx:
        return await create_catalog_item(
            tx, code=code or next_catalog_code(), content=catalog_content(**content), actor=EDITOR
        )


async def service_item_draft(
    database: Database,
    catalog_code: str,
    agency_uscc: str,
    level: ExerciseLevel | None = None,
    **content: Any,
) -> tuple[ServiceItem, ServiceItemVersion]:
    async with database.transaction() as tx:
        return await create_service_item(
            tx,
            catalog_code=catalog_code,
            agency_uscc=agency_uscc,
            content=service_content(**content),
            actor=EDITOR,
            level=level,
        )


async def submit_and_publish(database: Database, kind: Kind, record: Any) -> Any:
    """Submit the record's draft and publish it now; returns the published version."""
    lock = record.lock_version
    async with database.transaction() as tx:
        await submit(tx, kind, record_id=record.id, expected_lock_version=lock, actor=EDITOR)
    async with database.transaction() as tx:
        version = await publish(
            tx, kind, record_id=record.id, expected_lock_version=lock + 1, actor=REVIEWER
        )
    record.lock_version = lock + 2
    return version


async def update_and_publish(database: Database, kind: Kind, record: Any, **changes: Any) -> Any:
    """A new version of a published record: its draft changed, submitted and published now."""
    record.lock_version = (await record_of(database, kind, record.id)).lock_version
    async with database.transaction() as tx:
        await update_draft(
            tx,
            kind,
            record_id=record.id,
            expected_lock_version=record.lock_version,
            changes=changes,
            actor=EDITOR,
        )
    record.lock_version += 1
    return await submit_and_publish(database, kind, record)


async def published_catalog_item(
    database: Database, code: str | None = None, **content: Any
) -> tuple[CatalogItem, CatalogItemVersion]:
    record, _ = await catalog_item_draft(database, code, **content)
    version = await submit_and_publish(database, CATALOG_ITEM, record)
    return record, version


async def published_service_item(
    database: Database,
    catalog_code: str,
    agency_uscc: str,
    level: ExerciseLevel | None = None,
    **content: Any,
) -> tuple[ServiceItem, ServiceItemVersion]:
    record, _ = await service_item_draft(database, catalog_code, agency_uscc, level, **content)
    version = await submit_and_publish(database, SERVICE_ITEM, record)
    return record, version


async def fee_item_draft(
    database: Database, agency_uscc: str, code: str | None = None, **content: Any
) -> tuple[Any, Any]:
    async with database.transaction() as tx:
        return await create_fee_item(
            tx,
            agency_uscc=agency_uscc,
            code=code,
            content=fee_item_content(**content),
            actor=EDITOR,
        )


async def published_fee_item(
    database: Database, agency_uscc: str, code: str | None = None, **content: Any
) -> tuple[Any, Any]:
    record, _ = await fee_item_draft(database, agency_uscc, code, **content)
    return record, await submit_and_publish(database, FEE_ITEM, record)


async def intermediary_draft(
    database: Database, agency_uscc: str, approval_items: list[str], **content: Any
) -> tuple[Any, Any]:
    async with database.transaction() as tx:
        return await create_intermediary_service(
            tx,
            agency_uscc=agency_uscc,
            content=intermediary_content(approval_items, **content),
            actor=EDITOR,
        )


async def published_intermediary(
    database: Database, agency_uscc: str, approval_items: list[str], **content: Any
) -> tuple[Any, Any]:
    record, _ = await intermediary_draft(database, agency_uscc, approval_items, **content)
    return record, await submit_and_publish(database, INTERMEDIARY_SERVICE, record)


async def agency(database: Database, **kwargs: Any) -> Agency:
    """`add_agency` in a transaction of its own."""
    async with database.transaction() as tx:
        return await add_agency(tx, **kwargs)


# --- reading back what was committed -----------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """What a user could see of one record: its lock version, versions and change events."""

    lock_version: int
    versions: tuple[tuple[Any, ...], ...]
    events: tuple[tuple[Any, ...], ...]


async def record_of(database: Database, kind: Kind, record_id: uuid.UUID) -> Any:
    async with database.read() as session:
        return await session.get_one(kind.record, record_id)


async def versions_of(database: Database, kind: Kind, record_id: uuid.UUID) -> list[Any]:
    async with database.read() as session:
        statement = (
            select(kind.version)
            .where(kind.version.record_id == record_id)
            .order_by(kind.version.number)
        )
        return list((await session.execute(statement)).scalars())


async def events_of(database: Database, record_id: uuid.UUID | None = None) -> list[ChangeEvent]:
    async with database.read() as session:
        statement = select(ChangeEvent).order_by(ChangeEvent.seq)
        if record_id is not None:
            statement = statement.where(ChangeEvent.record_id == record_id)
        return list((await session.execute(statement)).scalars())


async def snapshot(database: Database, kind: Kind, record_id: uuid.UUID) -> Snapshot:
    record = await record_of(database, kind, record_id)
    versions = await versions_of(database, kind, record_id)
    events = await events_of(database, record_id)
    return Snapshot(
        lock_version=record.lock_version,
        versions=tuple(
            (v.number, v.status, v.effective_from, v.effective_to, v.content, v.reason)
            for v in versions
        ),
        events=tuple((e.seq, e.action) for e in events),
    )


async def count_rows(database: Database, table: Any) -> int:
    async with database.read() as session:
        return (await session.execute(select(func.count()).select_from(table))).scalar_one()


# --- running commands ---------------------------------------------------------------------------


async def run(database: Database, command: Callable[..., Awaitable[T]], *args: Any, **kw: Any) -> T:
    """Run one command in a transaction of its own, as the API does for each mutation."""
    async with database.transaction() as tx:
        return await command(tx, *args, **kw)


async def refused(
    database: Database, command: Callable[..., Awaitable[Any]], *args: Any, **kw: Any
) -> list[tuple[ErrorCode, Path, str]]:
    """Run a command that must fail; return its errors as (code, path, message) triples."""
    try:
        await run(database, command, *args, **kw)
    except DomainError as exc:
        return [(e.code, e.path, e.message) for e in exc.errors]
    raise AssertionError(f"{getattr(command, '__name__', command)} succeeded but should fail")
