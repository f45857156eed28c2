"""DataLoaders, built per request: every relationship the schema crosses goes through one, so a
list of fifty items costs a handful of SQL statements, not hundreds."""

import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from catalog_api.catalog.kinds import CATALOG_ITEM, KINDS, SERVICE_ITEM
from catalog_api.catalog.queries import history, items, lists, reference
from catalog_api.db import Database

K = TypeVar("K", bound=Hashable)
Fetch = Callable[[Any, Sequence[Any]], Awaitable[dict[Any, Any]]]
AtFetch = Callable[[Any, Sequence[Any], datetime], Awaitable[dict[Any, Any]]]


def _simple(database: Database, fetch: Fetch) -> DataLoader[Any, Any]:
    async def load(keys: list[Any]) -> list[Any]:
        async with database.read() as session:
            found = await fetch(session, keys)
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


def _at(database: Database, fetch: AtFetch) -> DataLoader[tuple[Any, datetime], Any]:
    """Keys are (id, moment); one query per distinct moment in the batch."""

    async def load(keys: list[tuple[Any, datetime]]) -> list[Any]:
        by_moment: dict[datetime, list[Any]] = defaultdict(list)
        for key, at in keys:
            by_moment[at].append(key)
        found: dict[tuple[Any, datetime], Any] = {}
        async with database.read() as session:
            for at, ids in by_moment.items():
                for key, value in (await fetch(session, ids, at)).items():
                    found[(key, at)] = value
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


def _by_kind(database: Database, fetch: Any, empty: Any) -> DataLoader[tuple[str, uuid.UUID], Any]:
    """Keys are (kind name, record id); one query per kind in the batch."""

    async def load(keys: list[tuple[str, uuid.UUID]]) -> list[Any]:
        by_kind: dict[str, list[uuid.UUID]] = defaultdict(list)
        for kind_name, record_id in keys:
            by_kind[kind_name].append(record_id)
        found: dict[tuple[str, uuid.UUID], Any] = {}
        async with database.read() as session:
            for kind_name, ids in by_kind.items():
                for record_id, value in (await fetch(session, KINDS[kind_name], ids)).items():
                    found[(kind_name, record_id)] = value
        return [found.get(key, empty) for key in keys]

    return DataLoader(load_fn=load)


def _by_code(database: Database) -> DataLoader[tuple[str, str, datetime], Any]:
    """Keys are (kind name, code, moment): the version in force then; one query per kind and
    moment in the batch."""

    async def load(keys: list[tuple[str, str, datetime]]) -> list[Any]:
        groups: dict[tuple[str, datetime], list[str]] = defaultdict(list)
        for kind_name, code, at in keys:
            groups[(kind_name, at)].append(code)
        found: dict[tuple[str, str, datetime], Any] = {}
        async with database.read() as session:
            for (kind_name, at), codes in groups.items():
                shown = await items.in_force_by_codes(session, KINDS[kind_name], codes, at)
                for code, value in shown.items():
                    found[(kind_name, code, at)] = value
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


ChargingKey = tuple[str, datetime, str | None, int]


def _charging(database: Database) -> DataLoader[ChargingKey, Any]:
    """Keys are (fee code, moment, region or None, how many to show): the service items
    charging the fee, as (total, [Shown]); two statements per moment, region and size."""

    async def load(keys: list[ChargingKey]) -> list[Any]:
        groups: dict[tuple[datetime, str | None, int], list[str]] = defaultdict(list)
        for code, at, region, limit in keys:
            groups[(at, region, limit)].append(code)
        found: dict[ChargingKey, Any] = {}
        async with database.read() as session:
            for (at, region, limit), codes in groups.items():
                charging = await lists.charging_items(session, codes, at, region, limit)
                ids = [item_id for c in charging.values() for item_id in c.item_ids]
                shown = await items.by_ids(session, SERVICE_ITEM, ids, at) if ids else {}
                for code, c in charging.items():
                    rows = [shown[i] for i in c.item_ids if i in shown]
                    found[(code, at, region, limit)] = (c.total, rows)
        return [found.get(key, (0, [])) for key in keys]

    return DataLoader(load_fn=load)


@dataclass
class Loaders:
    agency_by_id: DataLoader[uuid.UUID, Any]
    agency_by_uscc: DataLoader[str, Any]
    region_by_code: DataLoader[str, Any]
    region_children: DataLoader[str, list[Any]]
    attachment_by_sha: DataLoader[str, Any]
    catalog_record_by_id: DataLoader[uuid.UUID, Any]
    catalog_version_in_force: DataLoader[tuple[uuid.UUID, datetime], Any]
    catalog_children: DataLoader[tuple[uuid.UUID, datetime], list[Any]]
    public_versions: DataLoader[tuple[str, uuid.UUID], list[Any]]
    open_draft: DataLoader[tuple[str, uuid.UUID], Any]
    open_flags: DataLoader[uuid.UUID, list[Any]]
    in_force_by_code: DataLoader[tuple[str, str, datetime], Any]
    charging_items: DataLoader[ChargingKey, Any]


def build_loaders(database: Database) -> Loaders:
    async def catalog_records(session: Any, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Any]:
        return await history.records_by_ids(session, CATALOG_ITEM, ids)

    return Loaders(
        agency_by_id=_simple(database, reference.agencies_by_ids),
        agency_by_uscc=_simple(database, reference.agencies_by_usccs),
        region_by_code=_simple(database, reference.regions_by_codes),
        region_children=_simple(database, reference.regions_by_parents),
        attachment_by_sha=_simple(database, reference.attachments_by_sha),
        catalog_record_by_id=_simple(database, catalog_records),
        catalog_version_in_force=_at(database, history.catalog_versions_in_force),
        catalog_children=_at(database, items.children_by_parent_ids),
        public_versions=_by_kind(database, history.public_versions, []),
        open_draft=_by_kind(database, history.open_drafts, None),
        open_flags=_simple(database, history.open_flags),
        in_force_by_code=_by_code(database),
        charging_items=_charging(database),
    )
