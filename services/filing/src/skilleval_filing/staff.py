"""Create staff accounts from the command line; no HTTP endpoint can do this.

python -m skilleval_filing.staff create USERNAME --role city_center --name 张三 < password
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from skilleval_filing.accounts import service as accounts
from skilleval_filing.accounts.model import STAFF_ACTORS
from skilleval_filing.filings.lifecycle import Actor
from skilleval_filing.settings import FilingSettings
from skilleval_shared.storage.aggregates import AggregateStore
from skilleval_shared.storage.mongo import database, make_client


def _read_password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("密码: ")
    return sys.stdin.readline().rstrip("\n")


async def _create(username: str, role: Actor, name: str, password: str) -> None:
    settings = FilingSettings()
    client = make_client(settings)
    try:
        store = AggregateStore(database(client, settings), accounts.KIND)
        await accounts.create_staff(
            accounts=accounts.repository(store),
            username=username,
            role=role,
            name=name,
            password=password,
        )
    finally:
        await client.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m skilleval_filing.staff")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="create a staff account (password on stdin)")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=[actor.value for actor in STAFF_ACTORS])
    create.add_argument("--name", required=True, help="display name, e.g. 张三")
    args = parser.parse_args(argv)
    try:
        asyncio.run(_create(args.username, Actor(args.role), args.name, _read_password()))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"created {args.role} account {args.username}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
