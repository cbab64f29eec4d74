"""Write the seed corpora under fuzz/corpus/ (decode/ and encode/); the files are kept in git.

decode/: real envelopes as the bridge writes them (event_bridge.encode over the sample
events and hostile Python values, both formats), and hand-written edge cases of both
grammars. encode/: deterministic random programs of several lengths (FuzzedDataProvider
reads any bytes as a program). Needs the built package (pip install .) for decode/;
without it only the hand-written seeds are written. Usage: python3 fuzz/make_corpus.py
"""

from __future__ import annotations

import hashlib
import math
import random
import struct
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"
MAX_BYTES = 4096  # libFuzzer's default -max_len when no seed is larger

HAND_WRITTEN_JSON = [
    b"{}", b"[]", b"null", b"true", b"0", b"-0", b"-0.0", b"1e308", b"1e309", b"-1e309",
    b"1e-400", b"4.9e-324", b"2.2250738585072014e-308", b"18446744073709551615",
    b"18446744073709551616", b"-9223372036854775808", b"-9223372036854775809",
    b"1" + b"0" * 310, b"0.1e99999999999999999999", b"1e-99999999999999999999",
    b'"\\u0000\\ud83d\\ude00\\u00e9"', b'"\\ud800"', b'"\xed\xa0\x80"', b'"\xff"',
    b'{"a":1,"a":2}', b"[1,2,3] x", b"{}\x00garbage", b" [ ] ", b"[" * 1010 + b"]" * 1010,
    b'{"version":1,"id":"00000000-0000-4000-8000-000000000000","name":"kytos/x",'
    b'"timestamp":"2026-11-25T12:00:00.123456Z","seq":1,'
    b'"instance":"00000000-0000-4000-8000-000000000001","source":"s","content":{}}',
    b'{"version":1,"version":1}', b'"NaN"', b"NaN", b"Infinity",
]

HAND_WRITTEN_MSGPACK = [
    b"\x80", b"\x90", b"\xc0", b"\xc2", b"\xc3", b"\x00", b"\xff", b"\xcb" + struct.pack(">d", math.nan),
    b"\xca" + struct.pack(">f", 1.5), b"\xcf" + b"\xff" * 8, b"\xd3" + b"\x80" + b"\x00" * 7,
    b"\xd9\x03abc", b"\xda\x00\x03abc", b"\xdb\x00\x00\x00\x03abc", b"\xc4\x02\x00\x01",
    b"\xdd\xff\xff\xff\xff", b"\xdf\xff\xff\xff\xff", b"\xdb\xff\xff\xff\xff", b"\xc6\xff\xff\xff\xff",
    b"\x81\x01\x02", b"\x81\xc4\x01k\x01", b"\xd4\x01\x00", b"\xc7\x01\x05\x00", b"\x91" * 1010 + b"\xc0",
    b"\x81\xa1a\x80\x00", b"\xa3\xff\xfe\xfd", b"\xc1",
]


def write(folder: Path, data: bytes) -> None:
    if len(data) > MAX_BYTES:
        return
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def envelopes() -> list:
    try:
        import event_bridge
        from event_bridge import samples
    except ImportError as error:
        print(f"make_corpus: event_bridge not importable ({error}); hand-written seeds only",
              file=sys.stderr)
        return []

    class Unprintable:
        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    hostile = [
        {"n": 2 ** 70, "m": -(2 ** 200), "f": [math.nan, math.inf, -math.inf, -0.0, 5e-324]},
        {"b": b"\x00\xff" * 8, "s": "\ud800 lone surrogate", 1: "int key", (1, 2): "tuple key"},
        {"deep": [[[[[[[[[[[[{"x": 1}]]]]]]]]]]]]},
        {"set": {3, 1, 2}, "bad": Unprintable(), "big": 10 ** 400},
        [], "", None, True, 0, -1, 2 ** 64 - 1, 1.5,
    ]
    cycle: list = []
    cycle.append(cycle)
    hostile.append(cycle)
    out = []
    events = [samples.sample_event(size, seed=1) for size in ("small", "medium")]
    events += list(samples.event_mix(40, seed=7, sizes=("small", "medium")))
    for fmt in ("msgpack", "json"):
        for i, event in enumerate(events):
            out.append(event_bridge.encode(event.name, event.content, format=fmt, id=event.id,
                                           timestamp=event.timestamp, seq=i + 1,
                                           instance="3f2b8c1e-9d4a-4f6b-8e2a-1c5d7e9f0a1b",
                                           source="corpus"))
        for i, content in enumerate(hostile):
            out.append(event_bridge.encode("kytos/fuzz.hostile", content, format=fmt, seq=i + 1))
    return out


def main() -> None:
    for data in HAND_WRITTEN_JSON + HAND_WRITTEN_MSGPACK + envelopes():
        write(CORPUS / "decode", data)
    rng = random.Random(20261125)
    for length in (8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096):
        for _ in range(3):
            write(CORPUS / "encode", bytes(rng.randrange(256) for _ in range(length)))
    for name in ("decode", "encode"):
        files = list((CORPUS / name).iterdir())
        print(f"fuzz/corpus/{name}: {len(files)} files, {sum(f.stat().st_size for f in files)} bytes")


if __name__ == "__main__":
    main()
