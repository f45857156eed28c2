"""Tables, domain types and pure rules. Importing this package registers every table."""

from models.attachment import Attachment
from models.audit import AuditEntry
from models.catalog import CatalogItem, CatalogItemVersion, ServiceItem, ServiceItemVersion
from models.event import ChangeEvent
from models.flag import ReviewFlagRow
from models.list_records import (
    FeeItem,
    FeeItemVersion,
    IntermediaryService,
    IntermediaryServiceVersion,
)
from models.reference import Agency, Region
from models.scenarios import Scenario, ScenarioVersion
from models.webhook import WebhookDelivery, WebhookSubscription

__all__ = [
    "Agency",
    "Attachment",
    "AuditEntry",
    "CatalogItem",
    "CatalogItemVersion",
    "ChangeEvent",
    "FeeItem",
    "FeeItemVersion",
    "IntermediaryService",
    "IntermediaryServiceVersion",
    "Region",
    "ReviewFlagRow",
    "Scenario",
    "ScenarioVersion",
    "ServiceItem",
    "ServiceItemVersion",
    "WebhookDelivery",
    "WebhookSubscription",
]
