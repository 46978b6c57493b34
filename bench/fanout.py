"""Benchmark (not a test): fan one release out to N subscribers through a local SMTP sink.

    .venv/bin/python bench/fanout.py --subscribers 100000 [--workers 1] [--database-url …]

What it does, each step in its own process so that peak memory is per step:

1. starts an aiosmtpd sink (accepts and drops every message) on 127.0.0.1;
2. creates a fresh database (SQLite in a temporary directory unless --database-url), migrates
   it and bulk-creates N confirmed subscribers who follow everything;
3. the ceiling: one raw `smtplib` connection sends the same rendered release email N times;
4. the real thing: a release is published (the `release_published` signal, as the editorial
   service sends it), and `manage.py db_worker --batch` (K workers) runs the announcement
   task and every batch task: Delivery rows in bulk, claim-then-send, one SMTP connection
   per batch;
5. checks that every subscriber got exactly one delivery marked sent, and prints messages per
   second and peak RSS (from wait4) next to the ceiling.

Results go to stdout and bench/results/ (ignored by git).
"""

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(database_url, smtp_port, args):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-benchmark-only-secret-key",
        "ALLOWED_HOSTS": "localhost",
        "SITE_URL": "https://pressrum.example.se",
        "DATABASE_URL": database_url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def run_measured(command, env):
    """Run a child process; return (seconds, peak RSS in MB, stdout)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    output = process.stdout.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command} failed:\n{output}")
    return elapsed, usage.ru_maxrss / 1024, output


def run_many_measured(commands, env):
    start = time.perf_counter()
    processes = [
        subprocess.Popen(c, env=env, cwd=ROOT, stdout=subprocess.DEVNULL) for c in commands
    ]
    peaks, cpu = [], 0.0
    for process in processes:
        _pid, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"a worker failed with status {status}")
        peaks.append(usage.ru_maxrss / 1024)
        cpu += usage.ru_utime + usage.ru_stime
    return time.perf_counter() - start, peaks, cpu


def cpu_seconds(pid):
    """CPU time a running process has used so far (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the steps run in child processes ----------------------------------------------------------


def django_setup():
    import django

    django.setup()


def step_prepare(n):
    django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from django.utils import timezone

    from newsroom.core.models import Agency
    from newsroom.releases.models import PressRelease
    from newsroom.subscriptions.models import Subscriber

    Agency.objects.get_or_create(name="Delegationen mot segregation")
    now = timezone.now()
    batch = 5000
    for start in range(0, n, batch):
        Subscriber.objects.bulk_create(
            [
                Subscriber(
                    email=f"prenumerant{i}@example.se",
                    status=Subscriber.Status.ACTIVE,
                    language="sv" if i % 4 else "en",
                    consent_version="bench",
                    consented_at=now,
                    confirmed_at=now,
                    digest_since=now,
                )
                for i in range(start, min(start + batch, n))
            ]
        )
    PressRelease.objects.create(
        title="Delegationen mot segregation besöker Borlänge",
        lead="Den 28 november besöker Delegationen mot segregation Borlänge kommun för att "
        "diskutera det särskilda stödet till 32 kommuner.",
        body="<p>Brödtext.</p>",
        status=PressRelease.Status.DRAFT,
    )
    print(json.dumps({"subscribers": Subscriber.objects.count()}))


def step_raw(n):
    """The ceiling: the same email, N times over one smtplib connection."""
    django_setup()
    import smtplib

    from django.conf import settings

    from newsroom.releases.models import PressRelease
    from newsroom.subscriptions import emails
    from newsroom.subscriptions.models import Subscriber

    release = PressRelease.objects.get()
    subscriber = Subscriber.objects.first()
    renderer = emails.ReleaseEmailRenderer(public_only=False)
    message = renderer.release_message(root=release, subscriber=subscriber, message_id="<x@y>")
    data = message.data
    sender = settings.DEFAULT_FROM_EMAIL
    start, cpu = time.perf_counter(), time.process_time()
    with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT) as connection:
        for i in range(n):
            connection.sendmail(sender, [f"prenumerant{i}@example.se"], data)
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - start,
                "cpu": time.process_time() - cpu,
                "bytes": len(data),
            }
        )
    )


def step_publish():
    django_setup()
    from django.db import transaction

    from newsroom.releases.models import PressRelease
    from newsroom.releases.signals import release_published

    with transaction.atomic():
        release = PressRelease.objects.get()
        release.status = PressRelease.Status.PUBLISHED
        release.save()
        release_published.send(sender=PressRelease, release=release, first_publication=True)


