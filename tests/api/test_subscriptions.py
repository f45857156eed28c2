"""`catalogChanged` over graphql-transport-ws, against real uvicorn servers.

Every test ends a stream with a sentinel event written last: the events before it are then
exactly what the subscriber received, so nothing missing or repeated can hide behind a wait.
"""

import json

import httpx
import pytest
import websockets
from pydantic import SecretStr

from catalog_api.app import create_app
from catalog_api.auth import Role
from catalog_api.catalog.commands.create_service_item import create_service_item
from tests.api.changes import (
    Reader,
    feed_jinan,
    publish_catalog_change,
    summary,
    token,
    withdraw_item,
)
from tests.api.live import server_process, serving, subscriptions, until
from tests.api.scenario import FOOD_LICENCE
from tests.factories import EDITOR, agency, run, service_content

SECRET = "subscriptions-test-secret-" + "s" * 32
CATALOG_CHANGED = """
subscription ($after: String, $filter: ChangeFilter) {
  catalogChanged(after: $after, filter: $filter) {
    cursor seq kind recordId code versionNumber action region agency cause
  }
}
"""


@pytest.fixture
def settings(settings):
    # An hour between polls: events must arrive because commits announced them.
    update = {
        "search_indexer": False,
        "jwt_secret": SecretStr(SECRET),
        "feed_poll_interval_seconds": 3600,
    }
    return settings.model_copy(update=update)


@pytest.fixture
async def jinan(database, settings):
    return await feed_jinan(database, settings.files_dir)


@pytest.fixture
async def server(database, settings, jinan):
    app = create_app(settings, database=database)
    async with serving(app) as url:
        app.state.base_url = url
        yield app


async def new_item(database, jinan):
    """A sentinel: a new service item draft, whose CREATED event only signed-in editors of
    历下区 and administrators see."""
    authority = await agency(database, region_code="370102001")
    return await run(
        database,
        create_service_item,
        catalog_code=FOOD_LICENCE,
        agency_uscc=authority.uscc,
        content=service_content(),
        actor=EDITOR,
    )


async def test_a_portal_replays_then_follows_live_without_gaps_or_repeats(
    database, http, server, jinan
):
    replay = await Reader(http).events()
    async with subscriptions(server.state.base_url) as portal:
        # when a portal subscribes from the start of the feed
        op = await portal.subscribe(CATALOG_CHANGED, after="")

        # then it first receives what the `changes` query replays, in the same order
        assert await portal.events(op, len(replay)) == replay

        # and then each change as it commits, once
        await withdraw_item(database, jinan.lixia_item)
        await publish_catalog_change(database, jinan)
        live = await portal.events(op, 4)
        assert summary(live)[:2] == [
            (jinan.lixia_item.code, "WITHDRAWN"),
            (FOOD_LICENCE, "PUBLISHED"),
        ]
        assert sorted(summary(live)[2:]) == sorted(
            (code, "CATALOG_CHANGED") for code in (jinan.city_item.code, jinan.lixia_item.code)
        )
        assert [event["seq"] for event in live] == sorted({event["seq"] for event in live})
        assert live[0]["seq"] > replay[-1]["seq"]


async def test_resuming_after_a_reconnect_misses_nothing_and_repeats_nothing(
    database, http, server, jinan
):
    url = server.state.base_url
    # given a portal that received two events, then lost its connection
    async with subscriptions(url) as portal:
        op = await portal.subscribe(CATALOG_CHANGED, after="")
        before = await portal.events(op, 2)
    # while changes kept committing
    await withdraw_item(database, jinan.city_item)
    await publish_catalog_change(database, jinan)

    # when it reconnects with the cursor of the last event it received
    async with subscriptions(url) as portal:
        op = await portal.subscribe(CATALOG_CHANGED, after=before[-1]["cursor"])
        await until(lambda: server.state.feed.following == 1)
        await withdraw_item(database, jinan.lixia_item)  # live, after the backlog
        everything = await Reader(http).events()
        after = await portal.events(op, len(everything) - len(before))

    # then the two parts are the whole feed, in order, once
    assert before + after == everything
    assert summary(after)[-1] == (jinan.lixia_item.code, "WITHDRAWN")


async def test_without_a_cursor_only_new_events_arrive(database, server, settings, jinan):
    admin = token(settings, Role.CATALOG_ADMIN)
    async with subscriptions(server.state.base_url, admin) as editor:
        op = await editor.subscribe(CATALOG_CHANGED)
        await until(lambda: server.state.feed.following == 1)

        record, _ = await new_item(database, jinan)

        [event] = await editor.events(op, 1)
        assert (event["code"], event["action"]) == (record.code, "CREATED")


