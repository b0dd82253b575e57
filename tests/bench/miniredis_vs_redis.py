#!/usr/bin/env python3
"""Benchmark: redis-benchmark against MiniRedis (tools/miniredis) and a real
redis-server, in the same run, every process pinned to CPU 0 (taskset -c 0),
rounds interleaved. Prints ops/s medians and MiniRedis/redis-server ratios.
Goal: ratio >= 0.8 on every row. Exit 1 when a goal is missed, 77 when
redis-server or redis-benchmark is absent.

usage: miniredis_vs_redis.py MINIREDIS_EXE [--rounds N] [--quick]
"""
import argparse
import csv
import io
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time

GOAL = 0.8
CONFIGS = [("-c 1 -P 1", 1, 1, 50000), ("-c 50 -P 16", 50, 16, 1000000)]
TESTS = ["PING_INLINE", "PING_MBULK", "SET", "GET"]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_redis():
    for _ in range(5):
        port = free_port()
        p = subprocess.Popen(["taskset", "-c", "0", "redis-server", "--port", str(port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--logfile", ""],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in p.stdout:
            if "Ready to accept connections" in line:
                return p, port
            if "Address already in use" in line:
                break
        p.kill()
        p.wait()
    sys.exit("could not start redis-server")


def start_mini(exe):
    p = subprocess.Popen(["taskset", "-c", "0", exe], stdout=subprocess.PIPE, text=True)
    return p, json.loads(p.stdout.readline())["port"]


def bench(port, clients, pipeline, n):
    out = subprocess.run(["taskset", "-c", "0", "redis-benchmark", "-h", "127.0.0.1", "-p", str(port),
                          "-t", "ping,set,get", "-c", str(clients), "-P", str(pipeline), "-n", str(n),
                          "--csv", "-q"], capture_output=True, text=True, check=True).stdout
    rows = {}
    for row in csv.reader(io.StringIO(out)):
        if row and row[0] in TESTS:
            rows[row[0]] = float(row[1])
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("miniredis")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="fewer requests (a smoke run)")
    args = ap.parse_args()
    for tool in ("redis-server", "redis-benchmark", "taskset"):
        if not shutil.which(tool):
            print(tool + " not found: skipped")
            sys.exit(77)
    redis, rport = start_redis()
    mini, mport = start_mini(args.miniredis)
    results = {}  # (config, test, side) -> [ops]
    try:
        for r in range(args.rounds):
            for name, c, pl, n in CONFIGS:
                if args.quick:
                    n //= 20
                # Alternate which side goes first, so drift hits both.
                sides = [("mini", mport), ("redis", rport)]
                if r % 2:
                    sides.reverse()
                for side, port in sides:
                    for test, ops in bench(port, c, pl, n).items():
                        results.setdefault((name, test, side), []).append(ops)
    finally:
        for p in (redis, mini):
            p.terminate()
            p.wait()

    missed = []
    print("redis-benchmark, both sides pinned to CPU 0, median of %d rounds (ops/s)" % args.rounds)
    print("| config | test | MiniRedis | redis-server | ratio |")
    print("|---|---|---|---|---|")
    for name, _, _, _ in CONFIGS:
        for test in TESTS:
            m = statistics.median(results[(name, test, "mini")])
            rr = statistics.median(results[(name, test, "redis")])
            ratio = m / rr
            flag = "" if ratio >= GOAL else " (goal %.1fx missed)" % GOAL
            if ratio < GOAL:
                missed.append((name, test))
            print("| %s | %s | %.0f | %.0f | %.2fx%s |" % (name, test, m, rr, ratio, flag))
    if missed:
        print("GOAL MISSED:", missed)
        sys.exit(1)
    print("goal met: MiniRedis >= %.1fx redis-server on every row" % GOAL)


if __name__ == "__main__":
    main()
