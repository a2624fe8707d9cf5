"""S3_DATA_DIR: object bodies live as files in ferrostack's own subdirectory of it. At start the
bodies an earlier run left there are removed (nothing persists yet, so they are unreachable),
and nothing else in the directory is ever touched."""

import os

import pytest

import harness


@pytest.fixture(scope="module")
def data_dir_server(tmp_path_factory, monkeypatch_module):
    data = tmp_path_factory.mktemp("s3-data")
    # What the user keeps there, and what an earlier run left behind.
    (data / "notes.txt").write_text("mine")
    (data / "objects").mkdir()
    (data / "objects" / "1-1").write_text("mine too: outside ferrostack's subdirectory")
    (data / "ferrostack-s3" / "objects").mkdir(parents=True)
    (data / "ferrostack-s3" / "objects" / "4242-7").write_text("stale body")
    (data / "ferrostack-s3" / "readme").write_text("not a body file")
    monkeypatch_module.setenv("S3_DATA_DIR", str(data))
    server = harness.Server(tmp_path_factory.mktemp("s3-data-log") / "server.log")
    yield server, data
    server.stop()


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_bodies_live_in_the_own_subdirectory_and_others_files_stay(data_dir_server):
    server, data = data_dir_server
    s3 = harness.make_client(server.endpoint, "s3")
    s3.create_bucket(Bucket="on-disk")
    # A streamed upload goes to a file (buffered small bodies may too; either way under ours).
    s3.put_object(Bucket="on-disk", Key="k", Body=b"x" * 100_000)
    assert s3.get_object(Bucket="on-disk", Key="k")["Body"].read() == b"x" * 100_000

    assert (data / "notes.txt").read_text() == "mine"
    assert (data / "objects" / "1-1").exists()
    assert (data / "ferrostack-s3" / "readme").exists()
    own = sorted(os.listdir(data / "ferrostack-s3" / "objects"))
    assert "4242-7" not in own
    assert len(own) == 1, own

    s3.delete_object(Bucket="on-disk", Key="k")
    assert os.listdir(data / "ferrostack-s3" / "objects") == []
