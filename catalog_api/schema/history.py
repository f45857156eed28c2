"""The public history of a record: its versions, newest first."""

from datetime import datetime
from typing import Any

import strawberry

from catalog_api.schema.context import Info
from catalog_api.schema.diff import FieldChange
from catalog_api.schema.enums import VersionStatus
from catalog_api.schema.errors import bad_argument
from catalog_api.schema.pagination import Connection, connection, decode_cursor, page_size
from catalog_api.schema.visibility import visible_versions
from models.diff import diff


@strawberry.type(description="One version of a record, as its history shows it.")
class Version:
    number: int
    status: VersionStatus
    effective_from: datetime | None
    effective_to: datetime | None
    author: str | None
    change_note: str | None
    reason: str | None = strawberry.field(description="Why it was withdrawn or rejected.")
    published_at: datetime | None

    @classmethod
    def of(cls, row: Any) -> "Version":
        return cls(
            number=row.number,
            status=row.status,
            effective_from=row.effective_from,
            effective_to=row.effective_to,
            author=row.author,
            change_note=row.change_note,
            reason=row.reason,
            published_at=row.published_at,
        )


async def versions_connection(
    info: Info, kind: str, record: Any, first: int | None, after: str | None
) -> Connection[Version]:
    size = page_size(first, info.context.settings.max_page_size)
    after_key = decode_cursor(after)
    rows = await visible_versions(info, kind, record)
    if after_key is not None:
        if not after_key.isdigit():
            raise bad_argument("after", "不是本接口返回的游标")
        rows = [row for row in rows if row.number < int(after_key)]
    page = rows[:size]
    return connection(
        [Version.of(row) for row in page],
        [str(row.number) for row in page],
        has_next=len(rows) > size,
        has_previous=after_key is not None,
    )


async def version_by_number(info: Info, kind: str, record: Any, number: int) -> Any | None:
    rows = await visible_versions(info, kind, record)
    return next((row for row in rows if row.number == number), None)


async def field_changes(
    info: Info, kind: str, record: Any, from_number: int, to_number: int
) -> list[FieldChange]:
    rows = {row.number: row for row in await visible_versions(info, kind, record)}
    for argument, number in (("from", from_number), ("to", to_number)):
        if number not in rows:
            raise bad_argument(argument, f"没有可查看的第 {number} 版")
    return [FieldChange.of(c) for c in diff(rows[from_number].content, rows[to_number].content)]
