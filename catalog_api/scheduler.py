"""The server's background work: announcing scheduled versions as they take effect, and
delivering webhooks."""

import asyncio
import contextlib
import logging

from catalog_api.catalog.commands.announce import announce_due
from catalog_api.catalog.webhook_delivery import Deliverer
from catalog_api.db import Database

log = logging.getLogger(__name__)


async def announce_forever(database: Database, interval_seconds: float) -> None:
    """Every `interval_seconds`, announce what has taken effect; errors are logged, the loop
    goes on (the next round retries: nothing is marked announced unless it committed)."""
    while True:
        try:
            async with database.transaction() as tx:
                count = await announce_due(tx)
            if count:
                log.info("announced %d scheduled versions that took effect", count)
        except Exception:
            log.exception("announcing scheduled versions failed; will retry")
        await asyncio.sleep(interval_seconds)


async def deliver_webhooks_forever(
    deliverer: Deliverer, wake: asyncio.Event, poll_interval: float
) -> None:
    """Deliver what is due, then wait for a commit (`wake`) or the poll interval (commits of
    other processes, and backoffs running out)."""
    while True:
        wake.clear()  # before delivering: a commit meanwhile starts the next round at once
        try:
            while await deliverer.deliver_due():
                pass
        except Exception:
            log.exception("delivering webhooks failed; will retry")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(poll_interval):
                await wake.wait()
