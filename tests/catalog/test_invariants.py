"""The database itself keeps the versioning invariants, whatever code writes to it."""

import pytest
from sqlalchemy.exc import IntegrityError

from catalog_api.catalog.kinds import CATALOG_ITEM, FEE_ITEM, INTERMEDIARY_SERVICE, SERVICE_ITEM
from models.enums import VersionStatus
from tests.factories import (
    agency,
    catalog_item_draft,
    fee_item_content,
    intermediary_content,
    published_catalog_item,
    published_fee_item,
    published_intermediary,
    published_service_item,
    service_content,
    versions_of,
)

EVERY_KIND = [CATALOG_ITEM, SERVICE_ITEM, FEE_ITEM, INTERMEDIARY_SERVICE]


async def published_record(database, kind):
    catalog, version = await published_catalog_item(database)
    if kind is CATALOG_ITEM:
        return catalog, version
    authority = await agency(database)
    if kind is FEE_ITEM:
        return await published_fee_item(database, authority.uscc)
    if kind is INTERMEDIARY_SERVICE:
        return await published_intermediary(database, authority.uscc, [catalog.code])
    return await published_service_item(database, catalog.code, authority.uscc)


CONTENTS = {
    CATALOG_ITEM.name: lambda: {"name": "直接写入"},
    SERVICE_ITEM.name: service_content,
    FEE_ITEM.name: fee_item_content,
    INTERMEDIARY_SERVICE.name: lambda: intermediary_content(["370113001000"]),
}


async def insert_version(database, kind, record_id, number, status):
    """Write a version row straight through the session, bypassing the commands."""
    content = kind.content.model_validate(CONTENTS[kind.name]())
    async with database.transaction() as tx:
        tx.session.add(
            kind.version(
                record_id=record_id,
                number=number,
                status=status,
                content=content.model_dump(mode="json", exclude_none=True),
                **kind.projection(content),
            )
        )


@pytest.mark.parametrize("kind", EVERY_KIND, ids=lambda k: k.name.value)
@pytest.mark.parametrize("status", [VersionStatus.DRAFT, VersionStatus.IN_REVIEW])
async def test_a_second_open_draft_is_refused(database, kind, status):
    # given a published record with an open draft (v2)
    record, _ = await published_record(database, kind)
    await insert_version(database, kind, record.id, 2, VersionStatus.DRAFT)

    # when / then
    with pytest.raises(IntegrityError):
        await insert_version(database, kind, record.id, 3, status)
    assert [v.number for v in await versions_of(database, kind, record.id)] == [1, 2]


@pytest.mark.parametrize("kind", EVERY_KIND, ids=lambda k: k.name.value)
async def test_a_second_published_version_is_refused(database, kind):
    record, _ = await published_record(database, kind)

    with pytest.raises(IntegrityError):
        await insert_version(database, kind, record.id, 2, VersionStatus.PUBLISHED)
    assert [v.number for v in await versions_of(database, kind, record.id)] == [1]


async def test_version_numbers_are_unique_per_record(database):
    record, _ = await published_catalog_item(database)

    with pytest.raises(IntegrityError):
        await insert_version(database, CATALOG_ITEM, record.id, 1, VersionStatus.SUPERSEDED)


async def test_ended_versions_are_not_limited(database):
    # given
    record, _ = await catalog_item_draft(database)

    # when several superseded and withdrawn versions exist beside one draft and one published
    for number, status in enumerate(
        [
            VersionStatus.SUPERSEDED,
            VersionStatus.SUPERSEDED,
            VersionStatus.WITHDRAWN,
            VersionStatus.WITHDRAWN,
            VersionStatus.PUBLISHED,
        ],
        start=2,
    ):
        await insert_version(database, CATALOG_ITEM, record.id, number, status)

    # then
    assert len(await versions_of(database, CATALOG_ITEM, record.id)) == 6


async def test_the_same_numbers_may_be_used_by_different_records(database):
    first, _ = await catalog_item_draft(database)
    second, _ = await catalog_item_draft(database)

    assert [v.number for v in await versions_of(database, CATALOG_ITEM, first.id)] == [1]
    assert [v.number for v in await versions_of(database, CATALOG_ITEM, second.id)] == [1]
