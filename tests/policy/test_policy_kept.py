"""The package's rules kept on disk (policy.loader._load_kept): a new process reads the policy
that validating the rule files gives, and never a stale or damaged copy.

Expected values: the policy read from the rule files (``_load``), field by field (dataclass
equality over every instrument, measure, program and group).
"""

from __future__ import annotations

import pickle
import shutil

import pytest

from tariffline.engine import policy_cache
from tariffline.engine.edition_pack import write_sealed
from tariffline.policy import loader
from tariffline.policy.loader import (
    RULES_DIR,
    Policy,
    _kept_file,
    _load,
    _load_kept,
    _stamp,
)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TARIFFLINE_CACHE", str(tmp_path))
    return tmp_path


ROOT = RULES_DIR.resolve()


def _fresh(root=ROOT) -> Policy:
    """Load as a new process would (no copy in memory)."""
    return _load_kept.__wrapped__(root, _stamp(root))


def test_the_kept_policy_is_the_one_the_rule_files_give(cache):
    path = _kept_file(RULES_DIR.resolve())
    assert path is not None and not path.exists()
    first = _fresh()  # validated from the files, then kept
    assert path.is_file() and path.parent.name == policy_cache.stamp()
    second = _fresh()  # read back
    expected = _load(RULES_DIR.resolve())
    assert second == expected and first == expected
    assert second.version == expected.version and second.files == expected.files


def test_the_kept_copy_is_read_not_the_rule_files(cache, monkeypatch):
    _fresh()
    monkeypatch.setattr(loader, "_load", lambda root: pytest.fail("the rule files were read again"))
    assert _fresh().version == _load_kept(RULES_DIR.resolve(), _stamp(RULES_DIR)).version


@pytest.mark.parametrize("damage", ["corrupt", "truncated", "not a policy"])
def test_a_damaged_copy_is_passed_over_and_written_again(cache, damage):
    _fresh()
    path = _kept_file(RULES_DIR.resolve())
    data = path.read_bytes()
    if damage == "corrupt":
        path.write_bytes(data[:-10] + bytes(10))
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    else:
        write_sealed(path, loader._KEPT_MAGIC, pickle.dumps({"not": "a policy"}))
    assert _fresh() == _load(RULES_DIR.resolve())
    assert path.read_bytes() == data  # written again, whole


def test_other_rule_directories_are_not_kept(cache, tmp_path_factory):
    root = tmp_path_factory.mktemp("rules") / "us"
    shutil.copytree(RULES_DIR, root)
    assert _kept_file(root.resolve()) is None
    policy = _fresh(root.resolve())
    assert policy.version == _load(RULES_DIR.resolve()).version  # the same files, so the same version
    assert not list(cache.rglob("policy.pickle"))


def test_an_unwritable_cache_costs_only_time(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("TARIFFLINE_CACHE", str(blocked))
    assert _fresh() == _load(RULES_DIR.resolve())
