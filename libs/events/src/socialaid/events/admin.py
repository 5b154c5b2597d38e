"""``python -m socialaid.events.admin create-topics``: create every topic explicitly (auto-create is off)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from socialaid.contracts import Topic


async def create_topics(bootstrap: str, partitions: int, replication: int) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="socialaid-admin")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [t for t in Topic.all() if t not in existing]
        if wanted:
            await admin.create_topics(
                [
                    NewTopic(name=t, num_partitions=partitions, replication_factor=replication)
                    for t in wanted
                ]
            )
        return wanted
    finally:
        await admin.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="socialaid.events.admin")
    sub = parser.add_subparsers(dest="cmd", required=True)
    ct = sub.add_parser("create-topics")
    ct.add_argument("--bootstrap", default="127.0.0.1:59092")
    ct.add_argument("--partitions", type=int, default=3)
    ct.add_argument("--replication", type=int, default=1)
    sub.add_parser("list-topics")
    args = parser.parse_args(argv)
    if args.cmd == "create-topics":
        created = asyncio.run(create_topics(args.bootstrap, args.partitions, args.replication))
        print("created: " + (", ".join(created) if created else "(all topics already exist)"))
    else:
        print("\n".join(Topic.all()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
