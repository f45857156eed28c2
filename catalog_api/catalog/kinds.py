"""What the one versioning mechanism needs to know about each kind of record."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from models import (
    CatalogItem,
    CatalogItemVersion,
    FeeItem,
    FeeItemVersion,
    IntermediaryService,
    IntermediaryServiceVersion,
    Scenario,
    ScenarioVersion,
    ServiceItem,
    ServiceItemVersion,
)
from models.content import (
    CatalogItemContent,
    FeeItemContent,
    IntermediaryServiceContent,
    ServiceItemContent,
)
from models.enums import Channel, RecordKind, ServiceObject, bitmask
from models.scenario_content import ScenarioContent

Projection = Callable[[Any], dict[str, Any]]


def _no_projection(content: Any) -> dict[str, Any]:
    return {}


def _catalog_projection(content: CatalogItemContent) -> dict[str, Any]:
    return {"service_objects": bitmask(content.service_objects, ServiceObject)}


def _service_projection(content: ServiceItemContent) -> dict[str, Any]:
    return {
        "handling_kind": content.handling_kind.value,
        "onsite_visits": content.onsite_visits,
        "online_depth": content.online_depth.value,
        "charging": content.charging,
        "channels": bitmask(content.channels.available(), Channel),
    }


def _scenario_projection(content: ScenarioContent) -> dict[str, Any]:
    return {"theme": content.theme.value}


@dataclass(frozen=True)
class Kind:
    name: RecordKind
    record: Any  # the record table class
    version: Any  # the version table class
    content: type[BaseModel]
    project: Projection = _no_projection

    def projection(self, content: BaseModel) -> dict[str, Any]:
        """The filter columns a version row keeps beside its JSON content."""
        return self.project(content)


CATALOG_ITEM = Kind(
    RecordKind.CATALOG_ITEM,
    CatalogItem,
    CatalogItemVersion,
    CatalogItemContent,
    _catalog_projection,
)
SERVICE_ITEM = Kind(
    RecordKind.SERVICE_ITEM,
    ServiceItem,
    ServiceItemVersion,
    ServiceItemContent,
    _service_projection,
)
FEE_ITEM = Kind(RecordKind.FEE_ITEM, FeeItem, FeeItemVersion, FeeItemContent)
INTERMEDIARY_SERVICE = Kind(
    RecordKind.INTERMEDIARY_SERVICE,
    IntermediaryService,
    IntermediaryServiceVersion,
    IntermediaryServiceContent,
)
SCENARIO = Kind(
    RecordKind.SCENARIO, Scenario, ScenarioVersion, ScenarioContent, _scenario_projection
)
KINDS = {
    kind.name: kind
    for kind in (CATALOG_ITEM, SERVICE_ITEM, FEE_ITEM, INTERMEDIARY_SERVICE, SCENARIO)
}
