"""`python -m bench.feed`: from a publish to a subscriber and to a webhook receiver (issue 6).

For each dialect, on a scratch copy of the cached N-item benchmark database (`bench.databases`;
the cached one is never written), this process serves with uvicorn on 127.0.0.1
(`bench.servers.serving`):

- the real app, `create_app(Settings(…, webhook_allow_http=True, search_indexer=False))`: its
  lifespan runs the webhook deliverer and the change feed, as `yichuang serve` does;
- a webhook receiver (a tiny Starlette app) registered through GraphQL `webhookCreate` by a
  catalog administrator; it notes `time.perf_counter()` when each body has been read.

A `graphql-transport-ws` client (the `websockets` library) subscribes to
`catalogChanged { seq code action }` without a cursor (live events only) and notes when each
message arrives. Then `--publishes` seeded service items (distinct, drawn from the public
`serviceItems` list) are republished one after another, in two modes:

- `api`: through the server's GraphQL API, as editors and reviewers do: an editor's
  `serviceItemDraftUpdate` and `recordSubmit`, a random pause (0–`--pause-ms`, seeded), then a
  reviewer's `recordPublish` (four eyes). The commit happens in the server process, whose
  `Database.on_commit` wakes its feed and its deliverer at once. The clock starts when the
  `recordPublish` response has arrived (`from response`: the commit is done by then) or when
  its request was sent (`from request`);
- `poll`: through the commands on a second `Database` object in this process, as another
  server process or `yichuang seed` would write: the server hears of it only by polling
  (SQLite: `feed_poll_interval_seconds` and `webhook_poll_interval_seconds`; PostgreSQL: the
  feed gets NOTIFY, the deliverer polls). The clock starts at the publish transaction's commit
  (`from response`) or when it was opened (`from request`).

Events are matched to publishes by the item's code (its `PUBLISHED` event). The JSON keeps
every sample and the events' `seq`. Two baselines frame the delays: the round trip of
`{ __typename }` to the same server (before the webhook and subscription exist, and with
them), and the server's commits per second while nothing is published (the deliverer's own
bookkeeping commits wake it and the feed too).

Everything (server, receiver, subscriber, publisher) shares one event loop, as a single
`yichuang serve` process would share it with its clients' work; only loopback is used.
Results on stdout (and as Markdown) and in `bench/results/feed-<UTC timestamp>.json`.
"""

import asyncio
import contextlib
import json
import os
import random
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.table import Table
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from bench import databases, report
from bench.__main__ import DEFAULT_DATA_DIR, RESULTS_DIR
from bench.client import HOST
from bench.search.report import write_json
from bench.search.scratch import database_copy
from bench.search.stats import MS, latencies
from bench.servers import serving
from catalog_api.app import create_app
from catalog_api.auth import Role, mint_token
from catalog_api.catalog.commands.publish import publish
from catalog_api.catalog.commands.submit import submit
from catalog_api.catalog.commands.update_draft import update_draft
from catalog_api.catalog.kinds import SERVICE_ITEM
from catalog_api.db import Database
from catalog_api.schema.ids import from_global_id
from catalog_api.settings import Settings

MODES = ("api", "poll")
EDITOR, REVIEWER, ADMIN = "editor@bench-feed", "reviewer@bench-feed", "admin@bench-feed"
CITY = "370100"  # the editor's and reviewer's scope: every agency in Jinan
JWT_SECRET = "bench-feed-" + "s" * 40
ARRIVAL_TIMEOUT = 30.0  # seconds after the last publish for every event to arrive
IDLE_SECONDS = 2.0

LIST = """query($first: Int!, $after: String) {
  serviceItems(first: $first, after: $after) {
    edges { node { id code lockVersion } } pageInfo { hasNextPage endCursor } } }"""
