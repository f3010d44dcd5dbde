"""Run one service's outbox relay as its own process until killed.

Usage: python run_relay.py HOLDER  (settings from the environment, as a service reads them)
"""

from __future__ import annotations

import asyncio
import sys

from skilleval_shared.messaging import make_broker
from skilleval_shared.settings import Settings
from skilleval_shared.storage.mongo import database, make_client
from skilleval_shared.storage.outbox import OutboxRelay


async def main(holder: str) -> None:
    settings = Settings(service_name="filing")
    broker = make_broker(settings)
    await broker.start()
    client = make_client(settings)
    relay = OutboxRelay(database(client, settings), broker, settings, holder=holder)
    relay.start()
    print("started", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
