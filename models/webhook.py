"""Webhooks: a portal's URL that receives the change events matching its filter.

A subscription keeps its own cursor (the last event seq delivered), so a receiver that is down
only delays its deliveries: when it answers again, everything after the cursor is sent. Every
attempt is recorded as a delivery.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from models.base import JsonDocument, UtcDateTime, utc_now


class WebhookSubscription(SQLModel, table=True):
    __tablename__ = "webhook_subscription"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=200)
    url: str = Field(max_length=2000)
    secret: str = Field(max_length=200)  # signs deliveries; shown to the administrator once
    filter: dict[str, Any] = Field(default_factory=dict, sa_type=JsonDocument)
    cursor: int = 0  # the last change event seq delivered (or skipped by the filter)
    active: bool = True
    failures: int = 0  # consecutive failed attempts; sets the backoff
    next_attempt_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime, index=True)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    created_by: str | None = Field(default=None, max_length=200)


class WebhookDelivery(SQLModel, table=True):
    __tablename__ = "webhook_delivery"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: uuid.UUID = Field(foreign_key="webhook_subscription.id", index=True)
    at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    first_seq: int
    last_seq: int
    events: int
    status_code: int | None = None  # the receiver's answer; None when it never answered
    ok: bool
    error: str | None = Field(default=None, max_length=500)
    duration_ms: float
