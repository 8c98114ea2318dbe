#!/usr/bin/env python3
"""Connection flood against a running site: idle TCP connections or SSE streams, held open.

  python3 bench/flood.py --port 5190 --mode idle --count 30000 --hold 20
  python3 bench/flood.py --port 5190 --mode sse --path /live-updates/12 --count 10000 --hold 20

Opens COUNT connections (spread over loopback source addresses 127.0.0.1..127.0.0.N so that more
connections than one address has ephemeral ports can be made, and over worker processes so that
no process needs more descriptors than its own limit), holds them HOLD seconds, then asks the
site for /healthz and prints one JSON line: how many connections were made, refused or reset,
how many streams started (200 + first bytes), were refused with a status (503/429), and whether
the site answered afterwards.
"""
import argparse
import asyncio
import json
import multiprocessing
import resource
import socket
import sys
import time
import urllib.request


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


async def one(args, source, stats, holders):
    reader = writer = None
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(args.host, args.port, local_addr=(source, 0)), timeout=args.connect_timeout)
        stats["connected"] += 1
        if args.mode == "sse":
            writer.write(
                f"GET {args.path} HTTP/1.1\r\nHost: {args.host}:{args.port}\r\nAccept: text/event-stream\r\n\r\n".encode())
            await writer.drain()
            line = await asyncio.wait_for(reader.readline(), timeout=args.connect_timeout)
            parts = line.split()
            status = parts[1].decode() if len(parts) > 1 else "none"
            stats["status_" + status] = stats.get("status_" + status, 0) + 1
        holders.append((reader, writer))
    except (ConnectionRefusedError,):
        stats["refused"] += 1
    except (ConnectionResetError, BrokenPipeError, asyncio.IncompleteReadError):
        stats["reset"] += 1
    except (asyncio.TimeoutError, TimeoutError):
        stats["timeout"] += 1
    except OSError as e:
        key = "oserror_" + (e.strerror or str(e.errno)).replace(" ", "_")
        stats[key] = stats.get(key, 0) + 1


async def worker_main(args, count, first_source, queue):
    stats = {"connected": 0, "refused": 0, "reset": 0, "timeout": 0}
    holders = []
    sem = asyncio.Semaphore(args.parallel)
    per_source = 20000

    async def guarded(i):
        async with sem:
            source = f"127.0.0.{first_source + i // per_source}"
            await one(args, source, stats, holders)

    await asyncio.gather(*(guarded(i) for i in range(count)))
    queue.put(("opened", None))
    # Hold, then count the ones the server closed meanwhile (read returns EOF).
    await asyncio.sleep(args.hold)
    alive = 0
    for reader, writer in holders:
        if not writer.is_closing() and not reader.at_eof():
            alive += 1
        writer.close()
    stats["alive_after_hold"] = alive
    return stats


def worker(args, count, first_source, queue):
    raise_nofile()
    queue.put(("done", asyncio.run(worker_main(args, count, first_source, queue))))


def healthz(args, deadline_s):
    """The status of GET /healthz, retried until deadline_s; the last error text if it never answered."""
    answered = None
    deadline = time.time() + deadline_s
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://{args.host}:{args.port}/healthz", timeout=5) as r:
                return r.status
        except Exception as e:  # noqa: BLE001 - any failure means "not yet"; the deadline bounds it
            answered = str(e)
            time.sleep(0.5)
    return answered


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--mode", choices=["idle", "sse"], default="idle")
    p.add_argument("--path", default="/")
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--hold", type=float, default=10)
    p.add_argument("--parallel", type=int, default=500)
    p.add_argument("--connect-timeout", type=float, default=10)
    p.add_argument("--per-process", type=int, default=15000)
    args = p.parse_args()

    started = time.time()
    queue = multiprocessing.Queue()
    procs = []
    left = args.count
    source = 1
    while left > 0:
        n = min(left, args.per_process)
        proc = multiprocessing.Process(target=worker, args=(args, n, source, queue))
        proc.start()
        procs.append(proc)
        left -= n
        source += 1
    totals = {}
    opened = done = 0
    during = None
    while done < len(procs):
        kind, value = queue.get()
        if kind == "opened":
            opened += 1
            if opened == len(procs):
                # Every connection is open and held: does the site still answer a page request?
                during = healthz(args, deadline_s=10)
        else:
            done += 1
            for k, v in value.items():
                totals[k] = totals.get(k, 0) + v
    for proc in procs:
        proc.join()

    # The site after the flood: the connections are closed now; does it answer?
    answered = healthz(args, deadline_s=30)
    totals.update(mode=args.mode, count=args.count, hold=args.hold, seconds=round(time.time() - started, 1),
                  healthz_during=during, healthz_after=answered)
    print(json.dumps(totals, sort_keys=True))


if __name__ == "__main__":
    sys.exit(main())
