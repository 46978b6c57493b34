"""Fault checks (not tests): does mail survive a killed worker and an SMTP outage?

    .venv/bin/python bench/faults.py kill      # worker SIGKILLed mid fan-out, then restarted
    .venv/bin/python bench/faults.py outage    # the SMTP server down for 30 s mid fan-out
    .venv/bin/python bench/faults.py all

Each check is bounded in time and stays on 127.0.0.1. It creates a fresh SQLite database
with N confirmed subscribers (`-n`, 2,000 by default), runs an SMTP server in this process
that counts what each address receives, starts a real `manage.py db_worker`, publishes a
release, and breaks something mid fan-out. `manage.py recover_deliveries` runs every minute
meanwhile, as the cron job would. It prints what arrived: missing, received twice, and how
long after the restart (or the server's return) the last message came.
"""

import argparse
import collections
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fanout import PYTHON, ROOT, base_env, free_port  # noqa: E402


class CountingInbox:
    """Accepts every message and counts what each address received."""

    def __init__(self):
        self.received = collections.Counter()
        self.lock = threading.Lock()
        self.last = None

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            for address in envelope.rcpt_tos:
                self.received[address] += 1
            self.last = time.monotonic()
        return "250 Message accepted for delivery"

    def figures(self):
        with self.lock:
            return sum(self.received.values()), len(self.received), self.last


class Server:
    """An aiosmtpd server on a fixed port that can be stopped and started again."""

    def __init__(self, inbox, port):
        self.inbox, self.port, self.controller = inbox, port, None

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


def step_tasks():
    import django

    django.setup()
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    counts = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("pk")).order_by())
    print(json.dumps(counts))


def run(command, env, **kwargs):
    return subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, text=True)


def start_worker(env):
    command = [
        PYTHON, "manage.py", "db_worker", "--no-startup-delay", "--no-reload",
        "--interval", "0.5", "--verbosity", "0",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)


def stop_worker(worker):
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def wait_until(condition, *, limit, cron, env, tick=0.2):
    """Poll `condition` until true or `limit` seconds; run the recovery every `cron` seconds."""
    start = next_cron = time.monotonic()
    while time.monotonic() - start < limit:
        if condition():
            return True
        if cron and time.monotonic() >= next_cron + cron:
            next_cron = time.monotonic()
            run([PYTHON, "manage.py", "recover_deliveries"], env)
        time.sleep(tick)
    return condition()


def check(name, args, breaker):
    workdir = Path(tempfile.mkdtemp(prefix=f"newsroom-fault-{name}-"))
    port = free_port()
    env = base_env(f"sqlite:///{workdir / 'faults.sqlite3'}", port, args)
    me = [PYTHON, str(ROOT / "bench" / "fanout.py"), "-n", str(args.subscribers)]
    run([*me, "--step", "prepare"], env)
    inbox = CountingInbox()
    server = Server(inbox, port)
    server.start()
    worker = start_worker(env)
    workers = [worker]
    try:
        run([*me, "--step", "publish"], env)
        started = time.monotonic()
        report = breaker(args, env, inbox, server, workers)
        done = wait_until(
            lambda: inbox.figures()[1] >= args.subscribers, limit=args.limit, cron=60, env=env
        )
        time.sleep(2)  # anything still in flight lands (a duplicate would show)
    finally:
        for w in workers:
            stop_worker(w)
        server.stop()
    total, unique, last = inbox.figures()
    statuses = json.loads(run([*me, "--step", "check"], env).stdout)
    tasks = json.loads(run([PYTHON, __file__, "--step", "tasks"], env).stdout)
    after = report.pop("since")
    result = {
        "check": name,
        "subscribers": args.subscribers,
        "received": total,
        "missing": args.subscribers - unique,
        "received_twice": total - unique,
        "all_delivered": done,
        "seconds_from_publication_to_last": round(last - started, 1) if last else None,
        f"seconds_from_{report.pop('event')}_to_last": round(last - after, 1) if last else None,
        "deliveries": statuses["statuses"],
        "tasks": tasks,
        **report,
    }
    print(json.dumps(result, indent=2))
    return result


def kill_mid_fanout(args, env, inbox, server, workers):
    """SIGKILL the worker once a third has arrived, then start a new one."""
    wait_until(lambda: inbox.figures()[1] >= args.subscribers // 3, limit=120, cron=0, env=env)
    received_at_kill = inbox.figures()[1]
    os.kill(workers[0].pid, signal.SIGKILL)
    workers[0].wait()
    time.sleep(1)
    workers.append(start_worker(env))
    return {"event": "restart", "since": time.monotonic(), "received_at_kill": received_at_kill}


def smtp_outage(args, env, inbox, server, workers):
    """Stop the SMTP server once a quarter has arrived; start it again 30 s later."""
    wait_until(lambda: inbox.figures()[1] >= args.subscribers // 4, limit=120, cron=0, env=env)
    received_at_stop = inbox.figures()[1]
    server.stop()
    time.sleep(args.outage)
    server.start()
    return {
        "event": "return",
        "since": time.monotonic(),
        "received_at_stop": received_at_stop,
        "outage_seconds": args.outage,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("check", nargs="?", choices=["kill", "outage", "all"], default="all")
    parser.add_argument("--subscribers", "-n", type=int, default=2000)
    parser.add_argument("--outage", type=int, default=30, help="seconds the SMTP server is down")
    parser.add_argument("--limit", type=int, default=360, help="seconds to wait for delivery")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "tasks":
        sys.path.insert(0, str(ROOT))
        step_tasks()
        return
    results = []
    if args.check in ("kill", "all"):
        results.append(check("kill", args, kill_mid_fanout))
    if args.check in ("outage", "all"):
        results.append(check("outage", args, smtp_outage))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"faults-{args.check}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
