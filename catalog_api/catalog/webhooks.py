"""Webhook subscriptions: administrators register a portal's URL and the events it wants.

The secret that signs deliveries is made here and shown once, when the subscription is made
(or its secret rotated). Replaying moves the subscription's cursor back: everything after the
new cursor is delivered again, in order.
"""

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_api.auth import Principal, Role
from catalog_api.catalog.access import Forbidden
from catalog_api.catalog.errors import DomainError, ErrorCode, FieldError, not_found
from catalog_api.catalog.queries import changes
from catalog_api.db import Tx
from models import ChangeEvent, WebhookDelivery, WebhookSubscription
from models.base import utc_now

MAX_SUBSCRIPTIONS = 200
MAX_FILTER_VALUES = 100


@dataclass(frozen=True)
class EventFilter:
    """Which change events a subscriber wants; an empty list means any."""

    kinds: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()  # each with the regions below it
    agencies: tuple[str, ...] = ()  # USCCs
    codes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, list[str]]:
        return {key: list(values) for key, values in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict[str, list[str]]) -> "EventFilter":
        return cls(
            **{key: tuple(data.get(key, ())) for key in ("kinds", "regions", "agencies", "codes")}
        )


@dataclass(frozen=True)
class WebhookChange:
    """What an administrator may change; None leaves a field as it is."""

    name: str | None = None
    url: str | None = None
    filter: EventFilter | None = None
    active: bool | None = None


def ensure_admin(principal: Principal) -> None:
    if not principal.has(Role.CATALOG_ADMIN):
        raise Forbidden("Webhook 仅由目录管理员管理")


def checked_url(url: str, *, allow_http: bool) -> str:
    """An https URL (http only when allowed, for intranets and tests), without credentials."""
    url = url.strip()
    parts = urlsplit(url)
    allowed = ("https", "http") if allow_http else ("https",)
    problem = None
    if parts.scheme not in allowed:
        problem = f"只接受 {' 或 '.join(allowed)} 地址"
    elif not parts.hostname:
        problem = "缺少主机名"
    elif parts.username or parts.password:
        problem = "地址中不能包含用户名或密码"
    elif parts.fragment:
        problem = "地址中不能包含 # 片段"
    elif len(url) > 2000:
        problem = "地址过长（最多 2000 个字符）"
    if problem:
        raise DomainError.one(ErrorCode.INVALID, f"Webhook 地址无效：{problem}", "url")
    return url


async def _checked_filter(session: AsyncSession, wanted: EventFilter) -> EventFilter:
    """The filter, once every kind, region and agency it names exists (as the feed checks)."""
    errors = [
        FieldError(ErrorCode.INVALID, f"最多 {MAX_FILTER_VALUES} 项", ("filter", key))
        for key, values in wanted.to_json().items()
        if len(values) > MAX_FILTER_VALUES
    ]
    if errors:
        raise DomainError(errors)
    try:
        await changes.resolve_filter(session, **wanted.to_json())
    except changes.UnknownFilterValue as exc:
        key = exc.argument.removeprefix("filter.")
        raise DomainError.one(ErrorCode.NOT_FOUND, exc.message, "filter", key) from None
    return wanted


def _name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 200:
        raise DomainError.one(ErrorCode.INVALID, "名称应为 1–200 个字符", "name")
    return name


