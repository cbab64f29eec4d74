"""The event-bridge command: demo, install-napp, decode, options and bench."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Optional, Sequence


def _demo(args: argparse.Namespace) -> int:
    from event_bridge import demo

    summary = demo.run(args.bootstrap_servers, seed=args.seed, switches=args.switches,
                       evcs=args.evcs)
    ok = (summary["undelivered"] == 0
          and summary["records_read_back"] == summary["records_delivered"]
          and summary["events_delivered"] == summary["events"] - summary["filtered"])
    return 0 if ok else 1


def _decode(args: argparse.Namespace) -> int:
    from event_bridge.codec import decode

    data = sys.stdin.buffer.read() if args.file == "-" else open(args.file, "rb").read()
    envelope = decode(data, args.content_type)
    print(json.dumps(envelope, indent=2, default=repr))
    return 0


def _install_napp(args: argparse.Namespace) -> int:
    from event_bridge.install import InstallError, install_napp

    try:
        for line in install_napp(args.napps_dir, enable=args.enable, force=args.force):
            print(line)
    except InstallError as exc:
        print(f"event-bridge install-napp: {exc}", file=sys.stderr)
        return 2
    if not args.enable:
        print("enable it with GET /api/kytos/core/napps/kytos/event_bridge/enable "
              "on a running kytosd, or run again with --enable before starting it")
    return 0


def _options(args: argparse.Namespace) -> int:
    from event_bridge.config import OPTIONS

    print("| option | type | default | description |")
    print("|---|---|---|---|")
    for option in OPTIONS:
        print(f"| `{option.name}` | {option.type} | `{json.dumps(option.default)}` | "
              f"{option.description} |")
    return 0


def _bench(args: argparse.Namespace) -> int:
    from event_bridge import bench

    return bench.main((["--quick"] if args.quick else [])
                      + (["--parts", args.parts] if args.parts else []))


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="event-bridge",
                                     description="Broadcast Kytos-ng events to Kafka.")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="replay a controller session and read it back")
    demo.add_argument("--bootstrap-servers", help="a real broker (default: embedded mock cluster)")
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--switches", type=int, default=6)
    demo.add_argument("--evcs", type=int, default=10)
    demo.set_defaults(run=_demo)

    decode = sub.add_parser("decode", help="decode one message value (file or -) to JSON")
    decode.add_argument("file")
    decode.add_argument("--content-type", default=None)
    decode.set_defaults(run=_decode)

    install = sub.add_parser("install-napp", help="link the NApp into a Kytos napps directory")
    install.add_argument("--napps-dir", default=None,
                         help="default: $VIRTUAL_ENV/var/lib/kytos/napps")
    install.add_argument("--enable", action="store_true", help="also create the enabled link")
    install.add_argument("--force", action="store_true",
                         help="replace links that point at another kytos/event_bridge")
    install.set_defaults(run=_install_napp)

    options = sub.add_parser("options", help="print every option as a Markdown table")
    options.set_defaults(run=_options)

    bench = sub.add_parser("bench", help="run the benchmarks of bench/ (bench/README.md)")
    bench.add_argument("--quick", action="store_true", help="the CI profile, under 2 minutes")
    bench.add_argument("--parts", help="subset of handler,e2e,dispatch,wire,outage")
    bench.set_defaults(run=_bench)

    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
