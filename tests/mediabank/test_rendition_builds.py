"""Renditions are built once: right after an upload by a task, or by the first of many
parallel requests while the others wait for it; one build decodes no more than it needs."""

import io
import json
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from PIL import Image as PILImage

from newsroom.mediabank import renditions
from newsroom.mediabank.models import Image
from tests.conftest import _jpeg_bytes, attach_images

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def new_image(width=3000, height=2000):
    image = Image(title="Besöket", alt_text="Två personer")
    image.file.save("bild.jpg", ContentFile(_jpeg_bytes(width, height)))
    return image


def counting_builds():
    return mock.patch.object(renditions, "build_rendition", wraps=renditions.build_rendition)


def in_parallel(count, work):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        barrier.wait()
        try:
            results.append(work())
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def test_parallel_first_requests_for_one_rendition_build_it_once(db):
    image = new_image()
    with counting_builds() as build:
        paths = in_parallel(6, lambda: renditions.rendition_path(image, "large"))
    assert build.call_count == 1
    assert len(set(paths)) == 1 and len(paths) == 6
    # Readable by the proxy's user, as uploads are (the temporary file was 0600).
    assert paths[0].stat().st_mode & 0o777 == 0o644
    with PILImage.open(paths[0]) as picture:
        assert max(picture.size) == 2048


@pytest.mark.django_db(transaction=True)
def test_parallel_first_downloads_through_the_server_build_once(live_server, make_release, media):
    image = new_image()
    attach_images(make_release(), image)
    # The upload's task has already made them (see below): start from none.
    for path in (media / "renditions").rglob("*"):
        if path.is_file():
            path.unlink()
    url = f"{live_server.url}/sv/images/{image.pk}/download/medium/"

    def download():
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read()

    with counting_builds() as build:
        answers = in_parallel(4, download)
    assert build.call_count == 1
    assert [status for status, _body in answers] == [200] * 4
    assert len({body for _status, body in answers}) == 1


def test_an_upload_has_its_renditions_made_right_after_the_commit(
    db, django_capture_on_commit_callbacks, media
):
    with counting_builds() as build, django_capture_on_commit_callbacks(execute=True):
        image = new_image(3000, 2000)
    made = sorted(
        path.name.split("-")[0] for path in (media / "renditions" / str(image.pk)).glob("*.jpg")
    )
    assert (
        made == sorted(renditions.offered_sizes(image)) == ["large", "medium", "original", "small"]
    )
    assert build.call_count == 4
    # A save that does not change the file makes nothing again.
    with counting_builds() as build, django_capture_on_commit_callbacks(execute=True) as callbacks:
        image.title = "Nytt namn"
        image.save()
    # (The page cache's refresh after the commit is the only callback: the title changed.)
    from newsroom.pagecache import bump

    assert [c for c in callbacks if c is not bump] == [] and build.call_count == 0


def test_a_small_image_is_offered_and_built_once_at_its_own_size(db):
    image = new_image(500, 300)
    assert renditions.offered_sizes(image) == ["original"]


def test_an_image_over_the_pixel_limit_is_not_decoded(client, agency, make_release, settings):
    image = new_image(1000, 800)
    attach_images(make_release(), image)
    settings.MEDIABANK_MAX_IMAGE_PIXELS = 500_000
    assert client.get(f"/sv/images/{image.pk}/download/original/").status_code == 404


CHILD = """
import json, sys, django
django.setup()
from django.core.files import File
from newsroom.mediabank import renditions

def high_water_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

class Stored:
    pk = 1
    def __init__(self, path):
        self.file = File(open(path, "rb"), name=path)
        self.file.open = lambda mode="rb": File(open(path, mode), name=path)

before = high_water_mb()
renditions.rendition_path(Stored(sys.argv[1]), "small")
print(json.dumps({"before": before, "after": high_water_mb()}))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")
def test_a_web_size_of_a_huge_jpeg_is_decoded_at_reduced_scale(tmp_path):
    # 40 megapixels: decoded in full that is 120 MB of pixels; at 1/8 scale under 2 MB.
    source = tmp_path / "huge.jpg"
    buffer = io.BytesIO()
    PILImage.linear_gradient("L").resize((7800, 5200)).convert("RGB").save(
        buffer, "JPEG", quality=80
    )
    source.write_bytes(buffer.getvalue())
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(source)],
        cwd=ROOT,
        env={
            "DJANGO_SETTINGS_MODULE": "newsroom.settings.base",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    memory = json.loads(result.stdout.strip().splitlines()[-1])
    assert memory["after"] - memory["before"] < 40, memory


def test_the_task_skips_a_size_it_cannot_make_and_finishes(db, settings, caplog):
    from newsroom.mediabank.tasks import build_image_renditions

    image = new_image(1000, 800)
    settings.MEDIABANK_MAX_IMAGE_PIXELS = 500_000
    assert build_image_renditions.call(image.pk) == 0
    assert "No original rendition of image" in caplog.text
    settings.MEDIABANK_MAX_IMAGE_PIXELS = 1_000_000
    assert build_image_renditions.call(image.pk) == len(renditions.offered_sizes(image)) == 2
    assert build_image_renditions.call(image.pk + 1000) == 0  # a deleted image: nothing to do
