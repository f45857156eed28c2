"""What the one versioning mechanism needs to know about each kind of record."""

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from models import CatalogItem, CatalogItemVersion, ServiceItem, ServiceItemVersion
from models.content import CatalogItemContent, ServiceItemContent
from models.enums import Channel, RecordKind, ServiceObject, bitmask


@dataclass(frozen=True)
class Kind:
    name: RecordKind
    record: Any  # the record table class
    version: Any  # the version table class
    content: type[BaseModel]

    def projection(self, content: BaseModel) -> dict[str, Any]:
        """The filter columns a version row keeps beside its JSON content."""
        if isinstance(content, CatalogItemContent):
            return {"service_objects": bitmask(content.service_objects, ServiceObject)}
        assert isinstance(content, ServiceItemContent)
        return {
            "handling_kind": content.handling_kind.value,
            "onsite_visits": content.onsite_visits,
            "online_depth": content.online_depth.value,
            "charging": content.charging,
            "channels": bitmask(content.channels.available(), Channel),
        }


CATALOG_ITEM = Kind(RecordKind.CATALOG_ITEM, CatalogItem, CatalogItemVersion, CatalogItemContent)
SERVICE_ITEM = Kind(RecordKind.SERVICE_ITEM, ServiceItem, ServiceItemVersion, ServiceItemContent)
KINDS = {kind.name: kind for kind in (CATALOG_ITEM, SERVICE_ITEM)}
