"""Parallel first requests for the renditions of one large JPEG: wall time, builds, peak RSS.

    .venv/bin/python bench/renditions.py                       # 59 Mpx, 3 threads, this tree
    .venv/bin/python bench/renditions.py --source /work/main   # the same against another tree

Each (size, threads) case runs in a fresh process (its peak RSS, VmHWM, before the first
request and at the end): N threads ask at once for the same
rendition of an image that has none yet, as N first requests would.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, sys, threading, time
sys.path.insert(0, os.environ["BENCH_SOURCE"])
import django
django.setup()
from django.core.files import File
from newsroom.mediabank import renditions

size, threads, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def high_water_mb():
    # VmHWM belongs to this process's memory (getrusage's maxrss survives exec from the parent).
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)

builds = []
original_build = getattr(renditions, "build_rendition", None)
if original_build is not None:
    def counting(*args, **kwargs):
        builds.append(1)
        return original_build(*args, **kwargs)
    renditions.build_rendition = counting

class Stored:
    pk = 1
    def __init__(self, path):
        self.file = File(open(path, "rb"), name=os.path.basename(path))
        self.file.open = lambda mode="rb": File(open(path, mode), name=os.path.basename(path))

barrier = threading.Barrier(threads)
results = []
def ask():
    barrier.wait()
    results.append(renditions.rendition_path(Stored(path), size))
before = high_water_mb()
start = time.perf_counter()
workers = [threading.Thread(target=ask) for _ in range(threads)]
for worker in workers: worker.start()
for worker in workers: worker.join()
seconds = time.perf_counter() - start
peak = high_water_mb()
print(json.dumps({"size": size, "threads": threads, "seconds": round(seconds, 2),
                  "builds": len(builds) if original_build else None,
                  "files": len(set(results)), "rss_before_mb": before,
                  "peak_rss_mb": peak}))
"""


def make_jpeg(path, megapixels):
    from PIL import Image

    width = int((megapixels * 1_000_000 * 3 / 2) ** 0.5)
    height = int(megapixels * 1_000_000 / width)
    picture = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    picture.save(path, "JPEG", quality=90)
    return width, height


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megapixels", type=float, default=59)
    parser.add_argument("--threads", type=int, default=3)
    parser.add_argument("--sizes", default="small,large,original")
    parser.add_argument("--source", default=str(ROOT), help="the tree whose code is measured")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-renditions-") as media:
        source = Path(media) / "source.jpg"
        width, height = make_jpeg(source, args.megapixels)
        print(
            f"source: {width}×{height} JPEG, {source.stat().st_size / 1e6:.1f} MB; "
            f"code from {args.source}"
        )
        for size in args.sizes.split(","):
            env = {
                **os.environ,
                "BENCH_SOURCE": args.source,
                "DJANGO_SETTINGS_MODULE": "newsroom.settings.base",
                "MEDIA_ROOT": media,
                "MEDIABANK_MAX_IMAGE_PIXELS": str(int(args.megapixels * 1_000_000) + 1_000_000),
            }
            # A fresh renditions folder for each case: every request is a first request.
            for stale in Path(media).glob("renditions"):
                subprocess.run(["rm", "-rf", str(stale)], check=True)
            started = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", CHILD, size, str(args.threads), str(source)],
                env=env,
                cwd=args.source,
                capture_output=True,
                text=True,
                timeout=600,
            )
            if out.returncode:
                print(out.stderr[-2000:])
                continue
            result = json.loads(out.stdout.strip().splitlines()[-1])
            result["process_seconds"] = round(time.perf_counter() - started, 2)
            print(json.dumps(result))


if __name__ == "__main__":
    main()