async def register(
    tx: Tx,
    principal: Principal,
    name: str,
    url: str,
    wanted: EventFilter,
    *,
    allow_http: bool,
    from_seq: int | None = None,
) -> tuple[WebhookSubscription, str]:
    """A new subscription and its secret. It starts at the current head unless `from_seq`
    says where: a portal that has replayed the feed up to a cursor continues from there."""
    ensure_admin(principal)
    count = (
        await tx.session.execute(select(func.count()).select_from(WebhookSubscription))
    ).scalar_one()
    if count >= MAX_SUBSCRIPTIONS:
        raise DomainError.one(ErrorCode.NOT_ALLOWED, f"最多 {MAX_SUBSCRIPTIONS} 个 Webhook")
    secret = secrets.token_urlsafe(32)
    head = (await tx.session.execute(select(func.max(ChangeEvent.seq)))).scalar() or 0
    subscription = WebhookSubscription(
        name=_name(name),
        url=checked_url(url, allow_http=allow_http),
        secret=secret,
        filter=(await _checked_filter(tx.session, wanted)).to_json(),
        cursor=head if from_seq is None else max(min(from_seq, head), 0),
        created_by=principal.subject,
    )
    tx.session.add(subscription)
    await tx.session.flush()
    return subscription, secret


async def _get(tx: Tx, principal: Principal, subscription_id: uuid.UUID) -> WebhookSubscription:
    ensure_admin(principal)
    subscription = await tx.session.get(WebhookSubscription, subscription_id)
    if subscription is None:
        raise not_found("没有这个 Webhook", "id")
    return subscription


async def change(
    tx: Tx,
    principal: Principal,
    subscription_id: uuid.UUID,
    wanted: WebhookChange,
    *,
    allow_http: bool,
) -> WebhookSubscription:
    subscription = await _get(tx, principal, subscription_id)
    if wanted.name is not None:
        subscription.name = _name(wanted.name)
    if wanted.url is not None:
        subscription.url = checked_url(wanted.url, allow_http=allow_http)
    if wanted.filter is not None:
        subscription.filter = (await _checked_filter(tx.session, wanted.filter)).to_json()
    if wanted.active is not None:
        subscription.active = wanted.active
        if wanted.active:  # switched back on: try now, with a fresh backoff
            subscription.failures, subscription.next_attempt_at = 0, utc_now()
    await tx.session.flush()
    return subscription


async def rotate_secret(
    tx: Tx, principal: Principal, subscription_id: uuid.UUID
) -> tuple[WebhookSubscription, str]:
    subscription = await _get(tx, principal, subscription_id)
    subscription.secret = secrets.token_urlsafe(32)
    await tx.session.flush()
    return subscription, subscription.secret


async def replay(
    tx: Tx, principal: Principal, subscription_id: uuid.UUID, after_seq: int
) -> WebhookSubscription:
    """Deliver again everything after `after_seq` (0: the whole history)."""
    subscription = await _get(tx, principal, subscription_id)
    head = (await tx.session.execute(select(func.max(ChangeEvent.seq)))).scalar() or 0
    if after_seq < 0 or after_seq > head:
        raise DomainError.one(ErrorCode.INVALID, f"游标超出范围（0–{head}）", "after")
    subscription.cursor = after_seq
    subscription.failures, subscription.next_attempt_at = 0, utc_now()
    await tx.session.flush()
    return subscription


async def remove(tx: Tx, principal: Principal, subscription_id: uuid.UUID) -> uuid.UUID:
    subscription = await _get(tx, principal, subscription_id)
    await tx.session.execute(
        delete(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id)
    )
    await tx.session.delete(subscription)
    await tx.session.flush()
    return subscription_id


async def subscriptions(session: AsyncSession) -> list[WebhookSubscription]:
    rows = await session.execute(
        select(WebhookSubscription).order_by(WebhookSubscription.created_at)
    )
    return list(rows.scalars())


async def deliveries(
    session: AsyncSession, subscription_ids: Sequence[uuid.UUID], first: int
) -> dict[uuid.UUID, list[WebhookDelivery]]:
    """The latest `first` delivery attempts of each subscription, newest first."""
    found: dict[uuid.UUID, list[WebhookDelivery]] = {i: [] for i in subscription_ids}
    for subscription_id in subscription_ids:
        statement = (
            select(WebhookDelivery)
            .where(WebhookDelivery.subscription_id == subscription_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(first)
        )
        found[subscription_id] = list((await session.execute(statement)).scalars())
    return found