async def test_filters_and_visibility_apply_to_the_stream(database, server, settings, jinan):
    url = server.state.base_url
    lixia_editor = token(settings, Role.EDITOR, regions=["370102"])
    only_lixia = {"regions": ["370102"]}
    async with subscriptions(url) as portal, subscriptions(url, lixia_editor) as editor:
        public_op = await portal.subscribe(CATALOG_CHANGED, after="", filter=only_lixia)
        editor_op = await editor.subscribe(CATALOG_CHANGED, after="", filter=only_lixia)

        # the public sees the published item of 历下区; its editor also the street's draft
        assert summary(await portal.events(public_op, 1)) == [
            (jinan.lixia_item.code, "PUBLISHED")
        ]
        editor_replay = summary(await editor.events(editor_op, 4))
        assert (jinan.street_draft.code, "CREATED") in editor_replay

        # a catalog change reaches the items of 历下区 only, drafts only for the editor
        await publish_catalog_change(database, jinan)
        record, _ = await new_item(database, jinan)  # the editor's sentinel
        await withdraw_item(database, jinan.lixia_item)  # the portal's sentinel

        assert summary(await portal.events(public_op, 2)) == [
            (jinan.lixia_item.code, "CATALOG_CHANGED"),
            (jinan.lixia_item.code, "WITHDRAWN"),
        ]
        editor_live = summary(await editor.events(editor_op, 4))
        assert sorted(editor_live[:2]) == sorted(
            [
                (jinan.lixia_item.code, "CATALOG_CHANGED"),
                (jinan.street_draft.code, "CATALOG_CHANGED"),
            ]
        )
        assert editor_live[2:] == [
            (record.code, "CREATED"),
            (jinan.lixia_item.code, "WITHDRAWN"),
        ]


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"after": "not-a-cursor"}, "after"),
        ({"filter": {"regions": ["379999"]}}, "filter.regions"),
        ({"filter": {"kinds": ["fee_list"]}}, "filter.kinds"),
        ({"filter": {"agencies": ["91370100MA3C4Q5X9Z"]}}, "filter.agencies"),
    ],
)
async def test_bad_input_is_an_error_and_the_connection_stays_healthy(
    database, server, jinan, variables, argument
):
    async with subscriptions(server.state.base_url) as portal:
        # when a subscription has a bad argument
        bad = await portal.subscribe(CATALOG_CHANGED, **variables)

        # then the client reads why in a `next` message, and the operation completes
        message = await portal.message(bad)
        assert message["type"] == "next"
        assert message["payload"]["data"] is None
        [error] = message["payload"]["errors"]
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}
        assert error["message"].startswith(f"参数 {argument} 无效")
        assert (await portal.message(bad))["type"] == "complete"

        # and the same connection serves the next subscription
        good = await portal.subscribe(CATALOG_CHANGED, after="")
        assert len(await portal.events(good, 3)) == 3


async def test_a_token_that_does_not_verify_closes_the_socket(server):
    url = server.state.base_url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": "Bearer forged"}})
        )
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


WITHDRAW = """
mutation ($id: ID!, $lock: Int!) {
  recordWithdraw(input: {id: $id, expectedLockVersion: $lock, reason: "机构职能调整"}) {
    userErrors { code message }
  }
}
"""


async def withdraw_through(url: str, admin: str, code: str) -> None:
    """Withdraw a service item through the GraphQL API of the server at `url`."""
    headers = {"authorization": f"Bearer {admin}"}
    async with httpx.AsyncClient(base_url=url, headers=headers) as client:
        query = "query ($code: String!) { serviceItem(code: $code) { id lockVersion } }"
        found = await client.post("/graphql", json={"query": query, "variables": {"code": code}})
        item = found.json()["data"]["serviceItem"]
        variables = {"id": item["id"], "lock": item["lockVersion"]}
        response = await client.post("/graphql", json={"query": WITHDRAW, "variables": variables})
        body = response.json()
        assert body["data"]["recordWithdraw"]["userErrors"] == [], body


@pytest.mark.postgres_only
async def test_two_server_processes_share_the_events(database, jinan, settings, tmp_path):
    # given two server processes on one PostgreSQL database, which would poll for unannounced
    # events only once an hour: anything that arrives in time came by LISTEN/NOTIFY
    def env(name: str) -> dict[str, str]:
        return {
            "YICHUANG_DATABASE_URL": database.url,
            "YICHUANG_JWT_SECRET": SECRET,
            "YICHUANG_FEED_POLL_INTERVAL_SECONDS": "3600",
            "YICHUANG_SEARCH_INDEXER": "false",
            "YICHUANG_ANNOUNCE_INTERVAL_SECONDS": "0",
            "YICHUANG_FILES_DIR": str(tmp_path / f"files-{name}"),
            "YICHUANG_SEARCH_INDEX_PATH": str(tmp_path / f"search-{name}.db"),
            "YICHUANG_LOG_LEVEL": "warning",
        }

    admin = token(settings, Role.CATALOG_ADMIN)
    async with (
        server_process(env("a"), tmp_path / "a.log") as server_a,
        server_process(env("b"), tmp_path / "b.log") as server_b,
    ):
        async with httpx.AsyncClient(base_url=server_a) as client:
            page = await Reader(client).page(first=100)
        async with subscriptions(server_a) as portal:
            # when a portal subscribed to process A follows the feed
            op = await portal.subscribe(CATALOG_CHANGED, after=page["pageInfo"]["endCursor"])

            # and changes are published through process B
            await withdraw_through(server_b, admin, jinan.city_item.code)
            [first] = await portal.events(op, 1)  # by now A's subscriber is live
            await withdraw_through(server_b, admin, jinan.lixia_item.code)
            [second] = await portal.events(op, 1)

    # then A's subscriber receives each of them, once, in order
    assert summary([first, second]) == [
        (jinan.city_item.code, "WITHDRAWN"),
        (jinan.lixia_item.code, "WITHDRAWN"),
    ]
