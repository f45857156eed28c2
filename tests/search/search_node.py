"""Real Elasticsearch nodes for the tests, started and stopped with `scripts/search-node/run`.

`YICHUANG_TEST_ELASTICSEARCH_URL` names a node someone else runs (`scripts/test` sets it);
without it a test session starts its own on a free port. A node that cannot be started (no
Java or Maven, a failed build) fails the tests under `CI` and skips them otherwise.
"""

import os
import shutil
import socket
import subprocess
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from search.analysis import Analyzer
from search.backends.elasticsearch import ElasticsearchBackend

URL_VAR = "YICHUANG_TEST_ELASTICSEARCH_URL"
RUN = Path(__file__).resolve().parents[2] / "scripts" / "search-node" / "run"
START_TIMEOUT = 180  # seconds: the first start on a machine may build the launcher


class NodeUnavailable(Exception):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SearchNode:
    """One node on a port, optionally with a data folder kept across stops and starts."""

    def __init__(self, port: int | None = None, data: Path | None = None) -> None:
        self.port = port or free_port()
        self.data = data
        self.url = f"http://127.0.0.1:{self.port}"

    def _run(self, command: str, *extra: str, timeout: float) -> subprocess.CompletedProcess[str]:
        args = [str(RUN), command, "--port", str(self.port), *extra]
        return subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)

    def start(self) -> str:
        """Start the node and wait until it answers (health yellow or better); its URL."""
        built = (RUN.parent / "target" / "search-node.jar").exists()
        for tool in ("java",) if built else ("java", "mvn"):
            if shutil.which(tool) is None and not (tool == "java" and os.environ.get("JAVA_HOME")):
                raise NodeUnavailable(f"cannot start Elasticsearch: {tool} not found")
        extra = ["--timeout", str(START_TIMEOUT)]
        if self.data is not None:
            extra += ["--data", str(self.data)]
        try:
            done = self._run("start", *extra, timeout=START_TIMEOUT + 60)
        except subprocess.TimeoutExpired as exc:
            raise NodeUnavailable(f"Elasticsearch did not start in {START_TIMEOUT}s") from exc
        if done.returncode != 0:
            tail = "\n".join(done.stderr.strip().splitlines()[-15:])
            raise NodeUnavailable(f"Elasticsearch did not start on port {self.port}:\n{tail}")
        return done.stdout.strip() or self.url

    def stop(self) -> None:
        """Stop the node and wait until its process is gone."""
        self._run("stop", timeout=90)

    def running(self) -> bool:
        return self._run("status", timeout=30).returncode == 0


def start_or_skip(node: SearchNode) -> str:
    """Start the node; when that is impossible, fail under CI and skip elsewhere."""
    try:
        return node.start()
    except NodeUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but no Elasticsearch node could be started: {exc}")
        pytest.skip(f"no Elasticsearch node: {exc} (or set {URL_VAR})")


def unique_prefix(label: str = "t") -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}"


async def open_backend(url: str, analyzer: Analyzer, **options: object) -> ElasticsearchBackend:
    backend = ElasticsearchBackend(url, analyzer, **options)  # type: ignore[arg-type]
    await backend.open()
    return backend


async def dropped_after(backend: ElasticsearchBackend) -> AsyncIterator[ElasticsearchBackend]:
    """Yield an opened backend, then delete its indices and close it (for fixtures)."""
    try:
        yield backend
    finally:
        try:
            if backend._client is None:
                await backend.open()
            await backend.drop()
        finally:
            await backend.close()
