"""``python -m socialaid.devsim department|bank --port N`` or ``demo --intake URL``."""

from __future__ import annotations

import argparse
import importlib
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="socialaid.devsim")
    sub = parser.add_subparsers(dest="cmd", required=True)
    for name, port in (("department", 8101), ("bank", 8102)):
        p = sub.add_parser(name, help=f"run the {name} simulator")
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=port)
    demo = sub.add_parser("demo", help="load the demonstration data through the public APIs")
    demo.add_argument("--intake", default="http://127.0.0.1:8001")
    demo.add_argument("--department", default="http://127.0.0.1:8101")
    demo.add_argument("--referral", default="http://127.0.0.1:8006")
    args = parser.parse_args(argv)
    if args.cmd == "demo":
        from socialaid.devsim.demo import load_demo

        return load_demo(intake=args.intake, department=args.department, referral=args.referral)
    import uvicorn

    module = importlib.import_module(f"socialaid.devsim.{args.cmd}")
    uvicorn.run(module.create_app(), host=args.host, port=args.port, log_level="warning")
    return 0


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
