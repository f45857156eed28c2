"""Webhooks over GraphQL: administrators register, list, pause, replay and delete them; bad
input comes back as userErrors, permission failures as top-level errors; and the running
service delivers a publish to a receiver on loopback, signed, as the `changes` feed shows it."""

import asyncio
import time

import httpx
import pytest

from catalog_api.app import create_app
from catalog_api.auth import Role, mint_token
from catalog_api.catalog.webhook_delivery import verify
from tests.api.editors.conftest import Session
from tests.api.scenario import small_jinan
from tests.factories import published_catalog_item
from tests.webhook_receiver import Receiver, free_port

CREATE = """
mutation ($input: WebhookCreateInput!) {
  webhookCreate(input: $input) {
    webhook { id name url active cursor filter { kinds regions } }
    secret
    userErrors { field message code }
  }
}
"""
LIST = """
{ webhooks { id name url active failures lastError
             deliveries { ok statusCode events firstSeq lastSeq } } }
"""
UPDATE = """
mutation ($input: WebhookUpdateInput!) {
  webhookUpdate(input: $input) { webhook { url active } userErrors { field message code } }
}
"""
REPLAY = """
mutation ($input: WebhookReplayInput!) {
  webhookReplay(input: $input) { webhook { cursor } userErrors { field message code } }
}
"""
DELETE = """
mutation ($input: WebhookIdInput!) {
  webhookDelete(input: $input) { deletedId userErrors { field message code } }
}
"""
ROTATE = """
mutation ($input: WebhookIdInput!) {
  webhookRotateSecret(input: $input) { secret userErrors { code } }
}
"""
PORTAL = "https://www.jnlx.gov.cn/hooks/catalog"


@pytest.fixture
def admin(sign_in):
    return sign_in("admin@jinan", Role.CATALOG_ADMIN)


async def test_an_administrator_registers_and_manages_a_webhook(admin, database, settings):
    await small_jinan(database, settings.files_dir)
    created = (
        await admin.data(
            CREATE,
            input={"name": "历下区政务服务网", "url": PORTAL, "filter": {"regions": ["370102"]}},
        )
    )["webhookCreate"]
    assert created["userErrors"] == []
    assert len(created["secret"]) >= 40
    hook = created["webhook"]
    assert (hook["name"], hook["url"], hook["active"]) == ("历下区政务服务网", PORTAL, True)
    assert hook["filter"] == {"kinds": [], "regions": ["370102"]}

    [listed] = (await admin.data(LIST))["webhooks"]
    assert listed["id"] == hook["id"] and listed["deliveries"] == []
    assert "secret" not in listed  # shown once, at creation

    paused = (await admin.data(UPDATE, input={"id": hook["id"], "active": False}))["webhookUpdate"]
    assert paused == {"webhook": {"url": PORTAL, "active": False}, "userErrors": []}
    rotated = (await admin.data(ROTATE, input={"id": hook["id"]}))["webhookRotateSecret"]
    assert rotated["secret"] != created["secret"]
    replayed = (await admin.data(REPLAY, input={"id": hook["id"], "after": ""}))["webhookReplay"]
    assert replayed["userErrors"] == []

    deleted = (await admin.data(DELETE, input={"id": hook["id"]}))["webhookDelete"]
    assert deleted == {"deletedId": hook["id"], "userErrors": []}
    assert (await admin.data(LIST))["webhooks"] == []


async def test_bad_input_is_a_user_error_and_writes_nothing(admin, database, settings):
    await small_jinan(database, settings.files_dir)
    for url in ("ftp://www.jnlx.gov.cn/hook", "http://www.jnlx.gov.cn/hook", "不是地址"):
        payload = (await admin.data(CREATE, input={"name": "门户", "url": url}))["webhookCreate"]
        assert payload["webhook"] is None and payload["secret"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
            (["input", "url"], "INVALID")
        ]
    unknown = {"name": "门户", "url": PORTAL, "filter": {"regions": ["379999"]}}
    [error] = (await admin.data(CREATE, input=unknown))["webhookCreate"]["userErrors"]
    assert (error["field"], error["code"]) == (["input", "filter", "regions"], "NOT_FOUND")
    blank = (await admin.data(CREATE, input={"name": " ", "url": PORTAL}))["webhookCreate"]
    assert blank["userErrors"][0]["field"] == ["input", "name"]
    assert (await admin.data(LIST))["webhooks"] == []

    missing = (await admin.data(DELETE, input={"id": "V2ViaG9vazpub3Bl"}))["webhookDelete"]
    assert missing["userErrors"][0]["code"] == "NOT_FOUND"
    hook = (await admin.data(CREATE, input={"name": "门户", "url": PORTAL}))["webhookCreate"]
    body = await admin.post(REPLAY, input={"id": hook["webhook"]["id"], "after": "不是游标"})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    too_far = await admin.data(
        REPLAY, input={"id": hook["webhook"]["id"], "after": "azoxMDAwMDA="}  # seq 1000000
    )
    assert too_far["webhookReplay"]["userErrors"][0]["field"] == ["input", "after"]


async def test_only_catalog_administrators_see_or_touch_webhooks(sign_in, anonymous):
    editor = sign_in("editor@lixia", Role.EDITOR, Role.REVIEWER, regions=["370102"])
    for client, code in ((editor, "FORBIDDEN"), (anonymous, "UNAUTHENTICATED")):
        listed = await client.post(LIST)
        assert listed["errors"][0]["extensions"]["code"] == code
        created = await client.post(CREATE, input={"name": "门户", "url": PORTAL})
        assert created["errors"][0]["extensions"]["code"] == code


async def test_the_running_service_delivers_a_publish_signed_as_the_feed_shows_it(
    database, settings
):
    receiver = Receiver(free_port())
    await receiver.start()
    app = create_app(
        settings.model_copy(update={"webhook_allow_http": True, "search_indexer": False}),
        database=database,
    )
    token = mint_token(settings, subject="admin@jinan", roles=[Role.CATALOG_ADMIN])
    transport = httpx.ASGITransport(app=app)
    try:
        async with (
            app.router.lifespan_context(app),  # the server's background tasks run
            httpx.AsyncClient(transport=transport, base_url="http://yichuang.test") as http,
        ):
            admin = Session(http, token)
            input = {"name": "济南市政务服务网", "url": receiver.url}
            secret = (await admin.data(CREATE, input=input))["webhookCreate"]["secret"]
            catalog, _ = await published_catalog_item(database, name="居民身份证换领")
            # the commit wakes the server's deliverer, which posts at once
            await asyncio.wait_for(receiver.arrived.wait(), timeout=20)
            feed = await admin.data('{ changes(after: "") { nodes { cursor action code } } }')
    finally:
        await app.state.search.close()
        await receiver.stop()

    [body] = receiver.bodies
    [event] = body["events"]
    assert (event["action"], event["code"], event["kind"]) == (
        "PUBLISHED",
        catalog.code,
        "catalog_item",
    )
    published = [n for n in feed["changes"]["nodes"] if n["action"] == "PUBLISHED"]
    assert event["cursor"] == published[-1]["cursor"]
    raw, header = receiver.signatures[0]
    assert verify(secret, raw, header, now=time.time())
