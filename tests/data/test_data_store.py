"""The data store: mirror, cache, verified atomic downloads (from a local HTTP server), status."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import threading

import pytest

from tariffline.cli.app import main
from tariffline.data import catalog, store
from tariffline.errors import DataError

PAYLOAD = b"Code,Name\n5880,Japan\n"


@pytest.fixture()
def server():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server API)
            if self.path.startswith("/missing"):
                self.send_response(404)
                self.end_headers()
                return
            body = gzip.compress(PAYLOAD) if self.path.endswith(".gz") else PAYLOAD
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.delenv("TARIFFLINE_MIRROR", raising=False)
    monkeypatch.delenv("TARIFFLINE_OFFLINE", raising=False)
    monkeypatch.setenv("TARIFFLINE_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture()
def dataset(monkeypatch):
    """Register a throw-away dataset for one test."""
    def make(name, url, sha=None):
        ds = catalog.Dataset(name=name, title="test", publisher="test", url=url,
                             mirror_path=f"test/{name}.csv", sha256=sha)
        monkeypatch.setitem(catalog._REGISTRY, name, ds)
        return ds
    return make


def test_download_verifies_and_caches(server, cache, dataset):
    dataset("t_ok", f"{server}/file.csv.gz", hashlib.sha256(PAYLOAD).hexdigest())
    path = store.fetch("t_ok", progress=False)
    assert path.parent == cache and path.is_file()
    assert store.read_bytes("t_ok") == PAYLOAD  # gzip undone, checksum checked
    assert (cache / "t_ok.csv.meta.json").is_file()


def test_checksum_mismatch_leaves_nothing(server, cache, dataset):
    dataset("t_bad", f"{server}/file.csv", "0" * 64)
    with pytest.raises(DataError, match="fails verification"):
        store.fetch("t_bad", progress=False)
    assert not any(cache.glob("t_bad*"))


def test_http_error_is_clear(server, cache, dataset):
    dataset("t_404", f"{server}/missing.csv")
    with pytest.raises(DataError, match="HTTP 404"):
        store.fetch("t_404", progress=False)
    assert not any(cache.glob("t_404*"))


def test_offline_refuses_to_download(cache, monkeypatch, dataset):
    monkeypatch.setenv("TARIFFLINE_OFFLINE", "1")
    dataset("t_off", "http://127.0.0.1:9/never.csv")
    with pytest.raises(DataError, match="TARIFFLINE_OFFLINE"):
        store.read_bytes("t_off")


def test_mirror_missing_file_is_clear(tmp_path, monkeypatch, dataset):
    monkeypatch.setenv("TARIFFLINE_MIRROR", str(tmp_path))
    dataset("t_mirror", "http://127.0.0.1:9/x.csv")
    with pytest.raises(DataError, match="not in the mirror"):
        store.read_bytes("t_mirror")


def test_mirror_not_a_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("TARIFFLINE_MIRROR", str(tmp_path / "nope"))
    with pytest.raises(DataError, match="not a directory"):
        store.mirror_dir()


def test_corrupt_mirror_file_fails_verification(tmp_path, monkeypatch, dataset):
    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "t_corrupt.csv").write_bytes(b"tampered")
    monkeypatch.setenv("TARIFFLINE_MIRROR", str(tmp_path))
    dataset("t_corrupt", "http://127.0.0.1:9/x.csv", hashlib.sha256(PAYLOAD).hexdigest())
    store._VERIFIED.discard("t_corrupt")
    with pytest.raises(DataError, match="fails verification"):
        store.read_bytes("t_corrupt")


def test_real_mirror_editions_verify():
    # the shared mirror's HTS files match the SHA-256 published in their PROVENANCE
    for name in ("hts_2025_basic", "hts_2026_rev4"):
        assert store.read_bytes(name).startswith(b"\xef\xbb\xbf")


def test_status_and_unknown_dataset(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["data", "status", "--json"])
    assert exc.value.code == 0
    assert '"hts_2026_rev4"' in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["data", "fetch", "no_such_dataset"])
    assert exc.value.code == 1
    assert "unknown dataset" in capsys.readouterr().err
