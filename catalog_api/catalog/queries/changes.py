"""The change feed: change events in commit order, filtered, as the caller may see them.

`seq` order is commit order (writers hold the event lock until commit, see `events.py`), so a
reader that resumes after the last `seq` it saw never misses an event nor sees one twice.

Who sees what:
- anonymous readers (the portals) see what changes the published catalog: `published` (a
  version took effect), and `withdrawn` / `catalog_changed` of records they have seen published
  earlier in the feed (and `related_changed`: a fee item or intermediary service its guide
  names changed). Drafts, reviews and scheduled versions stay private, and so does any event
  of a record that was never public. The rule looks only at earlier events, so replaying the feed
  from any cursor always gives the same answer;
- editors and reviewers see, in addition, every event of the service items in their scope (their
  agencies, and the agencies of their regions and the regions below);
- catalog administrators see every event.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from catalog_api.auth import Principal, Role
from models import Agency, ChangeEvent, Region
from models.enums import ChangeAction, RecordKind

KINDS = tuple(kind.value for kind in RecordKind)


class UnknownFilterValue(ValueError):
    """A filter names something the catalog does not have; `argument` says which filter."""

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(message)
        self.argument = argument
        self.message = message


@dataclass(frozen=True)
class ChangeFilter:
    """Which events to read; empty tuples mean "any". Regions are already expanded."""

    kinds: tuple[str, ...] = ()
    region_codes: tuple[str, ...] = ()
    agency_usccs: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Viewer:
    """Whose feed it is: the public's, plus what a signed-in person's scope adds."""

    everything: bool = False
    agency_usccs: frozenset[str] = field(default_factory=frozenset)
    region_codes: frozenset[str] = field(default_factory=frozenset)


PUBLIC = Viewer()


async def resolve_filter(
    session: AsyncSession,
    *,
    kinds: Sequence[str] = (),
    regions: Sequence[str] = (),
    agencies: Sequence[str] = (),
    codes: Sequence[str] = (),
) -> ChangeFilter:
    """Check every value against the catalog and expand regions to the regions below them."""
    unknown_kinds = sorted(set(kinds) - set(KINDS))
    if unknown_kinds:
        raise UnknownFilterValue(
            "filter.kinds", f"未知的记录类型 {', '.join(unknown_kinds)}（可选：{', '.join(KINDS)}）"
        )
    region_codes: tuple[str, ...] = ()
    if regions:
        known = set(
            (await session.execute(select(Region.code).where(Region.code.in_(regions)))).scalars()
        )
        if missing := sorted(set(regions) - known):
            raise UnknownFilterValue("filter.regions", f"未知的行政区划 {', '.join(missing)}")
        region_codes = tuple(sorted(await regions_and_below(session, regions)))
    if agencies:
        statement = select(Agency.uscc).where(Agency.uscc.in_(agencies))
        known = set((await session.execute(statement)).scalars())
        if missing := sorted(set(agencies) - known):
            raise UnknownFilterValue("filter.agencies", f"未知的实施主体 {', '.join(missing)}")
    return ChangeFilter(
        kinds=tuple(sorted(set(kinds))),
        region_codes=region_codes,
        agency_usccs=tuple(sorted(set(agencies))),
        codes=tuple(sorted(set(codes))),
    )


async def regions_and_below(session: AsyncSession, codes: Sequence[str]) -> set[str]:
    """The given region codes and every code below them (districts, streets …)."""
    if not codes:
        return set()
    tree = select(Region.code).where(Region.code.in_(codes)).cte("tree", recursive=True)
    tree = tree.union(select(Region.code).where(Region.parent_code == tree.c.code))
    return set((await session.execute(select(tree.c.code))).scalars())


async def viewer_of(session: AsyncSession, principal: Principal | None) -> Viewer:
    """What `principal` may see of the feed (the same rule as drafts: `schema/visibility.py`)."""
    if principal is None:
        return PUBLIC
    if principal.has(Role.CATALOG_ADMIN):
        return Viewer(everything=True)
    if not (principal.has(Role.EDITOR) or principal.has(Role.REVIEWER)):
        return PUBLIC
    return Viewer(
        agency_usccs=frozenset(principal.agencies),
        region_codes=frozenset(await regions_and_below(session, sorted(principal.regions))),
    )


async def head_seq(session: AsyncSession) -> int:
    """The `seq` of the newest event (0 before the first)."""
    return (await session.execute(select(func.max(ChangeEvent.seq)))).scalar() or 0


async def changes_after(
    session: AsyncSession, after: int, first: int, where: ChangeFilter, viewer: Viewer
) -> tuple[list[ChangeEvent], bool]:
    """Up to `first` events with `seq > after`, oldest first, and whether more follow."""
    statement = (
        select(ChangeEvent)
        .where(ChangeEvent.seq > after, _matches(where), _visible_to(viewer))
        .order_by(ChangeEvent.seq)
        .limit(first + 1)
    )
    rows = list((await session.execute(statement)).scalars())
    return rows[:first], len(rows) > first


def _matches(where: ChangeFilter) -> ColumnElement[bool]:
    conditions = []
    if where.kinds:
        conditions.append(ChangeEvent.kind.in_(where.kinds))
    if where.region_codes:
        conditions.append(ChangeEvent.region_code.in_(where.region_codes))
    if where.agency_usccs:
        conditions.append(ChangeEvent.agency_uscc.in_(where.agency_usccs))
    if where.codes:
        conditions.append(ChangeEvent.code.in_(where.codes))
    return and_(true(), *conditions)


def _visible_to(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.everything:
        return true()
    earlier = aliased(ChangeEvent)
    published_before = exists().where(
        earlier.record_id == ChangeEvent.record_id,
        earlier.action == ChangeAction.PUBLISHED.value,
        earlier.seq < ChangeEvent.seq,
    )
    same_version_published_before = published_before.where(
        earlier.version_number == ChangeEvent.version_number
    )
    public = or_(
        ChangeEvent.action == ChangeAction.PUBLISHED.value,
        and_(ChangeEvent.action == ChangeAction.WITHDRAWN.value, same_version_published_before),
        and_(
            ChangeEvent.action.in_(
                (ChangeAction.CATALOG_CHANGED.value, ChangeAction.RELATED_CHANGED.value)
            ),
            published_before,
        ),
    )
    in_scope = []
    if viewer.agency_usccs:
        in_scope.append(ChangeEvent.agency_uscc.in_(sorted(viewer.agency_usccs)))
    if viewer.region_codes:
        in_scope.append(ChangeEvent.region_code.in_(sorted(viewer.region_codes)))
    scope = and_(ChangeEvent.kind == RecordKind.SERVICE_ITEM.value, or_(false(), *in_scope))
    return or_(public, scope) if in_scope else public
