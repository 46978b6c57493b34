"""PostgreSQL restarted under load: what readers get during the outage, and when it heals.

Starts a throwaway PostgreSQL cluster (as the `postgres` user, on 127.0.0.1), migrates it and
loads the demo newsroom, serves it with gunicorn (DEBUG off, kept connections as in
production) on 127.0.0.1, and sends GET requests from C threads for D seconds. After a few
seconds it stops PostgreSQL (`pg_ctl stop -m fast`: every connection is cut), keeps it down
for a while, and starts it again. It prints the responses by status over time, the 5xx that
are not 503 (there should be none: no traceback), and the recovery time: from the moment
PostgreSQL accepts connections again to the first request after which every response is a 200.

    .venv/bin/python bench/pg_restart.py                       # 30 s, 16 threads, 5 s down
    .venv/bin/python bench/pg_restart.py --duration 20 --concurrency 8 --down 3

Bounded: everything it starts is stopped at the end (also on Ctrl-C), and requests time out.
"""

import argparse
import collections
import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PATHS = ["/sv/", "/sv/releases/", "/en/releases/", "/sv/visits/", "/sv/contacts/"]


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)


def as_postgres(*cmd):
    return run(["runuser", "-u", "postgres", "--", *cmd])


class Cluster:
    def __init__(self, port):
        self.port = port
        self.bindir = run(["pg_config", "--bindir"]).stdout.strip()
        self.root = Path(tempfile.mkdtemp(prefix="bench-pg-"))
        shutil.chown(self.root, "postgres", "postgres")
        self.data = self.root / "data"
        as_postgres(
            f"{self.bindir}/initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )

    def start(self):
        as_postgres(
            f"{self.bindir}/pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-w",
            "-t",
            "30",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
            "-c fsync=off -c synchronous_commit=off -c max_connections=200",
            "start",
        )

    def stop(self):
        as_postgres(f"{self.bindir}/pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self):
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)


def get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Accept-Language": "sv"})
        response = connection.getresponse()
        body = response.read()
        return response.status, response.getheader("Retry-After"), body
    except OSError as exc:
        return f"error: {type(exc).__name__}", None, b""
    finally:
        connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg-port", type=int, default=54337)
    parser.add_argument("--port", type=int, default=8107, help="gunicorn's port")
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--stop-after", type=float, default=8, help="seconds into the load")
    parser.add_argument("--down", type=float, default=5, help="seconds PostgreSQL stays down")
    args = parser.parse_args()

    cluster = Cluster(args.pg_port)
    workdir = Path(tempfile.mkdtemp(prefix="bench-restart-"))
    server = None
    try:
        cluster.start()
        run(["psql", "-h", "127.0.0.1", "-p", str(args.pg_port), "-U", "postgres",
             "-c", "CREATE DATABASE newsroom"])  # fmt: skip
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings.base",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{args.pg_port}/newsroom",
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "CONN_MAX_AGE": "60",
            "MEDIA_ROOT": str(workdir / "media"),
            "STATIC_ROOT": str(workdir / "static"),
            "LOG_LEVEL": "CRITICAL",
        }
        setup = [
            ["migrate", "-v0"],
            ["createcachetable"],
            ["collectstatic", "--noinput", "-v0"],
            ["load_demo", "--no-users", "-v0"],
        ]
        for command in setup:
            run([PYTHON, str(ROOT / "manage.py"), *command], env=env, cwd=ROOT)
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"127.0.0.1:{args.port}",
             "--workers", "2", "--threads", "4", "--timeout", "30", "--log-level", "critical"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            if isinstance(get(args.port, "/sv/")[0], int):
                break
            time.sleep(0.2)

        results = []  # (seconds since start, status, retry_after, traceback in body)
        lock = threading.Lock()
        start = time.monotonic()
        deadline = start + args.duration

        def load(n):
            i = n
            while time.monotonic() < deadline:
                status, retry, body = get(args.port, PATHS[i % len(PATHS)])
                i += 1
                with lock:
                    results.append((time.monotonic() - start, status, retry, b"Traceback" in body))

        threads = [threading.Thread(target=load, args=(n,)) for n in range(args.concurrency)]
        for thread in threads:
            thread.start()
        time.sleep(args.stop_after)
        stopped_at = time.monotonic() - start
        cluster.stop()
        time.sleep(args.down)
        cluster.start()
        back_at = time.monotonic() - start
        for thread in threads:
            thread.join()
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)  # gunicorn's master stops its workers
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        cluster.remove()
        shutil.rmtree(workdir, ignore_errors=True)

    statuses = collections.Counter(status for _, status, _, _ in results)
    after = [r for r in results if r[0] >= back_at]
    last_bad = max((t for t, status, _, _ in after if status != 200), default=back_at)
    wrong_5xx = [r for r in results if isinstance(r[1], int) and r[1] >= 500 and r[1] != 503]
    print(f"{len(results)} requests in {args.duration:.0f} s from {args.concurrency} threads")
    print(f"PostgreSQL stopped at {stopped_at:.1f} s, accepting again at {back_at:.1f} s")
    print("responses:", dict(sorted(statuses.items(), key=str)))
    print("503 without Retry-After:", sum(1 for r in results if r[1] == 503 and not r[2]))
    tracebacks = sum(r[3] for r in results)
    print("5xx other than 503:", len(wrong_5xx), "| tracebacks in a body:", tracebacks)
    recovery = last_bad - back_at
    print(f"recovery: every response a 200 from {recovery:.2f} s after PostgreSQL was back")
    print("non-200 after recovery:", sum(1 for t, s, _, _ in after if t > last_bad and s != 200))
    return 1 if wrong_5xx or any(r[3] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
