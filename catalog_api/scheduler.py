"""The server's background work: announcing scheduled versions as they take effect."""

import asyncio
import logging

from catalog_api.catalog.commands.announce import announce_due
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
