"""Tables, domain types and pure rules. Importing this package registers every table."""

from models.attachment import Attachment
from models.catalog import CatalogItem, CatalogItemVersion, ServiceItem, ServiceItemVersion
from models.event import ChangeEvent
from models.reference import Agency, Region

__all__ = [
    "Agency",
    "Attachment",
    "CatalogItem",
    "CatalogItemVersion",
    "ChangeEvent",
    "Region",
    "ServiceItem",
    "ServiceItemVersion",
]
