"""Read a YAML rule file keeping line numbers, so a validation error names file and line.

Dates stay strings at this stage (pydantic parses them), so a typo such as ``2025-13-01`` is
reported by the schema with its line rather than by the YAML parser with a traceback.
A key repeated in one mapping is refused (YAML would silently keep the last one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tariffline.errors import PolicyError


# libyaml's C parser where the wheel has it (about ten times faster), else the Python one
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _refuse_duplicate_keys(node: yaml.MappingNode) -> None:
    seen: dict[str, int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        if key.value in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key.value!r} (first on line {seen[key.value]})",
                key.start_mark)
        seen[key.value] = key.start_mark.line + 1


class _UniqueKeys:
    """Mixin for a PyYAML loader: a mapping with a repeated key is a ConstructorError."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            _refuse_duplicate_keys(node)
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


class SafeLoader(_UniqueKeys, _Base):  # type: ignore[misc, valid-type]
    """yaml's safe loader (dates as dates) that refuses duplicate keys."""


class _Loader(_UniqueKeys, _Base):  # type: ignore[misc, valid-type]
    pass


# Keep ISO dates as strings: remove the implicit timestamp resolver.
_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> tuple[Any, yaml.Node]:
    """Return (data, node tree) for ``path``; malformed YAML raises PolicyError with the line."""
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=_Loader)
        data = _Loader(text).construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise _malformed(exc, str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path}: cannot read rule file: {exc}") from None
    return data, node


def _malformed(exc: yaml.YAMLError, where: str) -> PolicyError:
    """PolicyError for a YAML error, with the line where PyYAML marks one."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        return PolicyError(f"{where}{line}: malformed YAML: {exc.problem or exc}")
    return PolicyError(f"{where}: malformed YAML: {exc}")  # e.g. a character YAML does not allow


def load_text(text: str, where: str) -> Any:
    """Parse YAML ``text`` (dates as dates, duplicate keys refused); PolicyError names ``where``
    and the line."""
    try:
        return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise _malformed(exc, where) from None


def value_node(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value node of ``key`` in a mapping node (None if absent or not a mapping)."""
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if getattr(k, "value", None) == key), None)
    return None


def top_list(path: Path, data: Any, node: yaml.Node | None, key: str) -> list[tuple[Any, yaml.Node | None]]:
    """The items of the top-level list ``key:`` with their nodes; PolicyError (file, line) if
    the document is not a mapping or ``key`` is not a list."""
    if not isinstance(data, dict):
        raise PolicyError(f"{path}:{line_of(node, ())}: expected a mapping with a list '{key}:' "
                          f"at the top, found {_kind(data)}")
    sub = value_node(node, key)
    raw = data.get(key)
    if not isinstance(raw, list):
        raise PolicyError(f"{path}:{line_of(node, (key,))}: '{key}:' must be a list, found {_kind(raw)}")
    nodes = sub.value if isinstance(sub, yaml.SequenceNode) else [None] * len(raw)
    return list(zip(raw, nodes))


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def line_of(node: yaml.Node | None, loc: tuple) -> int:
    """1-based line of the value at pydantic location ``loc`` inside ``node`` (best effort;
    1 for an empty document)."""
    line = node.start_mark.line + 1 if node is not None else 1
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            nxt = node.value[key]
        else:
            nxt = None
        if nxt is None:
            break
        node = nxt
        line = node.start_mark.line + 1
    return line
