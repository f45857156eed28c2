"""The `Versioned` interface every kind of record implements, and the as-of argument."""

import uuid
from collections import OrderedDict
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

import strawberry
from pydantic import BaseModel

from catalog_api.schema.context import Info
from catalog_api.schema.diff import FieldChange
from catalog_api.schema.enums import VersionStatus
from catalog_api.schema.history import Version, field_changes, versions_connection
from catalog_api.schema.ids import to_global_id
from catalog_api.schema.node import Node
from catalog_api.schema.pagination import Connection
from models.enums import PUBLIC_STATUSES

CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")


def moment(info: Info, as_of: datetime | None) -> datetime:
    """The moment a read is about: `asOf` if given (a time without zone is Beijing time),
    otherwise the request's one `now`."""
    if as_of is None:
        return info.context.now
    return as_of if as_of.tzinfo else as_of.replace(tzinfo=CHINA_STANDARD_TIME)


class _PublishedContent:
    """Parsed contents of published versions, shared by all requests: a published version's
    content never changes (only its status and effective period do), so it is parsed once."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[uuid.UUID, BaseModel] = OrderedDict()

    def get(self, version: Any, model: type[BaseModel]) -> Any:
        content = self.entries.get(version.id)
        if content is None:
            content = model.model_validate(version.content)
            self.entries[version.id] = content
            if len(self.entries) > self.size:
                self.entries.popitem(last=False)
        else:
            self.entries.move_to_end(version.id)
        return content


_published = _PublishedContent(size=5000)


def parsed(info: Info, version: Any, model: type[BaseModel]) -> Any:
    """A version's content as its typed model: published ones from the shared cache, drafts
    (which editors may still change) once per request."""
    if version.status in PUBLIC_STATUSES:
        return _published.get(version, model)
    cache = info.context.parsed_content
    if version.id not in cache:
        cache[version.id] = model.model_validate(version.content)
    return cache[version.id]


@strawberry.interface(
    description="Any record kept through the one versioning mechanism; fields describe the "
    "version this object shows."
)
class Versioned(Node):
    lock_version: int = strawberry.field(description="Send it back on every write.")
    status: VersionStatus
    version_number: int
    effective_from: datetime | None
    effective_to: datetime | None
    record: strawberry.Private[Any]
    kind: strawberry.Private[str]

    @property
    def record_id(self) -> uuid.UUID:
        return self.record.id  # type: ignore[no-any-return]

    @strawberry.field(description="Every published version, newest first.")
    async def versions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Version]:
        return await versions_connection(info, self.kind, self.record, first, after)

    @strawberry.field(
        description="Field-level changes from version `from` to `to` (default: this one)."
    )
    async def diff(
        self,
        info: Info,
        from_: Annotated[int, strawberry.argument(name="from")],
        to: int | None = None,
    ) -> list[FieldChange]:
        return await field_changes(
            info, self.kind, self.record, from_, self.version_number if to is None else to
        )


def versioned_fields(type_name: str, kind: str, record: Any, version: Any) -> dict[str, Any]:
    return {
        "id": strawberry.ID(to_global_id(type_name, record.id)),
        "lock_version": record.lock_version,
        "status": version.status,
        "version_number": version.number,
        "effective_from": version.effective_from,
        "effective_to": version.effective_to,
        "record": record,
        "kind": kind,
    }