UPDATE = """mutation($input: ServiceItemDraftUpdateInput!) {
  serviceItemDraftUpdate(input: $input) { serviceItem { lockVersion } userErrors { code message } }
}"""
SUBMIT = """mutation($input: RecordActionInput!) {
  recordSubmit(input: $input) { record { lockVersion } userErrors { code message } } }"""
PUBLISH = """mutation($input: RecordPublishInput!) {
  recordPublish(input: $input) { record { status } userErrors { code message } } }"""
WEBHOOK = """mutation($input: WebhookCreateInput!) {
  webhookCreate(input: $input) { webhook { id } userErrors { code message } } }"""
SUBSCRIPTION = "subscription { catalogChanged { seq code action } }"
TYPENAME = '{"query":"{ __typename }"}'

console = Console(width=None if sys.stdout.isatty() else 200)
progress = Console(stderr=True, width=200)
app = typer.Typer(add_completion=False)


@dataclass
class Item:
    global_id: str
    code: str
    lock_version: int

    @property
    def record_id(self) -> uuid.UUID:
        return uuid.UUID(from_global_id(self.global_id)[1])


@dataclass
class Arrivals:
    """When each item's PUBLISHED event reached the subscriber and the webhook receiver."""

    channels: dict[str, dict[str, float]] = field(
        default_factory=lambda: {"subscriber": {}, "webhook": {}}
    )
    seqs: dict[str, int] = field(default_factory=dict)
    posts: list[int] = field(default_factory=list)  # events per webhook body
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def note(self, channel: str, events: list[dict[str, Any]], at: float) -> None:
        for event in events:
            if event["action"] == "PUBLISHED":
                self.channels[channel].setdefault(event["code"], at)
                self.seqs.setdefault(event["code"], event["seq"])
        self.changed.set()

    def complete(self, codes: list[str]) -> bool:
        return all(code in got for got in self.channels.values() for code in codes)


def receiver_app(arrivals: Arrivals) -> Starlette:
    async def hook(request: Request) -> Response:
        body = await request.body()
        at = time.perf_counter()
        events = json.loads(body)["events"]
        arrivals.posts.append(len(events))
        arrivals.note("webhook", events, at)
        return Response(status_code=204)

    return Starlette(routes=[Route("/hooks/feed", hook, methods=["POST"])])


async def _receive(ws: ClientConnection, arrivals: Arrivals) -> None:
    async for raw in ws:
        at = time.perf_counter()
        message = json.loads(raw)
        kind = message.get("type")
        if kind == "next":
            if message["payload"].get("errors"):
                raise RuntimeError(f"subscription error: {message['payload']['errors']}")
            arrivals.note("subscriber", [message["payload"]["data"]["catalogChanged"]], at)
        elif kind == "ping":
            await ws.send(json.dumps({"type": "pong"}))
        elif kind in ("error", "complete"):
            raise RuntimeError(f"subscription ended: {message}")


