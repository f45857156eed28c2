"""What a public read depends on besides its arguments: the newest change event, and the next
moment a version takes or leaves effect. Both are cheap reads, so the HTTP cache can ask often.
"""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_api.catalog.kinds import KINDS
from models import ChangeEvent


async def latest_event_seq(session: AsyncSession) -> int:
    """The newest change event's `seq` (0 before the first): every state change writes one,
    in commit order, so an unchanged value means an unchanged catalog."""
    seq = (await session.execute(select(func.max(ChangeEvent.seq)))).scalar_one()
    return seq or 0


async def next_effective_moment(session: AsyncSession, after: datetime) -> datetime | None:
    """The earliest `effective_from` or `effective_to` later than `after`, over every kind.

    Reads without `asOf` change at that moment without any write (a scheduled version takes
    effect, the one it replaces leaves), so nothing read now may be served past it. Drafts
    carry no effective period, so no status condition is needed and each probe can run on the
    version table's (record_id, effective_from, effective_to) index alone.
    """
    probes = [
        select(func.min(column)).where(column > after).scalar_subquery()
        for kind in KINDS.values()
        for column in (kind.version.effective_from, kind.version.effective_to)
    ]
    row = (await session.execute(select(*probes))).one()
    moments = [moment for moment in row if moment is not None]
    return min(moments, default=None)
