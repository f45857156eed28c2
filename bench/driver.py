"""Drives one server with one load: a spawned client process, and this process's CPU meanwhile.

The client runs in a process of its own so that it competes with the server for the two
cores as little as possible, and identically for the service and the baseline. While it
measures, this (the server) process's CPU time is read too: `server_cpu` is CPU seconds per
wall second across all its threads, so 1.0 is one core fully busy.
"""

import asyncio
import multiprocessing
import time
from multiprocessing.connection import Connection
from typing import Any

from bench.client import LoadSpec, load_process
from bench.workload import Workload

SPARE_SECONDS = 120  # start-up and wind-down allowance before the client is given up on


async def _receive(receive: Connection, patience: float) -> dict[str, Any]:
    if not await asyncio.to_thread(receive.poll, patience):
        return {"failed": f"the load client said nothing for {patience:.0f} s"}
    try:
        message: dict[str, Any] = receive.recv()
    except EOFError:
        return {"failed": "the load client died without a report"}
    return message


async def drive(
    port: int,
    workload: Workload,
    *,
    concurrency: int,
    warmup: float,
    duration: float,
    max_requests: int,
) -> dict[str, Any]:
    """Run the load from a fresh client process and return its summary plus `server_cpu`."""
    spec = LoadSpec(
        port=port,
        requests=workload.http_requests(),
        expected=workload.responses,
        concurrency=concurrency,
        warmup=warmup,
        duration=duration,
        max_requests=max_requests,
    )
    return await drive_spec(spec)


async def drive_spec(spec: LoadSpec) -> dict[str, Any]:
    """`drive`, for a load spec built by the caller (other requests, other expectations)."""
    warmup, duration = spec.warmup, spec.duration
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=load_process, args=(spec, send), daemon=True)
    process.start()
    send.close()
    marks: dict[str, tuple[float, float]] = {}
    try:
        while True:
            message = await _receive(receive, warmup + duration + SPARE_SECONDS)
            if "event" not in message:
                break
            marks[message["event"]] = (time.process_time(), time.perf_counter())
    finally:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join()
        receive.close()
    if "failed" in message:
        raise RuntimeError(f"the load client failed: {message['failed']}")
    if "start" in marks and "end" in marks:
        (cpu0, wall0), (cpu1, wall1) = marks["start"], marks["end"]
        message["server_cpu"] = (cpu1 - cpu0) / (wall1 - wall0)
    else:
        message["server_cpu"] = float("nan")
    return message