@contextlib.asynccontextmanager
async def subscriber(port: int, arrivals: Arrivals, server_app: Any) -> Any:
    """A live `catalogChanged` subscription (no cursor), positioned in the server's feed."""
    url = f"ws://{HOST}:{port}/graphql"
    async with connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        ack = json.loads(await asyncio.wait_for(ws.recv(), 15))
        if ack.get("type") != "connection_ack":
            raise RuntimeError(f"no connection_ack: {ack}")
        payload = {"query": SUBSCRIPTION, "variables": {}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        task = asyncio.create_task(_receive(ws, arrivals), name="bench-feed-subscriber")
        feed = server_app.state.feed
        async with asyncio.timeout(15):
            while not feed.following:
                if task.done():
                    task.result()
                await asyncio.sleep(0.01)
        try:
            yield task
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


class Client:
    """GraphQL over the app's HTTP endpoint, with a bearer token per person."""

    def __init__(self, http: httpx.AsyncClient, settings: Settings) -> None:
        self.http = http
        self.tokens = {
            EDITOR: mint_token(settings, subject=EDITOR, roles=[Role.EDITOR], regions=[CITY]),
            REVIEWER: mint_token(settings, subject=REVIEWER, roles=[Role.REVIEWER], regions=[CITY]),
            ADMIN: mint_token(settings, subject=ADMIN, roles=[Role.CATALOG_ADMIN]),
        }

    async def data(self, query: str, who: str | None = None, **variables: Any) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {self.tokens[who]}"} if who else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"HTTP {response.status_code}: {json.dumps(body)[:400]}")
        data = body["data"]
        for payload in data.values():
            if isinstance(payload, dict) and payload.get("userErrors"):
                raise RuntimeError(f"userErrors: {payload['userErrors']}")
        return data


async def pick_items(client: Client, count: int) -> list[Item]:
    """The first `count` published service items of the public list (by code)."""
    items: list[Item] = []
    after = None
    while len(items) < count:
        page = (await client.data(LIST, first=min(100, count - len(items)), after=after))[
            "serviceItems"
        ]
        items += [
            Item(e["node"]["id"], e["node"]["code"], e["node"]["lockVersion"])
            for e in page["edges"]
        ]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    if len(items) < count:
        raise RuntimeError(f"only {len(items)} published service items, {count} needed")
    return items


def _hours(item: Item, mode: str) -> dict[str, str]:
    return {"hours": f"周一至周五 上午9:00-12:00，下午13:30-17:00（{mode}-{item.code[-6:]}）"}


async def publish_api(client: Client, item: Item, pause: float) -> tuple[float, float]:
    """Draft, submit (editor), pause, publish (reviewer) over GraphQL; (sent, responded)."""
    updated = await client.data(
        UPDATE,
        EDITOR,
        input={
            "id": item.global_id,
            "expectedLockVersion": item.lock_version,
            "changes": _hours(item, "api"),
        },
    )
    lock = updated["serviceItemDraftUpdate"]["serviceItem"]["lockVersion"]
    submitted = await client.data(
        SUBMIT, EDITOR, input={"id": item.global_id, "expectedLockVersion": lock}
    )
    lock = submitted["recordSubmit"]["record"]["lockVersion"]
    await asyncio.sleep(pause)
    sent = time.perf_counter()
    published = await client.data(
        PUBLISH, REVIEWER, input={"id": item.global_id, "expectedLockVersion": lock}
    )
    responded = time.perf_counter()
    if published["recordPublish"]["record"]["status"] != "PUBLISHED":
        raise RuntimeError(f"{item.code} not published: {published}")
    return sent, responded


async def publish_other_process(
    database: Database, commits: list[float], item: Item, pause: float
) -> tuple[float, float]:
    """The same steps through the commands on a second `Database`; (opened, committed)."""
    lock = item.lock_version
    async with database.transaction() as tx:
        await update_draft(
            tx,
            SERVICE_ITEM,
            record_id=item.record_id,
            expected_lock_version=lock,
            changes=_hours(item, "poll"),
            actor=EDITOR,
        )
    async with database.transaction() as tx:
        await submit(
            tx, SERVICE_ITEM, record_id=item.record_id, expected_lock_version=lock + 1, actor=EDITOR
        )
    await asyncio.sleep(pause)
    opened = time.perf_counter()
    async with database.transaction() as tx:
        await publish(
            tx,
            SERVICE_ITEM,
            record_id=item.record_id,
            expected_lock_version=lock + 2,
            actor=REVIEWER,
        )
    return opened, commits[-1]


async def typename_round_trips(http: httpx.AsyncClient, count: int) -> dict[str, Any]:
    headers = {"content-type": "application/json"}
    for _ in range(10):  # warm-up
        await http.post("/graphql", content=TYPENAME, headers=headers)
    seconds = []
    for _ in range(count):
        started = time.perf_counter()
        response = await http.post("/graphql", content=TYPENAME, headers=headers)
        seconds.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{{ __typename }}: HTTP {response.status_code}")
    return latencies(seconds)


async def idle_probe(server_db: Database, arrivals: Arrivals) -> dict[str, Any]:
    """Commits per second in the server, and this process's CPU share, while nothing is
    published (after the webhook and the subscription exist)."""
    commits = [0]
    server_db.on_commit(lambda: commits.__setitem__(0, commits[0] + 1))
    posts = len(arrivals.posts)
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.sleep(IDLE_SECONDS)
    wall = time.perf_counter() - wall
    return {
        "seconds": IDLE_SECONDS,
        "server_commits_per_s": commits[0] / wall,
        "process_cpu_share": (time.process_time() - cpu) / wall,
        "webhook_posts": len(arrivals.posts) - posts,
    }


def _delays(
    arrivals: Arrivals, samples: list[tuple[Item, float, float]]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    rows, summary = [], {}
    for item, sent, done in samples:
        row: dict[str, Any] = {"code": item.code, "seq": arrivals.seqs.get(item.code)}
        for channel, got in arrivals.channels.items():
            at = got.get(item.code)
            row[f"{channel}_from_response_ms"] = None if at is None else (at - done) * MS
            row[f"{channel}_from_request_ms"] = None if at is None else (at - sent) * MS
        row["publish_ms"] = (done - sent) * MS
        rows.append(row)
    for channel in arrivals.channels:
        for start in ("response", "request"):
            key = f"{channel}_from_{start}_ms"
            values = [r[key] / MS for r in rows if r[key] is not None]
            summary[f"{channel}_from_{start}"] = latencies(values)
        summary[f"{channel}_missing"] = sum(
            1 for r in rows if r[f"{channel}_from_request_ms"] is None
        )
    summary["publish"] = latencies([r["publish_ms"] / MS for r in rows])
    return summary, rows


async def _await_arrivals(arrivals: Arrivals, codes: list[str]) -> None:
    deadline = time.perf_counter() + ARRIVAL_TIMEOUT
    while not arrivals.complete(codes) and time.perf_counter() < deadline:
        arrivals.changed.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(0.0, deadline - time.perf_counter())):
                await arrivals.changed.wait()


async def run_mode(
    mode: str,
    items: list[Item],
    arrivals: Arrivals,
    client: Client,
    url: str,
    pause_ms: float,
    rng: random.Random,
) -> dict[str, Any]:
    samples: list[tuple[Item, float, float]] = []
    started = time.perf_counter()
    other: Database | None = None
    commits: list[float] = []
    if mode == "poll":
        other = Database(url)
        other.on_commit(lambda: commits.append(time.perf_counter()))
    try:
        for item in items:
            pause = rng.uniform(0, pause_ms / MS)
            if other is None:
                sent, done = await publish_api(client, item, pause)
            else:
                sent, done = await publish_other_process(other, commits, item, pause)
            samples.append((item, sent, done))
        await _await_arrivals(arrivals, [item.code for item in items])
    finally:
        if other is not None:
            await other.dispose()
    summary, rows = _delays(arrivals, samples)
    summary["seconds"] = time.perf_counter() - started
    return {"summary": summary, "samples": rows}


def _settings(url: str, scratch: Path, options: dict[str, Any]) -> Settings:
    return Settings(
        database_url=url,
        log_level="warning",
        files_dir=options["data_dir"] / "files",
        search_indexer=False,
        search_index_path=scratch / "search.db",
        announce_interval_seconds=0,
        webhook_allow_http=True,
        feed_poll_interval_seconds=options["feed_poll"],
        webhook_poll_interval_seconds=options["webhook_poll"],
        jwt_secret=JWT_SECRET,
    )


async def run_dialect(dialect: str, options: dict[str, Any]) -> dict[str, Any]:
    prepared = await databases.prepare(
        dialect,
        options["size"],
        data_dir=options["data_dir"],
        postgres_url=options["postgres_url"],
        fresh=False,
    )
    progress.print(f"{prepared.server_version}, {options['size']} items, cached: {prepared.cached}")
    rng = random.Random(options["seed"])
    result: dict[str, Any] = {
        "dialect": dialect,
        "size": options["size"],
        "server_version": prepared.server_version,
        "database_cached": prepared.cached,
    }
    modes = MODES if options["poll"] else MODES[:1]
    with tempfile.TemporaryDirectory(prefix="yichuang-bench-feed-") as scratch:
        async with database_copy(prepared.url, options["postgres_url"], Path(scratch)) as url:
            settings = _settings(url, Path(scratch), options)
            server_app = create_app(settings)
            arrivals = Arrivals()
            if not options["webhook"]:
                del arrivals.channels["webhook"]
            async with (
                serving("receiver", receiver_app(arrivals)) as hook,
                serving("catalog", server_app) as api,
                httpx.AsyncClient(base_url=f"http://{HOST}:{api.port}", timeout=60) as http,
            ):
                client = Client(http, settings)
                items = await pick_items(client, options["publishes"] * len(modes))
                result["typename_quiet"] = await typename_round_trips(http, options["baseline"])
                if options["webhook"]:
                    hook_url = f"http://{HOST}:{hook.port}/hooks/feed"
                    hook_input = {"name": "bench.feed", "url": hook_url}
                    await client.data(WEBHOOK, ADMIN, input=hook_input)
                async with subscriber(api.port, arrivals, server_app):
                    result["idle"] = await idle_probe(server_app.state.database, arrivals)
                    result["typename"] = await typename_round_trips(http, options["baseline"])
                    for n, mode in enumerate(modes):
                        batch = items[n * options["publishes"] : (n + 1) * options["publishes"]]
                        result[mode] = await run_mode(
                            mode, batch, arrivals, client, url, options["pause_ms"], rng
                        )
                        _print_mode(dialect, mode, result[mode]["summary"])
                result["webhook_posts"] = len(arrivals.posts)
                result["webhook_events_per_post_max"] = max(arrivals.posts, default=0)
    return result


def _print_mode(dialect: str, mode: str, summary: dict[str, Any]) -> None:
    sub, hook = summary["subscriber_from_response"], summary.get("webhook_from_response", {})
    progress.print(
        f"  {dialect} {mode}: subscriber p50 {sub.get('p50_ms', float('nan')):.1f} "
        f"p95 {sub.get('p95_ms', float('nan')):.1f} ms, webhook p50 "
        f"{hook.get('p50_ms', float('nan')):.1f} p95 {hook.get('p95_ms', float('nan')):.1f} ms, "
        f"missing {summary['subscriber_missing']}/{summary.get('webhook_missing', '–')}"
    )


def _ms(summary: dict[str, Any], keys: tuple[str, ...] = ("p50", "p95", "max")) -> str:
    if not summary.get("count"):
        return "–"
    return " / ".join(f"{summary[f'{key}_ms']:.1f}" for key in keys)


COLUMNS = (
    "dialect",
    "mode",
    "n",
    "→ subscriber ms, from response p50/p95/max",
    "from request",
    "→ webhook ms, from response p50/p95/max",
    "from request",
    "publish ms p50/p95",
    "missing sub/hook",
)
BASE_COLUMNS = (
    "dialect",
    "`{ __typename }` ms p50/p95/max, quiet",
    "with the subscription (and webhook)",
    "idle server commits/s",
    "idle CPU",
)


def rows(runs: list[dict[str, Any]]) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    main, base = [], []
    for run in runs:
        for mode in MODES:
            if mode not in run:
                continue
            s = run[mode]["summary"]
            main.append(
                (
                    run["dialect"],
                    mode,
                    str(s["publish"]["count"]),
                    _ms(s["subscriber_from_response"]),
                    _ms(s["subscriber_from_request"]),
                    _ms(s.get("webhook_from_response", {})),
                    _ms(s.get("webhook_from_request", {})),
                    _ms(s["publish"], ("p50", "p95")),
                    f"{s['subscriber_missing']}/{s.get('webhook_missing', '–')}",
                )
            )
        idle = run["idle"]
        base.append(
            (
                run["dialect"],
                _ms(run["typename_quiet"]),
                _ms(run["typename"]),
                f"{idle['server_commits_per_s']:,.0f}",
                f"{idle['process_cpu_share']:.0%}",
            )
        )
    return main, base


def render(runs: list[dict[str, Any]]) -> str:
    out = []
    for columns, table_rows in zip((COLUMNS, BASE_COLUMNS), rows(runs), strict=True):
        table = Table()
        for n, column in enumerate(columns):
            table.add_column(column, justify="left" if n < 2 else "right")
        for row in table_rows:
            table.add_row(*row)
        console.print(table)
        out.append("| " + " | ".join(columns) + " |")
        out.append("|" + "---|" * len(columns))
        out += ["| " + " | ".join(row) + " |" for row in table_rows]
        out.append("")
    return "\n".join(out)


async def run(dialects: list[str], options: dict[str, Any]) -> list[dict[str, Any]]:
    return [await run_dialect(dialect, options) for dialect in dialects]


@app.command()
def main(
    publishes: Annotated[int, typer.Option(min=1, max=1000, help="Publishes per mode.")] = 100,
    pause_ms: Annotated[
        float, typer.Option(min=0, help="Longest random pause before each publish (ms).")
    ] = 200.0,
    dialects: Annotated[
        str | None,
        typer.Option(help="Comma-separated; default sqlite, and postgresql when a URL is given."),
    ] = None,
    poll: Annotated[bool, typer.Option(help="Also publish from a second Database.")] = True,
    webhook: Annotated[
        bool, typer.Option(help="Register the webhook (without: the subscriber alone).")
    ] = True,
    size: Annotated[int, typer.Option(help="Synthetic service items in the database.")] = 10_000,
    baseline: Annotated[int, typer.Option(min=1, help="`{ __typename }` round trips.")] = 200,
    feed_poll: Annotated[float, typer.Option(help="feed_poll_interval_seconds.")] = 1.0,
    webhook_poll: Annotated[float, typer.Option(help="webhook_poll_interval_seconds.")] = 1.0,
    seed: Annotated[int, typer.Option(help="Seeds the pauses.")] = 6,
    postgres_url: Annotated[
        str | None, typer.Option(help="PostgreSQL maintenance database URL.")
    ] = None,
    data_dir: Annotated[Path, typer.Option(help="Where bench databases are kept.")] = (
        DEFAULT_DATA_DIR
    ),
    results_dir: Annotated[Path, typer.Option(help="Where the JSON goes.")] = RESULTS_DIR,
) -> None:
    """Publish → subscriber and publish → webhook delays, with the server's own latency."""
    postgres_url = postgres_url or os.environ.get("YICHUANG_BENCH_POSTGRES_URL")
    chosen = (
        [d.strip() for d in dialects.split(",") if d.strip()]
        if dialects
        else ["sqlite"] + (["postgresql"] if postgres_url else [])
    )
    options: dict[str, Any] = {
        "publishes": publishes,
        "pause_ms": pause_ms,
        "poll": poll,
        "webhook": webhook,
        "size": size,
        "baseline": baseline,
        "feed_poll": feed_poll,
        "webhook_poll": webhook_poll,
        "seed": seed,
        "postgres_url": postgres_url,
        "data_dir": data_dir,
    }
    started = datetime.now(UTC)
    machine = report.machine()
    runs = asyncio.run(run(chosen, options))
    markdown = render(runs)
    console.print(markdown, highlight=False, markup=False)
    options.pop("postgres_url")
    document = {
        "started": started.isoformat(timespec="seconds"),
        "machine": machine,
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in options.items()},
        "dialects": chosen,
        "runs": runs,
    }
    console.print(f"\nResults: {write_json(document, results_dir, 'feed')}")


if __name__ == "__main__":
    app()