def step_check():
    django_setup()
    from django.db.models import Count

    from newsroom.subscriptions.models import Delivery

    counts = dict(Delivery.objects.values_list("status").annotate(n=Count("pk")).order_by())
    per_subscriber = (
        Delivery.objects.values("subscriber").annotate(n=Count("pk")).filter(n__gt=1).count()
    )
    print(json.dumps({"statuses": counts, "subscribers_with_more_than_one": per_subscriber}))


# -- orchestration -------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", "-n", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--profile", help="write a cProfile of the (first) worker to this file")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.step:
        sys.path.insert(0, str(ROOT))
        {
            "prepare": lambda: step_prepare(args.subscribers),
            "raw": lambda: step_raw(args.subscribers),
            "publish": step_publish,
            "check": step_check,
        }[args.step]()
        return

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    port = free_port()
    sink = subprocess.Popen(
        [PYTHON, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        env = base_env(database_url, port, args)
        me = [PYTHON, __file__, "-n", str(args.subscribers)]

        prepare_s, _rss, _out = run_measured([*me, "--step", "prepare"], env)
        print(f"prepared {args.subscribers} subscribers in {prepare_s:.1f} s")

        sink_cpu = cpu_seconds(sink.pid)
        _wall, raw_rss, out = run_measured([*me, "--step", "raw"], env)
        raw = json.loads(out)
        raw_sink_cpu = cpu_seconds(sink.pid) - sink_cpu
        raw_rate = args.subscribers / raw["seconds"]
        print(f"raw smtplib, one connection: {raw_rate:,.0f} msg/s, peak RSS {raw_rss:.0f} MB")

        start = time.perf_counter()
        sink_cpu = cpu_seconds(sink.pid)
        run_measured([*me, "--step", "publish"], env)
        profile = ["-m", "cProfile", "-o", args.profile] if args.profile else []
        worker = [
            PYTHON,
            *profile,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            "--verbosity",
            "0",
        ]
        # The first worker takes the announcement task; the others join for the batches.
        _s, peaks, worker_cpu = run_many_measured([worker] * args.workers, env)
        fanout_s = time.perf_counter() - start
        fanout_sink_cpu = cpu_seconds(sink.pid) - sink_cpu
        rate = args.subscribers / fanout_s
        _s, _r, out = run_measured([*me, "--step", "check"], env)
        check = json.loads(out)
        # The ceiling again, after: on a shared machine the load moves, so the ratio is to the
        # mean of the ceiling measured just before and just after the fan-out.
        _wall, _rss, out = run_measured([*me, "--step", "raw"], env)
        raw_after = args.subscribers / json.loads(out)["seconds"]
        print(f"raw smtplib again, after: {raw_after:,.0f} msg/s")
        ceiling = (raw_rate + raw_after) / 2
        print(
            f"fan-out through django-tasks ({args.workers} worker(s)): {rate:,.0f} msg/s "
            f"({fanout_s:.1f} s from publication to the last message), "
            f"peak RSS per worker {', '.join(f'{p:.0f}' for p in peaks)} MB"
        )
        print(f"deliveries: {check}")
        print(f"ratio to the ceiling (mean of before and after): {rate / ceiling:.2f}")
        n = args.subscribers
        cpu = {
            "raw_client_ms_per_msg": round(1000 * raw["cpu"] / n, 3),
            "raw_sink_ms_per_msg": round(1000 * raw_sink_cpu / n, 3),
            "fanout_workers_ms_per_msg": round(1000 * worker_cpu / n, 3),
            "fanout_sink_ms_per_msg": round(1000 * fanout_sink_cpu / n, 3),
        }
        print(f"CPU per message (ms): {cpu}")
        result = {
            "subscribers": args.subscribers,
            "workers": args.workers,
            "database": database_url.split(":", 1)[0],
            "message_bytes": raw["bytes"],
            "raw_smtplib_msgs_per_s": round(raw_rate),
            "raw_smtplib_after_msgs_per_s": round(raw_after),
            "ratio_to_ceiling": round(rate / ceiling, 2),
            "raw_smtplib_peak_rss_mb": round(raw_rss),
            "fanout_msgs_per_s": round(rate),
            "fanout_seconds": round(fanout_s, 1),
            "fanout_worker_peak_rss_mb": [round(p) for p in peaks],
            "orchestrator_peak_rss_mb": round(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            ),
            "check": check,
            "cpu": cpu,
        }
        results = ROOT / "bench" / "results"
        results.mkdir(exist_ok=True)
        name = f"fanout-{args.subscribers}-{result['database']}-{args.workers}w.json"
        (results / name).write_text(json.dumps(result, indent=2))
        ok = (
            check["statuses"] == {"sent": args.subscribers}
            and not check["subscribers_with_more_than_one"]
        )
        print("OK: every subscriber got exactly one email" if ok else "MISMATCH")
    finally:
        sink.terminate()
        sink.wait()


if __name__ == "__main__":
    main()
