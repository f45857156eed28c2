"""Bulk loading of the synthetic catalog for benchmarks (10k to 1M service items).

Going through the commands one record at a time would take hours at a million items, so this
writes the same rows the commands would (records, one published version each, change events)
in batches; the synthetic data is valid by construction and checked by its tests.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import insert, select

from catalog_api.catalog import events as events_module
from catalog_api.catalog.kinds import CATALOG_ITEM, FEE_ITEM, SERVICE_ITEM, Kind
from catalog_api.db import Database
from models import Agency, CatalogItem, ChangeEvent
from models.base import new_id, utc_now
from models.codes import derive_implementation_code, item_type_of_basic_code
from models.enums import ChangeAction, VersionStatus
from seed.demo import AgencySeed, CatalogSeed, ListSeed, ServiceSeed

T = TypeVar("T")
BATCH = 2000
Progress = Callable[[int], None]


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


async def load_synthetic(
    database: Database,
    agencies: list[AgencySeed],
    catalog_items: list[CatalogSeed],
    service_items: Iterable[ServiceSeed],
    progress: Progress = lambda _: None,
    fee_items: Sequence[ListSeed] = (),
) -> int:
    effective_from = utc_now() - timedelta(days=30)
    agency_rows = await _agencies(database, agencies)
    catalog_ids = await _catalog(database, catalog_items, effective_from)
    await _fee_items(database, fee_items, agency_rows, effective_from)
    loaded = 0
    for batch in _batches(service_items, BATCH):
        records, versions, events = [], [], []
        for seed in batch:
            record, version = _service_rows(seed, agency_rows, catalog_ids, effective_from)
            records.append(record)
            versions.append(version)
            events.append(_event(SERVICE_ITEM, record, agency_rows[seed.agency_uscc]))
        async with database.transaction() as tx:
            await events_module.lock_sequence(tx)  # commit order, and a wake-up for followers
            await tx.session.execute(insert(SERVICE_ITEM.record), records)
            await tx.session.execute(insert(SERVICE_ITEM.version), versions)
            await tx.session.execute(insert(ChangeEvent), events)
        loaded += len(batch)
        progress(len(batch))
    return loaded


async def _agencies(database: Database, agencies: list[AgencySeed]) -> dict[str, Any]:
    async with database.transaction() as tx:
        known = set((await tx.session.execute(select(Agency.uscc))).scalars())
        missing = [a.__dict__ for a in agencies if a.uscc not in known]
        if missing:
            await tx.session.execute(insert(Agency), missing)
        rows = (await tx.session.execute(select(Agency))).scalars()
        return {agency.uscc: agency for agency in rows}


async def _catalog(
    database: Database, items: list[CatalogSeed], effective_from: datetime
) -> dict[str, Any]:
    async with database.transaction() as tx:
        known = dict((await tx.session.execute(select(CatalogItem.code, CatalogItem.id))).all())
        for batch in _batches([i for i in items if i.code not in known], BATCH):
            records, versions = [], []
            for item in batch:
                parent_id = known.get(item.parent_code) if item.parent_code else None
                record = {
                    **_stamps(effective_from),
                    "id": new_id(),
                    "code": item.code,
                    "item_type": item_type_of_basic_code(item.code),
                    "parent_id": parent_id,
                }
                known[item.code] = record["id"]
                records.append(record)
                versions.append(_version(CATALOG_ITEM, record["id"], item.content, effective_from))
            await tx.session.execute(insert(CatalogItem), records)
            await tx.session.execute(insert(CATALOG_ITEM.version), versions)
        return known


async def _fee_items(
    database: Database,
    items: Sequence[ListSeed],
    agencies: dict[str, Any],
    effective_from: datetime,
) -> None:
    """The few fee items the synthetic guides charge, published, unless already there."""
    async with database.transaction() as tx:
        known = set((await tx.session.execute(select(FEE_ITEM.record.code))).scalars())
        for item in (i for i in items if i.code not in known):
            record = {
                **_stamps(effective_from),
                "id": new_id(),
                "code": item.code,
                "agency_id": agencies[item.agency_uscc].id,
            }
            await tx.session.execute(insert(FEE_ITEM.record), [record])
            version = _version(FEE_ITEM, record["id"], item.content, effective_from)
            await tx.session.execute(insert(FEE_ITEM.version), [version])


def _service_rows(
    seed: ServiceSeed,
    agencies: dict[str, Any],
    catalog_ids: dict[str, Any],
    effective_from: datetime,
) -> tuple[dict[str, Any], dict[str, Any]]:
    code = seed.catalog_code
    record = {
        **_stamps(effective_from),
        "id": new_id(),
        "code": derive_implementation_code(
            seed.agency_uscc, seed.level, code[:12], code[12:] or None
        ),
        "catalog_item_id": catalog_ids[code],
        "agency_id": agencies[seed.agency_uscc].id,
        "level": seed.level,
        "item_type": item_type_of_basic_code(code[:12]),
    }
    return record, _version(SERVICE_ITEM, record["id"], seed.content, effective_from)


def _version(kind: Kind, record_id: Any, content: Any, effective_from: datetime) -> dict[str, Any]:
    return {
        "id": new_id(),
        "record_id": record_id,
        "number": 1,
        "status": VersionStatus.PUBLISHED,
        "effective_from": effective_from,
        "published_at": effective_from,
        "content": content.model_dump(mode="json", exclude_none=True),
        "author": "synthetic",
        "published_by": "synthetic",
        "announced_at": effective_from,
        "created_at": effective_from,
        **kind.projection(content),
    }


def _event(kind: Kind, record: dict[str, Any], agency: Any) -> dict[str, Any]:
    return {
        "kind": kind.name,
        "record_id": record["id"],
        "code": record["code"],
        "version_number": 1,
        "action": ChangeAction.PUBLISHED.value,
        "region_code": agency.region_code,
        "agency_uscc": agency.uscc,
        "actor": "synthetic",
        "at": utc_now(),
        "payload": {},
    }


def _stamps(at: datetime) -> dict[str, Any]:
    return {"lock_version": 1, "created_at": at, "updated_at": at}
