"""64 connections for 30 s: the public pages under load, and not one 5xx.

Prepares a database with production settings (`DEBUG=0`, the page cache on, the database
cache, SQLite in WAL mode by default) and `manage.py seed_bench`, starts gunicorn as the
README deploys it (sync workers, two per core) on 127.0.0.1, and sends a mix of public pages
with wrk: home, the release list (newest and oldest pages), releases, a tag page, the RSS
and Atom feeds, the sitemap index and a section, and searches with several words. It prints
the requests, the responses by status class, wrk's socket errors (connect, read, write,
timeout) and the latency percentiles, and exits 1 on any 5xx response or socket error.

    .venv/bin/python bench/load.py                          # 64 connections, 30 s
    .venv/bin/python bench/load.py --connections 64 --duration 30 --cold
    .venv/bin/python bench/load.py --database-url postgresql://postgres@127.0.0.1:54329/load

`--cold` turns the page cache off: every request renders. Bounded: wrk runs `--duration`
seconds with a 10 s request timeout, and everything started here is stopped at the end.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

# Printed by the server's own Python: the addresses of the mix, from the seeded data.
ADDRESSES = """
import json
from django.utils import timezone
from newsroom.releases.models import PressRelease, TaggedRelease
from django.db.models import Count
public = PressRelease.objects.public()
releases = [r.get_absolute_url() for r in public.order_by("-published_at")[:40:4]]
tag = TaggedRelease.objects.values("tag__slug").annotate(n=Count("id")).order_by("-n").first()
year = timezone.localtime(public.first().published_at).year
paths = ["/sv/", "/en/", "/sv/releases/", "/sv/releases/?oldest=1", "/en/releases/",
         "/sv/feeds/rss/", "/sv/feeds/atom/", "/sitemap.xml", f"/sitemap-releases-{year}.xml",
         "/sv/search/?q=kommun", "/sv/search/?q=region", "/sv/search/?q=skola",
         "/sv/images/", *releases]
if tag:
    paths.append(f"/sv/tags/{tag['tag__slug']}/")
print(json.dumps(paths))
"""

# wrk: each connection walks the mix from its own offset; every response is counted by
# status (wrk itself only tells 2xx/3xx from the rest), summed over threads in done().
LUA = r"""
local paths = {%(paths)s}
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 7)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  i = offset
end

function request()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Accept-Language"] = "sv"})
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(total) do
    table.insert(parts, string.format('"%%d": %%d', status, n))
  end
  io.write("STATUSES {" .. table.concat(parts, ", ") .. "}\n")
  io.write(string.format("P99 %%f\n", latency:percentile(99) / 1000))
  io.write(string.format("P50 %%f\n", latency:percentile(50) / 1000))
  io.write(string.format("MAX %%f\n", latency.max / 1000))
end
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1),
                        help="gunicorn sync workers (the README: two per core)")  # fmt: skip
    parser.add_argument("--releases", type=int, default=1000)
    parser.add_argument("--port", type=int, default=8141)
    parser.add_argument("--cold", action="store_true", help="the page cache off")
    parser.add_argument("--database-url", help="an empty database; SQLite by default")
    parser.add_argument("--cache-url", help="redis://… ; the database cache by default")
    parser.add_argument("--keep", help="a folder to keep the seeded SQLite database in and reuse")
    return parser.parse_args()


def manage(env, *args):
    return subprocess.run(
        [str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True,
    )  # fmt: skip


def start_gunicorn(env, args, log):
    process = subprocess.Popen(
        [str(GUNICORN), "newsroom.wsgi", "-b", f"127.0.0.1:{args.port}",
         "-w", str(args.workers), "--timeout", "30", "--log-level", "warning",
         "--error-logfile", str(log)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/sv/", timeout=5).read()
            return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.3)
    stop(process)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop(process):
    process.send_signal(signal.SIGTERM)  # the master stops its workers
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_wrk(args, paths, script):
    script.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in paths)})
    command = ["wrk", "-t", str(args.threads), "-c", str(args.connections),
               "-d", f"{args.duration}s", "--timeout", "10s", "-s", str(script),
               f"http://127.0.0.1:{args.port}/"]  # fmt: skip
    return subprocess.run(
        command, capture_output=True, text=True, timeout=args.duration + 60, check=True
    ).stdout


