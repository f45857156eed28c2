"""Webhooks for portals (catalog administrators): `webhooks`, and `webhookCreate`,
`webhookUpdate`, `webhookRotateSecret`, `webhookReplay`, `webhookDelete`.

A webhook receives the public change feed's events matching its filter, as the `changes`
query shows them (`event_json`), signed with its secret; see `catalog.webhook_delivery`.
"""

import uuid
from datetime import datetime
from typing import Any

import strawberry

from catalog_api.auth import Principal, Role
from catalog_api.catalog import webhooks
from catalog_api.catalog.errors import not_found
from catalog_api.catalog.webhooks import EventFilter, WebhookChange
from catalog_api.db import Tx
from catalog_api.schema.changes import ChangeFilter, decode_seq
from catalog_api.schema.context import Info
from catalog_api.schema.errors import PublicError
from catalog_api.schema.ids import from_global_id, to_global_id
from catalog_api.schema.mutations.base import write
from catalog_api.schema.pagination import encode_cursor
from catalog_api.schema.payloads import UserError
from models import WebhookDelivery as DeliveryRow
from models import WebhookSubscription

MAX_DELIVERIES = 100


@strawberry.type(description="The events a webhook receives; an empty list means any.")
class WebhookFilter:
    kinds: list[str]
    regions: list[str]
    agencies: list[str]
    codes: list[str]


@strawberry.type(description="One attempt to deliver a batch of events.")
class WebhookDelivery:
    at: datetime
    first_seq: int
    last_seq: int
    events: int
    status_code: int | None = strawberry.field(description="The receiver's answer; null when none.")
    ok: bool
    error: str | None
    duration_ms: float

    @classmethod
    def of(cls, row: DeliveryRow) -> "WebhookDelivery":
        return cls(
            at=row.at,
            first_seq=row.first_seq,
            last_seq=row.last_seq,
            events=row.events,
            status_code=row.status_code,
            ok=row.ok,
            error=row.error,
            duration_ms=row.duration_ms,
        )


@strawberry.type(description="A portal's URL receiving the change events it asked for.")
class Webhook:
    id: strawberry.ID
    name: str
    url: str
    filter: WebhookFilter
    active: bool
    cursor: str = strawberry.field(description="The feed cursor of the last event delivered.")
    failures: int = strawberry.field(description="Failed attempts in a row (sets the backoff).")
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    created_by: str | None

    @strawberry.field(description="The latest delivery attempts, newest first.")
    async def deliveries(self, info: Info, first: int = 20) -> list[WebhookDelivery]:
        size = max(1, min(first, MAX_DELIVERIES))
        key = _uuid(str(self.id))
        async with info.context.database.read() as session:
            found = await webhooks.deliveries(session, [key], size)
        return [WebhookDelivery.of(row) for row in found[key]]

    @classmethod
    def of(cls, row: WebhookSubscription) -> "Webhook":
        wanted = EventFilter.from_json(row.filter)
        return cls(
            id=strawberry.ID(to_global_id("Webhook", row.id)),
            name=row.name,
            url=row.url,
            filter=WebhookFilter(
                kinds=list(wanted.kinds),
                regions=list(wanted.regions),
                agencies=list(wanted.agencies),
                codes=list(wanted.codes),
            ),
            active=row.active,
            cursor=encode_cursor(str(row.cursor)),
            failures=row.failures,
            next_attempt_at=row.next_attempt_at,
            last_error=row.last_error,
            created_at=row.created_at,
            created_by=row.created_by,
        )


def _uuid(global_id: str) -> uuid.UUID:
    try:
        type_name, key = from_global_id(global_id)
        if type_name != "Webhook":
            raise ValueError(type_name)
        return uuid.UUID(key)
    except (PublicError, ValueError):
        raise not_found("没有这个 Webhook", "id") from None


def _filter(given: ChangeFilter | None) -> EventFilter:
    return EventFilter.from_json((given or ChangeFilter()).values())


@strawberry.input
class WebhookCreateInput:
    name: str = strawberry.field(description="Who receives it, e.g. 历下区政务服务网.")
    url: str = strawberry.field(description="https URL that receives the POSTs.")
    filter: ChangeFilter | None = None
    after: str | None = strawberry.field(
        default=None,
        description='Start after this feed cursor ("" for the whole feed); default: from now.',
    )


