"""The two operations, the requests each one rotates over, and their captured responses.

(a) `item`: `serviceItem(code)` with its materials, fees and agency, over a seeded random sample
    of the codes in the database.
(b) `list`: a page of 50 `serviceItems` under a few filters, each followed through `after`
    cursors for a few pages.

Each request is sent once to the service before any load; its response is checked (no
`errors`, non-empty data) and kept, both for the baseline to replay and for the load
clients to compare against.
"""

import json
import random
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bench.client import HOST, body_problem, http_request
from models import ServiceItem

ITEM_QUERY = """
query ServiceItem($code: String!) {
  serviceItem(code: $code) {
    code name itemType onsiteVisits
    promisedTimeLimit { value unit text }
    materials { name origin materialType necessity blankForm { url } }
    fees { name standard }
    agency { name uscc region { name } }
  }
}
"""

LIST_QUERY = """
query ServiceItems($filter: ServiceItemFilter, $after: String) {
  serviceItems(first: 50, filter: $filter, after: $after) {
    edges { cursor node { code name itemType level onsiteVisits agency { name } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

# Districts, a county, the whole city; levels and trips as a citizen or a portal filters them.
LIST_FILTERS: list[dict[str, Any]] = [
    {"region": "370102", "maxOnsiteVisits": 1},
    {"region": "370112", "maxOnsiteVisits": 0},
    {"region": "370124", "maxOnsiteVisits": 1},
    {"region": "370100", "levels": ["MUNICIPAL"], "maxOnsiteVisits": 1},
    {"region": "370103", "levels": ["COUNTY", "TOWNSHIP"], "maxOnsiteVisits": 2},
    {"region": "370100", "maxOnsiteVisits": 0},
]

OPERATIONS = ("item", "list")


@dataclass
class Workload:
    operation: str
    bodies: list[bytes] = field(default_factory=list)  # GraphQL POST bodies
    responses: list[bytes] = field(default_factory=list)  # the service's answer to each

    def http_requests(self) -> list[bytes]:
        return [http_request("/graphql", body) for body in self.bodies]


def _body(query: str, variables: dict[str, Any]) -> bytes:
    document = {"query": query, "variables": variables}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


async def sample_codes(database_url: str, count: int, seed: int = 2024) -> list[str]:
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            codes = list((await connection.execute(select(ServiceItem.code))).scalars())
    finally:
        await engine.dispose()
    codes.sort()
    return random.Random(seed).sample(codes, min(count, len(codes)))


class Capture:
    """Sends each request once to the service and keeps its checked response."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.content_type: str | None = None

    async def send(self, body: bytes) -> bytes:
        response = await self.client.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
        problem = body_problem(response.content)
        if response.status_code != 200 or problem:
            detail = problem or response.text[:300]
            raise RuntimeError(
                f"the service failed a benchmark request: HTTP {response.status_code}: {detail}"
            )
        self.content_type = response.headers["content-type"]
        return response.content


async def item_workload(capture: Capture, codes: list[str]) -> Workload:
    workload = Workload("item")
    for code in codes:
        body = _body(ITEM_QUERY, {"code": code})
        workload.bodies.append(body)
        workload.responses.append(await capture.send(body))
    return workload


async def list_workload(capture: Capture, pages: int) -> Workload:
    workload = Workload("list")
    for filter_ in LIST_FILTERS:
        after = None
        for _ in range(pages):
            body = _body(LIST_QUERY, {"filter": filter_, "after": after})
            answer = await capture.send(body)
            workload.bodies.append(body)
            workload.responses.append(answer)
            page = json.loads(answer)["data"]["serviceItems"]
            if not page["edges"]:
                raise RuntimeError(f"serviceItems filter {filter_} matched no item")
            page_info = page["pageInfo"]
            if not page_info["hasNextPage"]:
                break
            after = page_info["endCursor"]
    return workload


async def build_workloads(
    database_url: str, port: int, *, sample: int, pages: int
) -> tuple[dict[str, Workload], str]:
    """Both workloads, captured from the service on `port`, and its response content type."""
    codes = await sample_codes(database_url, sample)
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", timeout=60) as client:
        capture = Capture(client)
        workloads = {
            "item": await item_workload(capture, codes),
            "list": await list_workload(capture, pages),
        }
    assert capture.content_type is not None
    return workloads, capture.content_type
