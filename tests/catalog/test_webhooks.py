"""Webhooks against a real receiver on loopback: signed deliveries of the matching events,
retries with backoff while the receiver is down or failing, nothing missed or repeated when it
returns, replay from a cursor, two deliverers sharing the work, and every bad input refused."""

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from catalog_api.auth import Principal, Role
from catalog_api.catalog import webhooks
from catalog_api.catalog.access import Forbidden
from catalog_api.catalog.errors import DomainError, ErrorCode
from catalog_api.catalog.queries import changes
from catalog_api.catalog.webhook_delivery import Deliverer, sign, verify
from catalog_api.catalog.webhooks import EventFilter, WebhookChange
from catalog_api.db import Database
from models import WebhookDelivery, WebhookSubscription
from models.base import utc_now
from models.enums import ExerciseLevel
from tests.factories import (
    LIXIA,
    add_region,
    agency,
    published_catalog_item,
    published_service_item,
)
from tests.webhook_receiver import Receiver, free_port

ADMIN = Principal("admin@jinan", roles=frozenset({Role.CATALOG_ADMIN}))
EDITOR = Principal("editor@jinan", roles=frozenset({Role.EDITOR}))


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver(free_port())
    await receiver.start()
    yield receiver
    await receiver.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


class Clock:
    """The deliverer's idea of now, moved by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = utc_now()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


# --- helpers -------------------------------------------------------------------------------------


async def register(
    database: Database, url: str, wanted: EventFilter | None = None, **options: object
) -> tuple[WebhookSubscription, str]:
    wanted = wanted or EventFilter()
    async with database.transaction() as tx:
        return await webhooks.register(
            tx, ADMIN, "历下区政务服务网", url, wanted, allow_http=True, **options
        )


async def publish_items(database: Database, count: int, region: str = "370100") -> list[str]:
    """Publish `count` service items of one agency in `region`; returns their codes."""
    office = await agency(database, region_code=region, name="济南市行政审批服务局")
    codes = []
    for n in range(count):
        catalog, _ = await published_catalog_item(database, name=f"食品经营许可第{n}号")
        item, _ = await published_service_item(
            database, catalog.code, office.uscc, ExerciseLevel.MUNICIPAL
        )
        codes.append(item.code)
    return codes


async def all_seqs(database: Database) -> list[int]:
    """The seqs of the public change feed: what an anonymous portal may see."""
    async with database.read() as session:
        rows, _ = await changes.changes_after(
            session, 0, 10_000, changes.ChangeFilter(), changes.PUBLIC
        )
    return [row.seq for row in rows]


async def subscription(database: Database, subscription_id: object) -> WebhookSubscription:
    async with database.read() as session:
        return await session.get_one(WebhookSubscription, subscription_id)


async def deliveries(database: Database) -> list[WebhookDelivery]:
    async with database.read() as session:
        rows = await session.execute(select(WebhookDelivery).order_by(WebhookDelivery.id))
        return list(rows.scalars())


async def drain(deliverer: Deliverer) -> None:
    """Deliver until nothing is due to anyone."""
    while await deliverer.deliver_due():
        pass


# --- deliveries ----------------------------------------------------------------------------------


async def test_a_delivery_is_signed_and_carries_the_events_in_order(database, receiver, http):
    hook, secret = await register(database, receiver.url, from_seq=0)
    await publish_items(database, 2)
    deliverer = Deliverer(database, http, batch=5)

    await drain(deliverer)

    assert receiver.seqs() == await all_seqs(database)
    assert {body["subscription"] for body in receiver.bodies} == {str(hook.id)}
    first = receiver.bodies[0]["events"][0]
    assert first["kind"] == "catalog_item" and first["action"] == "published"
    assert {e["action"] for b in receiver.bodies for e in b["events"]} == {"published"}
    for body, header in receiver.signatures:
        assert verify(secret, body, header, now=time.time())
        assert not verify("另一个密钥", body, header, now=time.time())
        assert not verify(secret, body + b" ", header, now=time.time())
    assert (await subscription(database, hook.id)).cursor == receiver.seqs()[-1]
    recorded = await deliveries(database)
    assert all(d.ok and d.status_code == 200 for d in recorded)
    assert sum(d.events for d in recorded) == len(receiver.seqs())


async def test_an_old_or_malformed_signature_is_refused():
    body = b'{"events":[]}'
    an_hour_ago = int(time.time()) - 3600
    assert not verify("s", body, sign("s", body, an_hour_ago), now=time.time())
    assert verify("s", body, sign("s", body, an_hour_ago), now=an_hour_ago + 1)
    for header in ("", "t=abc,v1=00", "v1=00", "t=1"):
        assert not verify("s", body, header, now=time.time())


async def test_a_new_subscription_starts_at_the_head(database, receiver, http):
    await publish_items(database, 1)
    await register(database, receiver.url)
    await drain(Deliverer(database, http))
    assert receiver.bodies == []  # the history is the feed's; the hook gets what comes next

    await publish_items(database, 1)
    await drain(Deliverer(database, http))
    assert receiver.seqs() and min(receiver.seqs()) > 0


async def test_filters_pick_kinds_regions_with_sub_regions_agencies_and_codes(
    database, receiver, http
):
    street = "370102001"
    lixia_codes = await publish_items(database, 1, region=LIXIA)
    async with database.transaction() as tx:
        await add_region(tx, street, "泉城路街道", parent=LIXIA)
    await publish_items(database, 1, region=street)
    await publish_items(database, 1, region="370104")  # 槐荫区: not wanted
    wanted = EventFilter(kinds=("service_item",), regions=(LIXIA,))
    await register(database, receiver.url, wanted, from_seq=0)
    by_code = EventFilter(codes=tuple(lixia_codes))
    code_receiver = Receiver(free_port())
    await code_receiver.start()
    try:
        await register(database, code_receiver.url, by_code, from_seq=0)
        await drain(Deliverer(database, http))
    finally:
        await code_receiver.stop()

    events = [e for body in receiver.bodies for e in body["events"]]
    assert {e["region"] for e in events} == {LIXIA, street}
    assert {e["kind"] for e in events} == {"service_item"}
    assert {e["code"] for body in code_receiver.bodies for e in body["events"]} == set(lixia_codes)


# --- failures and retries ------------------------------------------------------------------------


async def test_a_receiver_down_for_an_hour_misses_nothing(database, receiver, http):
    hook, _ = await register(database, receiver.url, from_seq=0)
    clock = Clock()
    deliverer = Deliverer(database, http, batch=3, clock=clock, max_backoff=300)
    await receiver.stop()

    await publish_items(database, 1)
    waits = []
    for _ in range(20):  # an hour of attempts: the backoff doubles up to five minutes
        assert await deliverer.deliver_due() == 1
        state = await subscription(database, hook.id)
        waits.append((state.next_attempt_at - clock.now).total_seconds())
        assert await deliverer.deliver_due() == 0  # not due again before its backoff
        clock.advance(waits[-1])
        await publish_items(database, 1)  # the catalog keeps changing meanwhile
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256] + [300] * 11
    assert sum(waits) > 3600
    state = await subscription(database, hook.id)
    assert state.cursor == 0 and state.failures == 20
    assert "ConnectError" in (state.last_error or "")
    failed = await deliveries(database)
    assert len(failed) == 20 and not any(d.ok for d in failed)
    assert all(d.status_code is None for d in failed)

    await receiver.start()
    clock.advance(300)
    await drain(deliverer)

    assert receiver.seqs() == await all_seqs(database)  # every event once, in order
    state = await subscription(database, hook.id)
    assert (state.failures, state.last_error) == (0, None)


async def test_an_error_status_is_retried_and_the_same_events_come_again(database, receiver, http):
    await register(database, receiver.url, from_seq=0)
    await publish_items(database, 1)
    clock = Clock()
    deliverer = Deliverer(database, http, clock=clock)
    receiver.answer = 503

    assert await deliverer.deliver_due() == 1
    assert receiver.bodies == []
    [failed] = await deliveries(database)
    assert (failed.ok, failed.status_code, failed.error) == (False, 503, "HTTP 503")

    receiver.answer = 200
    clock.advance(1)
    await drain(deliverer)
    assert receiver.seqs() == await all_seqs(database)
    assert receiver.seqs()[0] == failed.first_seq


async def test_replay_delivers_again_from_a_cursor(database, receiver, http):
    hook, _ = await register(database, receiver.url, from_seq=0)
    await publish_items(database, 2)
    deliverer = Deliverer(database, http)
    await drain(deliverer)
    everything = await all_seqs(database)
    assert len(everything) == 4 and receiver.seqs() == everything

    async with database.transaction() as tx:
        await webhooks.replay(tx, ADMIN, hook.id, everything[1])
    await drain(deliverer)
    assert receiver.seqs() == everything + everything[2:]


async def test_two_deliverers_never_send_the_same_events_twice(database, receiver, http):
    await register(database, receiver.url, from_seq=0)
    await publish_items(database, 3)
    other = Database(database.url)
    try:
        one, two = Deliverer(database, http, batch=2), Deliverer(other, http, batch=2)
        for _ in range(20):
            await asyncio.gather(one.deliver_due(), two.deliver_due())
    finally:
        await other.dispose()
    assert receiver.seqs() == await all_seqs(database)


async def test_a_paused_subscription_waits_and_resumes_where_it_stopped(database, receiver, http):
    hook, _ = await register(database, receiver.url, from_seq=0)
    async with database.transaction() as tx:
        await webhooks.change(tx, ADMIN, hook.id, WebhookChange(active=False), allow_http=True)
    await publish_items(database, 1)
    deliverer = Deliverer(database, http)
    await drain(deliverer)
    assert receiver.bodies == []

    async with database.transaction() as tx:
        await webhooks.change(tx, ADMIN, hook.id, WebhookChange(active=True), allow_http=True)
    await drain(deliverer)
    assert receiver.seqs() == await all_seqs(database)


async def test_a_removed_subscription_gets_nothing_more(database, receiver, http):
    hook, _ = await register(database, receiver.url, from_seq=0)
    async with database.transaction() as tx:
        await webhooks.remove(tx, ADMIN, hook.id)
    await publish_items(database, 1)
    await drain(Deliverer(database, http))
    assert receiver.bodies == []


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "allow_http"),
    [
        ("ftp://portal.jinan.gov.cn/hook", True),
        ("javascript:alert(1)", True),
        ("http://portal.jinan.gov.cn/hook", False),
        ("https://user:secret@portal.jinan.gov.cn/hook", True),
        ("https://portal.jinan.gov.cn/hook#part", True),
        ("https:///hook", True),
        ("https://portal.jinan.gov.cn/" + "a" * 2000, True),
    ],
)
async def test_urls_outside_the_allowed_schemes_are_refused(database, url, allow_http):
    with pytest.raises(DomainError) as refused:
        async with database.transaction() as tx:
            await webhooks.register(tx, ADMIN, "门户", url, EventFilter(), allow_http=allow_http)
    [error] = refused.value.errors
    assert (error.code, error.path) == (ErrorCode.INVALID, ("url",))
    async with database.read() as session:
        assert (await session.execute(select(WebhookSubscription))).first() is None


async def test_an_unknown_region_in_the_filter_is_refused(database):
    with pytest.raises(DomainError) as refused:
        await register(
            database, "https://portal.jinan.gov.cn/hook", EventFilter(regions=("379999",))
        )
    [error] = refused.value.errors
    assert (error.code, error.path) == (ErrorCode.NOT_FOUND, ("filter", "regions"))
    assert "379999" in error.message


async def test_only_catalog_administrators_manage_webhooks(database):
    with pytest.raises(Forbidden):
        async with database.transaction() as tx:
            await webhooks.register(
                tx,
                EDITOR,
                "门户",
                "https://portal.jinan.gov.cn/hook",
                EventFilter(),
                allow_http=False,
            )


async def test_replay_beyond_the_head_is_refused(database):
    hook, _ = await register(database, "https://portal.jinan.gov.cn/hook")
    with pytest.raises(DomainError) as refused:
        async with database.transaction() as tx:
            await webhooks.replay(tx, ADMIN, hook.id, 10_000)
    assert refused.value.errors[0].path == ("after",)


async def test_a_round_with_nothing_to_send_writes_nothing(database, receiver, http):
    """The server wakes its deliverer on every commit: a round that committed for nothing
    would wake the next one, for ever."""
    await register(database, receiver.url, EventFilter(kinds=("service_item",)))
    deliverer = Deliverer(database, http)
    commits = []
    database.on_commit(lambda: commits.append(1))

    assert await deliverer.deliver_due() == 0
    assert commits == []

    await published_catalog_item(database, name="居民身份证换领")  # not wanted
    commits.clear()
    assert await deliverer.deliver_due() == 0
    assert len(commits) == 1  # the cursor skips the unwanted events, once
    assert await deliverer.deliver_due() == 0
    assert len(commits) == 1 and receiver.bodies == []

    await publish_items(database, 1)
    await drain(deliverer)
    commits.clear()
    assert await deliverer.deliver_due() == 0
    assert commits == []
    assert {e["kind"] for body in receiver.bodies for e in body["events"]} == {"service_item"}
