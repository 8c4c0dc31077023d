"""Read a YAML rule file keeping line numbers, so a validation error names file and line.

Dates stay strings at this stage (pydantic parses them), so a typo such as ``2025-13-01`` is
reported by the schema with its line rather than by the YAML parser with a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tariffline.errors import PolicyError


# libyaml's C parser where the wheel has it (about ten times faster), else the Python one
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
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
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise PolicyError(f"{path}{line}: malformed YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:  # e.g. a character YAML does not allow
        raise PolicyError(f"{path}: malformed YAML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path}: cannot read rule file: {exc}") from None
    return data, node


def line_of(node: yaml.Node | None, loc: tuple) -> int | None:
    """1-based line of the value at pydantic location ``loc`` inside ``node`` (best effort)."""
    line = node.start_mark.line + 1 if node is not None else None
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
