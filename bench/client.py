"""The load generator: raw HTTP/1.1 keep-alive clients on asyncio, run in a process of its own.

A minimal client (write the request bytes, read the head, read Content-Length bytes) costs far
less CPU per request than httpx, so on a 2-core machine the client takes as little as possible
from the server. The service and the baseline are driven by exactly the same code and requests.

Every response is checked: status 200 and either the very bytes captured from the service
beforehand, or (if they differ) a JSON body without `errors` whose `data` is not empty.
"""

import asyncio
import json
import math
import time
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from typing import Any

HOST = "127.0.0.1"
REQUEST_TIMEOUT = 30.0


@dataclass(frozen=True)
class LoadSpec:
    port: int
    requests: list[bytes]  # full HTTP requests, cycled through by every worker
    expected: list[bytes]  # the response body captured for each request
    concurrency: int
    warmup: float
    duration: float
    max_requests: int  # a hard bound on the measured requests, whatever the duration
    expected_status: int = 200  # 304 for conditional requests (`expected` is then b"")


@dataclass
class Summary:
    requests: int
    errors: int
    differing: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    first_error: str | None = None
    client_cpu: float = 0.0  # CPU seconds the client process used per wall second


def http_request(path: str, body: bytes, extra_headers: dict[str, str] | None = None) -> bytes:
    extra = "".join(f"{name}: {value}\r\n" for name, value in (extra_headers or {}).items())
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
        f"Accept: application/json\r\n{extra}Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def body_problem(body: bytes) -> str | None:
    """Why a GraphQL response body is not a success, or None when it is one."""
    try:
        document = json.loads(body)
    except ValueError:
        return f"not JSON: {body[:120]!r}"
    if document.get("errors"):
        return f"errors: {json.dumps(document['errors'], ensure_ascii=False)[:300]}"
    data = document.get("data") or {}
    if not data or any(value in (None, [], {}) for value in data.values()):
        return f"empty data: {json.dumps(data, ensure_ascii=False)[:200]}"
    return None


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length is None and status in (204, 304):
        return status, b""  # no body by definition
    if length is None:
        raise RuntimeError("response without Content-Length")
    return status, await reader.readexactly(length)


class _Run:
    def __init__(self, spec: LoadSpec, out: Connection | None = None) -> None:
        self.spec = spec
        self.out = out
        now = time.perf_counter()
        self.measure_from = now + spec.warmup
        self.measure_until = self.measure_from + spec.duration
        self.latencies: list[float] = []
        self.errors = 0
        self.differing = 0
        self.first_error: str | None = None

    def _error(self, message: str) -> None:
        self.errors += 1
        self.first_error = self.first_error or message

    def _done(self) -> bool:
        return (
            time.perf_counter() >= self.measure_until
            or len(self.latencies) + self.errors >= self.spec.max_requests
        )

    async def worker(self, offset: int) -> None:
        spec = self.spec
        reader, writer = await asyncio.open_connection(HOST, spec.port)
        try:
            index = offset
            while not self._done():
                slot = index % len(spec.requests)
                index += 1
                started = time.perf_counter()
                writer.write(spec.requests[slot])
                status, body = await asyncio.wait_for(_read_response(reader), REQUEST_TIMEOUT)
                finished = time.perf_counter()
                if not self.measure_from <= finished <= self.measure_until:
                    continue  # warm-up, or past the end: neither counted nor checked
                if status != spec.expected_status:
                    self._error(f"HTTP {status}: {body[:200]!r}")
                    continue
                if body != spec.expected[slot]:
                    self.differing += 1
                    if problem := body_problem(body):
                        self._error(problem)
                        continue
                self.latencies.append(finished - started)
        finally:
            writer.close()

    async def _announce(self) -> None:
        """Tell the parent when the measured window opens and closes (it times the server)."""
        if self.out is None:
            return
        for event, at in (("start", self.measure_from), ("end", self.measure_until)):
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            self.out.send({"event": event})

    async def run(self) -> Summary:
        cpu, wall = time.process_time(), time.perf_counter()
        stride = max(1, len(self.spec.requests) // self.spec.concurrency)
        workers = [self.worker(i * stride) for i in range(self.spec.concurrency)]
        announcing = asyncio.create_task(self._announce())
        results = await asyncio.gather(*workers, return_exceptions=True)
        await announcing
        for result in results:
            if isinstance(result, BaseException):
                self._error(f"worker failed: {result!r}")
        summary = summarise(
            self.latencies, self.errors, self.differing, self.spec.duration, self.first_error
        )
        summary.client_cpu = (time.process_time() - cpu) / (time.perf_counter() - wall)
        return summary


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return float("nan")
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summarise(
    latencies: list[float], errors: int, differing: int, seconds: float, first_error: str | None
) -> Summary:
    ordered = sorted(latencies)
    ms = 1000.0
    return Summary(
        requests=len(ordered),
        errors=errors,
        differing=differing,
        seconds=seconds,
        rps=len(ordered) / seconds,
        p50_ms=percentile(ordered, 0.50) * ms,
        p95_ms=percentile(ordered, 0.95) * ms,
        p99_ms=percentile(ordered, 0.99) * ms,
        mean_ms=(sum(ordered) / len(ordered) * ms) if ordered else float("nan"),
        max_ms=(ordered[-1] * ms) if ordered else float("nan"),
        first_error=first_error,
    )


def load_process(spec: LoadSpec, out: Connection) -> None:
    """Entry point of the client process: run the load; send `{"event": "start"}` and
    `{"event": "end"}` as the measured window opens and closes, then the summary as a dict."""
    try:
        summary: dict[str, Any] = asdict(asyncio.run(_Run(spec, out).run()))
    except BaseException as exc:  # the parent must always hear back
        summary = {"failed": repr(exc)}
    out.send(summary)
    out.close()
