"""Delivering change events to webhook subscribers: signed, retried with backoff, recorded.

A round takes the active subscriptions that are due and, for each, claims it with a
compare-and-set on `next_attempt_at` (two server processes never send the same batch at once),
reads up to `batch` events after its cursor that match its filter, and POSTs them as one JSON
body. A 2xx answer moves the cursor past them; anything else (a status, a refused connection,
a timeout) is recorded and retried after a backoff that doubles from one second up to
`max_backoff`. Nothing is ever skipped: a receiver that was down for an hour gets every event
since its cursor when it answers again, in order.

The body is signed like Stripe's webhooks: the header `Yichuang-Signature: t=<unix time>,
v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the subscriber's secret>`. Receivers check the
MAC and that `t` is recent (see `verify`), which stops forgeries and replays of old bodies.
"""

import hashlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_api.catalog.queries import changes
from catalog_api.catalog.webhooks import EventFilter
from catalog_api.db import Database
from models import ChangeEvent, WebhookDelivery, WebhookSubscription
from models.base import utc_now

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "Yichuang-Signature"
SIGNATURE_TOLERANCE_SECONDS = 300

Render = Callable[[ChangeEvent], dict[str, Any]]


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(
    secret: str,
    body: bytes,
    header: str,
    *,
    now: float,
    tolerance: int = SIGNATURE_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver does: the MAC matches and the timestamp is within `tolerance`."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return abs(now - timestamp) <= tolerance and hmac.compare_digest(expected, fields.get("v1", ""))


def render_event(event: ChangeEvent) -> dict[str, Any]:
    """An event as a delivery carries it when no renderer is given (the server passes the
    change feed's, so a delivery shows exactly what `changes` shows)."""
    return {
        "seq": event.seq,
        "kind": event.kind,
        "recordId": str(event.record_id),
        "code": event.code,
        "versionNumber": event.version_number,
        "action": event.action,
        "at": event.at.isoformat(),
        "region": event.region_code,
        "agency": event.agency_uscc,
        "cause": event.cause,
    }


async def matching_events(
    session: AsyncSession, after: int, wanted: EventFilter, limit: int
) -> list[ChangeEvent]:
    """The public feed's events after seq `after` that match `wanted`: a portal's webhook
    carries what an anonymous reader of `changes` sees, never drafts or reviews."""
    where = await changes.resolve_filter(session, **wanted.to_json())
    rows, _more = await changes.changes_after(session, after, limit, where, changes.PUBLIC)
    return rows


@dataclass(frozen=True)
class Attempt:
    status_code: int | None
    ok: bool
    error: str | None
    seconds: float


@dataclass
class Deliverer:
    database: Database
    client: httpx.AsyncClient
    render: Render = render_event
    batch: int = 100
    timeout: float = 10.0
    max_backoff: float = 300.0
    clock: Callable[[], datetime] = utc_now

    async def deliver_due(self) -> int:
        """One round over the due subscriptions; returns how many POSTs it made. A round with
        nothing to send writes nothing (its commits would wake the next round)."""
        now = self.clock()
        async with self.database.read() as session:
            due = await session.execute(
                select(WebhookSubscription.id)
                .where(WebhookSubscription.active, WebhookSubscription.next_attempt_at <= now)
                .order_by(WebhookSubscription.next_attempt_at)
            )
            candidates = list(due.scalars())
        posts = 0
        for subscription_id in candidates:
            posts += await self._deliver(subscription_id, now)
        return posts

    async def _pending(
        self, subscription_id: uuid.UUID, now: datetime
    ) -> tuple[WebhookSubscription, list[ChangeEvent], int] | None:
        """The subscription, its next batch and the head the batch was read up to; None when
        it is no longer due."""
        async with self.database.read() as session:
            subscription = await session.get(WebhookSubscription, subscription_id)
            if subscription is None or not subscription.active:
                return None
            if subscription.next_attempt_at > now:
                return None
            # The head first, and no event above it: events commit in seq order, so every
            # event up to the head is visible now, while one read after it might be newer than
            # a head read later (READ COMMITTED) and be skipped.
            head = (await session.execute(select(func.max(ChangeEvent.seq)))).scalar() or 0
            wanted = EventFilter.from_json(subscription.filter)
            events = await matching_events(session, subscription.cursor, wanted, self.batch)
            session.expunge(subscription)
        return subscription, [event for event in events if event.seq <= head], head

    async def _deliver(self, subscription_id: uuid.UUID, now: datetime) -> int:
        pending = await self._pending(subscription_id, now)
        if pending is None:
            return 0
        subscription, events, head = pending
        if not events:  # nothing it wants: skip what it does not, once, then stay quiet
            if head > subscription.cursor:
                await self._skip(subscription_id, subscription.cursor, head)
            return 0
        if not await self._claim(subscription_id, subscription.next_attempt_at, now):
            return 0  # another server process is sending this batch
        body = json.dumps(
            {"subscription": str(subscription_id), "events": [self.render(e) for e in events]},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        attempt = await self._post(subscription.url, subscription.secret, body, events)
        await self._finish(subscription_id, subscription.cursor, events, attempt)
        return 1

    async def _skip(self, subscription_id: uuid.UUID, cursor: int, head: int) -> None:
        """Move the cursor over events the subscriber does not want, unless it moved."""
        async with self.database.transaction() as tx:
            await tx.session.execute(
                update(WebhookSubscription)
                .where(
                    WebhookSubscription.id == subscription_id,
                    WebhookSubscription.cursor == cursor,
                )
                .values(cursor=head)
            )

    async def _claim(self, subscription_id: uuid.UUID, seen: datetime, now: datetime) -> bool:
        """Push `next_attempt_at` past the attempt, if nobody did meanwhile."""
        lease = now + timedelta(seconds=self.timeout * 3)
        async with self.database.transaction() as tx:
            claimed = await tx.session.execute(
                update(WebhookSubscription)
                .where(
                    WebhookSubscription.id == subscription_id,
                    WebhookSubscription.next_attempt_at == seen,
                )
                .values(next_attempt_at=lease)
            )
        return claimed.rowcount == 1

    async def _post(
        self, url: str, secret: str, body: bytes, events: Sequence[ChangeEvent]
    ) -> Attempt:
        headers = {
            "content-type": "application/json; charset=utf-8",
            "user-agent": "yichuang-webhooks/1",
            SIGNATURE_HEADER: sign(secret, body, int(time.time())),
            "Yichuang-Events": f"{events[0].seq}-{events[-1].seq}",
        }
        started = time.perf_counter()
        try:
            answer = await self.client.post(
                url, content=body, headers=headers, timeout=self.timeout
            )
        except httpx.HTTPError as exc:
            reason = f"{type(exc).__name__}: {exc}"[:500]
            return Attempt(None, False, reason, time.perf_counter() - started)
        seconds = time.perf_counter() - started
        if 200 <= answer.status_code < 300:
            return Attempt(answer.status_code, True, None, seconds)
        return Attempt(answer.status_code, False, f"HTTP {answer.status_code}", seconds)

    async def _finish(
        self,
        subscription_id: uuid.UUID,
        cursor: int,
        events: Sequence[ChangeEvent],
        attempt: Attempt,
    ) -> None:
        """Record the attempt; move the cursor unless an administrator moved it meanwhile."""
        now = self.clock()
        async with self.database.transaction() as tx:
            subscription = await tx.session.get(WebhookSubscription, subscription_id)
            if subscription is None:  # removed meanwhile
                return
            tx.session.add(
                WebhookDelivery(
                    subscription_id=subscription_id,
                    first_seq=events[0].seq,
                    last_seq=events[-1].seq,
                    events=len(events),
                    status_code=attempt.status_code,
                    ok=attempt.ok,
                    error=attempt.error,
                    duration_ms=attempt.seconds * 1000,
                )
            )
            if attempt.ok:
                if subscription.cursor == cursor:
                    subscription.cursor = events[-1].seq
                subscription.failures, subscription.last_error = 0, None
                subscription.next_attempt_at = now  # more may wait: the next round looks
            else:
                subscription.failures += 1
                subscription.last_error = attempt.error
                backoff = min(2 ** (subscription.failures - 1), self.max_backoff)
                subscription.next_attempt_at = now + timedelta(seconds=backoff)
                log.warning(
                    "webhook %s: delivery failed (%s), retrying in %.0fs",
                    subscription_id,
                    attempt.error,
                    backoff,
                )
