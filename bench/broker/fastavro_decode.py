"""Decodes Avro container files with fastavro, as a Python alert consumer would, and prints the
time of each pass as JSON: the other side of bench/broker's decoding comparison.

    python fastavro_decode.py LIST_FILE [--warmup-files N]

LIST_FILE names one Avro file a line. Each record is decoded whole (fastavro.reader, its compiled
reader: 64-bit integers as exact Python ints, bytes as bytes) and counted, file after file, in
one pass; --warmup-files first reads that many of the files, untimed.
"""

import argparse
import json
import sys
import time

import fastavro
import fastavro._read  # the compiled reader: fail here rather than time the pure-Python one


def decode(files):
    count = 0
    for path in files:
        with open(path, "rb") as f:
            for _record in fastavro.reader(f):
                count += 1
    return count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("list")
    parser.add_argument("--warmup-files", type=int, default=2)
    args = parser.parse_args()
    with open(args.list) as f:
        files = [line.strip() for line in f if line.strip()]
    decode(files[: args.warmup_files])
    began = time.perf_counter()
    count = decode(files)
    seconds = time.perf_counter() - began
    json.dump(
        {
            "records": count,
            "seconds": seconds,
            "fastavro": fastavro.__version__,
            "python": sys.version.split()[0],
            "compiled": fastavro.read.reader.__module__,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
