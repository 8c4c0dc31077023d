"""The process-wide engine behind single lookups (``api.duty``, the HTTP API).

One object per process holds the loaded policy and the answers already given, keyed by the
policy's ``version``, ``as_known_on`` and every input of the lookup: a repeated lookup is a dict
access and a copy, not an engine run. A new lookup takes the scalar path (``engine.scalar``: the
same answer computed for one entry in plain Python from per-process caches), or, for the cases it
leaves, the engine on one row. :meth:`LookupEngine.warm` reads the editions ahead of the first
lookups.

The rule files are re-checked (their names, sizes and times) at most once per
:data:`RECHECK_SECONDS`; a new policy version misses every cached answer.
"""

from __future__ import annotations

import copy
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from tariffline.policy.loader import Policy, load_policy

RECHECK_SECONDS = 1.0
MAX_ANSWERS = 50_000


class LookupEngine:
    """Loaded policy plus an LRU of answers; safe to share between threads."""

    def __init__(self, max_answers: int = MAX_ANSWERS) -> None:
        self._lock = threading.Lock()
        self._answers: OrderedDict[Hashable, object] = OrderedDict()
        self._max = max_answers
        self._policy: Policy | None = None
        self._checked = 0.0

    def policy(self) -> Policy:
        """The policy as finally amended, re-read when a rule file changed (checked at most
        once per RECHECK_SECONDS)."""
        now = time.monotonic()
        if self._policy is None or now - self._checked > RECHECK_SECONDS:
            self._policy, self._checked = load_policy(), now
        return self._policy

    def answer(self, key: Hashable, compute: Callable[[Policy], object],
               copier: Callable[[object], object] = copy.deepcopy) -> object:
        """``compute(policy)`` for ``key`` (with the policy version), from the cache when known.
        The caller gets its own copy (made by ``copier``); errors are not cached."""
        policy = self.policy()
        full = (policy.version, key)
        with self._lock:
            hit = self._answers.get(full)
            if hit is not None:
                self._answers.move_to_end(full)
                return copier(hit)
        value = compute(policy)
        with self._lock:
            self._answers[full] = value
            while len(self._answers) > self._max:
                self._answers.popitem(last=False)
        return copier(value)

    def warm(self) -> float:
        """Read the editions and the policy ahead of the first lookups; returns the seconds taken."""
        from tariffline.engine import scalar

        t0 = time.perf_counter()
        scalar.warm(self.policy())
        return time.perf_counter() - t0

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self._policy = None


ENGINE = LookupEngine()
