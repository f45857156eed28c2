"""Filter inputs of the list queries, checked and turned into the application's filters."""

import strawberry

from catalog_api.catalog.queries import items
from catalog_api.schema.enums import (
    Channel,
    ExerciseLevel,
    ItemType,
    OnlineDepth,
    ServiceObject,
)
from catalog_api.schema.errors import bad_argument
from models.codes import CodeError, normalise, validate_uscc


@strawberry.input(description="Which catalog items to list.")
class CatalogItemFilter:
    item_types: list[ItemType] | None = None
    service_object: ServiceObject | None = None
    parent_code: str | None = strawberry.field(
        default=None, description="Only the children of this item."
    )
    roots_only: bool = strawberry.field(default=False, description="Only main items.")

    def to_query(self) -> items.CatalogItemFilter:
        return items.CatalogItemFilter(
            item_types=tuple(self.item_types or ()),
            service_object=self.service_object,
            parent_code=normalise(self.parent_code) if self.parent_code else None,
            roots_only=self.roots_only,
        )


@strawberry.input(description="Which service items (实施清单) to list.")
class ServiceItemFilter:
    region: str | None = strawberry.field(
        default=None, description="Region code; includes every region below it."
    )
    agency: str | None = strawberry.field(default=None, description="Agency USCC.")
    catalog_code: str | None = strawberry.field(
        default=None, description="Only implementations of this catalog item."
    )
    item_types: list[ItemType] | None = None
    levels: list[ExerciseLevel] | None = None
    service_object: ServiceObject | None = None
    channels: list[Channel] | None = strawberry.field(
        default=None, description="Items offering every one of these channels."
    )
    max_onsite_visits: int | None = strawberry.field(
        default=None, description="At most this many trips (0: 零跑腿, 1: 最多跑一次)."
    )
    min_online_depth: OnlineDepth | None = None
    charging: bool | None = None
    instant: bool | None = strawberry.field(default=None, description="即办件 only, or none.")

    def to_query(self, catalog_code: str | None = None) -> items.ServiceItemFilter:
        agency = optional_uscc(self.agency, "filter.agency")
        if self.max_onsite_visits is not None and self.max_onsite_visits < 0:
            raise bad_argument("filter.maxOnsiteVisits", "不能为负数")
        return items.ServiceItemFilter(
            region_code=optional_code(self.region),
            agency_uscc=agency,
            catalog_code=catalog_code or optional_code(self.catalog_code),
            item_types=tuple(self.item_types or ()),
            levels=tuple(self.levels or ()),
            service_object=self.service_object,
            channels=tuple(self.channels or ()),
            max_onsite_visits=self.max_onsite_visits,
            min_online_depth=self.min_online_depth,
            charging=self.charging,
            instant=self.instant,
        )


def optional_code(raw: str | None) -> str | None:
    return normalise(raw) if raw else None


def optional_uscc(raw: str | None, argument: str) -> str | None:
    """An agency's unified social credit code, normalised, its check character verified."""
    if raw is None:
        return None
    try:
        return validate_uscc(raw)
    except CodeError as exc:
        raise bad_argument(argument, str(exc)) from None
