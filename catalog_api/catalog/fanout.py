"""What a catalog item's new version means for the service items derived from it.

At publish time (scheduled or not) every derived item whose local fields depend on what changed
is flagged, field by field, so editors get the lead time; when the version takes effect, every
derived item gets a change event, so portals and the search index refresh inherited elements.
"""

from typing import Any

from sqlalchemy import String, cast, insert, select, update

from catalog_api.catalog import events as events_module
from catalog_api.catalog.kinds import (
    CATALOG_ITEM,
    FEE_ITEM,
    INTERMEDIARY_SERVICE,
    SERVICE_ITEM,
    Kind,
)
from catalog_api.db import Tx
from models import Agency, ChangeEvent, ReviewFlagRow, ServiceItem, ServiceItemVersion
from models.base import new_id, utc_now
from models.content import CatalogItemContent, ServiceItemContent
from models.diff import diff_models
from models.enums import ChangeAction, VersionStatus
from models.review import review_flags


async def flag_derived(tx: Tx, catalog: Any, previous: Any | None, published: Any) -> int:
    """Store review flags on the derived items the change affects; returns how many items."""
    if previous is None:
        return 0
    old = CatalogItemContent.model_validate(previous.content)
    new = CatalogItemContent.model_validate(published.content)
    changes = diff_models(old, new)  # the same for every derived item: computed once
    statement = (
        select(ServiceItem, ServiceItemVersion)
        .join(ServiceItemVersion, ServiceItemVersion.record_id == ServiceItem.id)
        .where(
            ServiceItem.catalog_item_id == catalog.id,
            ServiceItemVersion.status == VersionStatus.PUBLISHED,
        )
    )
    rows, flagged = [], 0
    for item, version in await tx.session.execute(statement):
        local = ServiceItemContent.model_validate(version.content)
        flags = review_flags(old, new, local, item.level, changes)
        flagged += bool(flags)
        rows += [
            {
                "id": new_id(),
                "service_item_id": item.id,
                "catalog_version_number": published.number,
                "field": list(flag.field),
                "reason": flag.reason,
                "changes": [_change_json(change) for change in flag.changes],
                "created_at": utc_now(),
            }
            for flag in flags
        ]
    if rows:
        await tx.session.execute(insert(ReviewFlagRow), rows)
    return flagged


async def announce_to_derived(tx: Tx, catalog: Any, version: Any, actor: str | None) -> int:
    """One `catalog_changed` event per derived service item, in one statement."""
    statement = (
        select(ServiceItem.id, ServiceItem.code, Agency.region_code, Agency.uscc)
        .join(Agency, Agency.id == ServiceItem.agency_id)
        .where(ServiceItem.catalog_item_id == catalog.id)
    )
    await events_module.lock_sequence(tx)
    now, cause = utc_now(), f"{CATALOG_ITEM.name}:{catalog.code}:{version.number}"
    events = [
        {
            "kind": SERVICE_ITEM.name,
            "record_id": item_id,
            "code": code,
            "version_number": None,
            "action": ChangeAction.CATALOG_CHANGED.value,
            "at": now,
            "region_code": region_code,
            "agency_uscc": uscc,
            "actor": actor,
            "cause": cause,
            "payload": {"catalog_code": catalog.code, "catalog_version": version.number},
        }
        for item_id, code, region_code, uscc in await tx.session.execute(statement)
    ]
    if events:
        await tx.session.execute(insert(ChangeEvent), events)
    return len(events)


def _referrers(kind: Kind, code: str, content: dict[str, Any]) -> bool:
    """Whether a service item's guide names the fee item or intermediary service `code`."""
    if kind is FEE_ITEM:
        return any(line.get("fee_item") == code for line in content.get("fees") or ())
    return code in (content.get("intermediaries") or ())


async def announce_to_referrers(
    tx: Tx, kind: Kind, record: Any, version: Any, action: ChangeAction, actor: str | None
) -> int:
    """A fee item's or intermediary service's change reaches the service items whose
    published guide names it: one `related_changed` event each, naming the cause. Portals
    showing the guide's fees, and the search index, refresh those items."""
    if kind not in (FEE_ITEM, INTERMEDIARY_SERVICE):
        return 0
    # The code inside the JSON text narrows the candidates in SQL on both dialects; the
    # content decides.
    statement = (
        select(
            ServiceItem.id,
            ServiceItem.code,
            Agency.region_code,
            Agency.uscc,
            ServiceItemVersion.content,
        )
        .join(ServiceItemVersion, ServiceItemVersion.record_id == ServiceItem.id)
        .join(Agency, Agency.id == ServiceItem.agency_id)
        .where(
            ServiceItemVersion.status == VersionStatus.PUBLISHED,
            cast(ServiceItemVersion.content, String).contains(f'"{record.code}"'),
        )
    )
    rows = [
        row for row in await tx.session.execute(statement) if _referrers(kind, record.code, row[4])
    ]
    if not rows:
        return 0
    await events_module.lock_sequence(tx)
    now = utc_now()
    cause = f"{kind.name}:{record.code}:{version.number}"
    events = [
        {
            "kind": SERVICE_ITEM.name,
            "record_id": item_id,
            "code": code,
            "version_number": None,
            "action": ChangeAction.RELATED_CHANGED.value,
            "at": now,
            "region_code": region_code,
            "agency_uscc": uscc,
            "actor": actor,
            "cause": cause,
            "payload": {"related": kind.name, "code": record.code, "change": action.value},
        }
        for item_id, code, region_code, uscc, _content in rows
    ]
    await tx.session.execute(insert(ChangeEvent), events)
    return len(events)


async def resolve_flags(tx: Tx, service_item_id: Any, actor: str | None) -> int:
    """Mark the item's open flags resolved (accepted, or fixed by a newly published version)."""
    result = await tx.session.execute(
        update(ReviewFlagRow)
        .where(
            ReviewFlagRow.service_item_id == service_item_id,
            ReviewFlagRow.resolved_at.is_(None),
        )
        .values(resolved_at=utc_now(), resolved_by=actor)
    )
    return result.rowcount or 0


def _change_json(change: Any) -> dict[str, Any]:
    return {
        "path": list(change.path),
        "kind": str(change.kind),
        "before": change.before,
        "after": change.after,
    }
