"""Which GraphQL type shows which kind of versioned record."""

from typing import Any

from catalog_api.catalog.kinds import (
    CATALOG_ITEM,
    FEE_ITEM,
    INTERMEDIARY_SERVICE,
    SCENARIO,
    SERVICE_ITEM,
    Kind,
)
from catalog_api.schema.catalog_items import CatalogItem
from catalog_api.schema.list_records import FeeItem, IntermediaryService
from catalog_api.schema.scenarios import Scenario
from catalog_api.schema.service_items import ServiceItem

VIEWS: dict[str, tuple[Kind, Any]] = {
    "CatalogItem": (CATALOG_ITEM, CatalogItem),
    "ServiceItem": (SERVICE_ITEM, ServiceItem),
    "FeeItem": (FEE_ITEM, FeeItem),
    "IntermediaryService": (INTERMEDIARY_SERVICE, IntermediaryService),
    "Scenario": (SCENARIO, Scenario),
}
"""GraphQL type name → (kind, type with `of(info, record, version, at)`)."""

VIEW_OF_KIND: dict[str, Any] = {kind.name: view for kind, view in VIEWS.values()}