def parse(output):
    counted = json.loads(re.search(r"STATUSES (.*)", output).group(1))
    statuses = {int(k): v for k, v in counted.items()}
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    values = map(int, errors.groups()) if errors else (0, 0, 0, 0)
    socket_errors = dict(zip(("connect", "read", "write", "timeout"), values, strict=True))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    ms = {
        k: float(re.search(rf"{k.upper()} ([\d.]+)", output).group(1))
        for k in ("p50", "p99", "max")
    }
    return {
        "requests": requests,
        "rps": rps,
        "statuses": statuses,
        "socket_errors": socket_errors,
        **ms,
    }


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing (apt-get install wrk)")
    work = Path(tempfile.mkdtemp(prefix="newsroom-load-"))
    keep = Path(args.keep).resolve() if args.keep else work
    keep.mkdir(parents=True, exist_ok=True)
    seeded = keep / f"seeded-{args.releases}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SITE_URL": f"http://127.0.0.1:{args.port}",
        "DATABASE_URL": args.database_url or f"sqlite:///{keep / 'load.sqlite3'}",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "PAGE_CACHE": "0" if args.cold else "1",
        "LOG_LEVEL": "WARNING",
    }
    if args.cache_url:
        env["CACHE_URL"] = args.cache_url
    server = None
    log = work / "gunicorn.log"
    try:
        print(f"Preparing {env['DATABASE_URL']} with {args.releases} releases …", flush=True)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "createcachetable")
        manage(env, "collectstatic", "--noinput", "-v0")
        if args.database_url or not seeded.exists():
            manage(env, "seed_bench", "--releases", str(args.releases), "--subscribers", "100")
            seeded.touch()
        paths = json.loads(manage(env, "shell", "-v0", "-c", ADDRESSES).stdout.splitlines()[-1])
        server = start_gunicorn(env, args, log)
        print(f"{len(paths)} addresses, wrk -t{args.threads} -c{args.connections} "
              f"-d{args.duration}s against gunicorn -w{args.workers} "
              f"(page cache {'off' if args.cold else 'on'}) …", flush=True)  # fmt: skip
        result = parse(run_wrk(args, paths, work / "mix.lua"))
        errors_logged = log.read_text(errors="replace") if log.exists() else ""
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(work, ignore_errors=True)

    statuses = result["statuses"]
    by_class = {
        f"{c}xx": sum(n for s, n in statuses.items() if s // 100 == c) for c in (2, 3, 4, 5)
    }
    print(f"requests: {result['requests']} ({result['rps']:.1f}/s)")
    print("responses:", dict(sorted(statuses.items())), by_class)
    print("non-2xx/3xx:", by_class["4xx"] + by_class["5xx"], "| 5xx:", by_class["5xx"])
    print("socket errors:", result["socket_errors"])
    print(
        f"latency: p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms, "
        f"max {result['max']:.1f} ms"
    )
    worker_trouble = [
        line
        for line in errors_logged.splitlines()
        if "WORKER TIMEOUT" in line or "Traceback" in line
    ]
    print("gunicorn worker timeouts or tracebacks:", len(worker_trouble))
    failed = by_class["5xx"] or any(result["socket_errors"].values()) or worker_trouble
    print("FAIL" if failed else "OK: no 5xx, no socket error")
    return 1 if failed else 0


if __name__ == "__main__":
    if Path(sys.executable).resolve() != PYTHON.resolve() and PYTHON.exists():
        os.execv(str(PYTHON), [str(PYTHON), *sys.argv])
    sys.exit(main())