@strawberry.input
class WebhookUpdateInput:
    id: strawberry.ID
    name: str | None = None
    url: str | None = None
    filter: ChangeFilter | None = None
    active: bool | None = strawberry.field(default=None, description="Pause or resume.")


@strawberry.input
class WebhookReplayInput:
    id: strawberry.ID
    after: str = strawberry.field(description='Deliver again after this cursor ("": all).')


@strawberry.input
class WebhookIdInput:
    id: strawberry.ID


@strawberry.type
class WebhookPayload:
    webhook: Webhook | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class WebhookSecretPayload:
    webhook: Webhook | None = None
    secret: str | None = strawberry.field(
        default=None,
        description="Signs every delivery (see the README); shown only in this answer.",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class WebhookDeletePayload:
    deleted_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _admin(info: Info) -> None:
    principal = info.context.principal
    if principal is None:
        raise PublicError("请先登录：此查询需要有效的访问令牌", "UNAUTHENTICATED")
    if not principal.has(Role.CATALOG_ADMIN):
        raise PublicError("Webhook 仅由目录管理员管理", "FORBIDDEN")


@strawberry.type
class WebhookQueries:
    @strawberry.field(description="Every webhook, oldest first (catalog administrators).")
    async def webhooks(self, info: Info) -> list[Webhook]:
        _admin(info)
        async with info.context.database.read() as session:
            rows = await webhooks.subscriptions(session)
        return [Webhook.of(row) for row in rows]


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(description="Register a portal's URL; the answer holds its secret.")
    async def webhook_create(self, info: Info, input: WebhookCreateInput) -> WebhookSecretPayload:
        wanted = _filter(input.filter)
        from_seq = None if input.after is None else decode_seq(input.after)
        allow_http = info.context.settings.webhook_allow_http

        async def work(tx: Tx, principal: Principal) -> Any:
            return await webhooks.register(
                tx,
                principal,
                input.name,
                input.url,
                wanted,
                allow_http=allow_http,
                from_seq=from_seq,
            )

        made, errors = await write(info, work)
        if made is None:
            return WebhookSecretPayload(user_errors=errors)
        row, secret = made
        return WebhookSecretPayload(webhook=Webhook.of(row), secret=secret)

    @strawberry.mutation(description="Rename, move, refilter, pause or resume a webhook.")
    async def webhook_update(self, info: Info, input: WebhookUpdateInput) -> WebhookPayload:
        wanted = WebhookChange(
            name=input.name,
            url=input.url,
            filter=None if input.filter is None else _filter(input.filter),
            active=input.active,
        )
        allow_http = info.context.settings.webhook_allow_http

        async def work(tx: Tx, principal: Principal) -> Any:
            key = _uuid(input.id)
            return await webhooks.change(tx, principal, key, wanted, allow_http=allow_http)

        row, errors = await write(info, work)
        return WebhookPayload(webhook=Webhook.of(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="A new secret; the old one stops signing at once.")
    async def webhook_rotate_secret(
        self, info: Info, input: WebhookIdInput
    ) -> WebhookSecretPayload:
        async def work(tx: Tx, principal: Principal) -> Any:
            return await webhooks.rotate_secret(tx, principal, _uuid(input.id))

        made, errors = await write(info, work)
        if made is None:
            return WebhookSecretPayload(user_errors=errors)
        row, secret = made
        return WebhookSecretPayload(webhook=Webhook.of(row), secret=secret)

    @strawberry.mutation(description="Deliver every event after a cursor again, in order.")
    async def webhook_replay(self, info: Info, input: WebhookReplayInput) -> WebhookPayload:
        after = decode_seq(input.after)

        async def work(tx: Tx, principal: Principal) -> Any:
            return await webhooks.replay(tx, principal, _uuid(input.id), after)

        row, errors = await write(info, work)
        return WebhookPayload(webhook=Webhook.of(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Stop and forget a webhook and its delivery records.")
    async def webhook_delete(self, info: Info, input: WebhookIdInput) -> WebhookDeletePayload:
        async def work(tx: Tx, principal: Principal) -> Any:
            return await webhooks.remove(tx, principal, _uuid(input.id))

        deleted, errors = await write(info, work)
        if deleted is None:
            return WebhookDeletePayload(user_errors=errors)
        return WebhookDeletePayload(deleted_id=input.id)
