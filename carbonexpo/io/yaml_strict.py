"""event.yaml read defensively: a configuration file is small, flat and written by a person, so
anything else is refused with its line before it can cost time, memory or meaning.

- size at most 256 KiB and nesting at most 20 levels (a deep `[[[…]]]` would exhaust Python's
  recursion in the composer);
- no aliases (`*name`): they are how a "billion laughs" file expands nine anchors into 9⁹
  elements, and a person writing event.yaml does not need them;
- no duplicate keys: the last one would silently win and change a claim (spec §2);
- syntax errors name the line and the key path around it.

The depth and alias checks walk PyYAML's event stream, which is produced by an iterative state
machine, before anything recursive runs.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from carbonexpo.errors import Problem, said_problem
from carbonexpo.words import said

MAX_BYTES = 256 * 1024
# libyaml's parser when PyYAML was built with it (10x faster; same events, nodes and marks)
LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 20


def _line(mark: Any) -> int:
    return (mark.line + 1) if mark is not None else 1


def key_at_line(text: str, line: int) -> str:
    """The key path a line sits under, from indentation alone (for syntax errors, where the
    file cannot be parsed): '  basis: x' under 'claim:' is 'claim.basis'."""
    stack: list[tuple[int, str]] = []
    for raw in text.splitlines()[:line]:
        m = re.match(r"^(\s*)(?:- )?([^\s#:'\"][^:#]*?|'[^']*'|\"[^\"]*\"):(\s|$)", raw)
        if not m:
            continue
        indent = len(m.group(1))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, m.group(2).strip("'\"")))
    return ".".join(k for _, k in stack)


def _scan(text: str, name: str) -> list[Problem]:
    """Depth and aliases, from the event stream (no recursion, stops at the first problem)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=LOADER):
            if isinstance(event, yaml.AliasEvent):
                return [
                    said_problem(
                        name,
                        _line(event.start_mark),
                        key_at_line(text, _line(event.start_mark)),
                        said("detail.yaml_alias", anchor=event.anchor, file=name),
                        "yaml_alias",
                    )
                ]
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return [_too_deep(text, name, _line(event.start_mark))]
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        if "maximum nesting depth" in str(getattr(exc, "problem", "")):  # libyaml's own limit
            line = _line(getattr(exc, "problem_mark", None))
            return [_too_deep(text, name, line)]
        return [syntax_problem(text, name, exc)]
    return []


def _too_deep(text: str, name: str, line: int) -> Problem:
    return said_problem(
        name,
        line,
        key_at_line(text, line),
        said("detail.yaml_depth", depth=MAX_DEPTH),
        "yaml_depth",
    )


def syntax_problem(text: str, name: str, exc: yaml.YAMLError) -> Problem:
    """Located where the broken construct starts (an unclosed bracket or quote) when PyYAML
    knows it, else where it noticed the problem."""
    found = _line(getattr(exc, "problem_mark", None))
    context = getattr(exc, "context_mark", None)
    line = _line(context) if context is not None else found
    what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if context is not None and line != found:
        what += f" (noticed at line {found})"
    return said_problem(
        name, line, key_at_line(text, line), said("detail.yaml_syntax", what=what), "bad_yaml"
    )


def _unbuildable(text: str, name: str, node: yaml.Node | None, exc: Exception) -> Problem:
    """Locate the scalar whose value YAML could not build (e.g. the date 2024-13-40)."""
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        if isinstance(n, yaml.ScalarNode):
            try:
                yaml.SafeLoader("").construct_object(n, deep=True)
            except (ValueError, TypeError, OverflowError, yaml.YAMLError) as inner:
                line = _line(n.start_mark)
                return said_problem(
                    name,
                    line,
                    key_at_line(text, line),
                    said("detail.yaml_value", value=n.value, error=str(inner)),
                    "bad_yaml",
                )
        elif isinstance(n, yaml.MappingNode):
            stack += [v for pair in reversed(n.value) for v in reversed(pair)]
        elif isinstance(n, yaml.SequenceNode):
            stack += list(reversed(n.value))
    return said_problem(name, 1, "", said("detail.yaml_cannot_read", error=str(exc)), "bad_yaml")


def _walk(node: yaml.Node, prefix: str, name: str, lines: dict[str, int], out: list[Problem]):
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for k, v in node.value:
            key = str(k.value)
            path = f"{prefix}.{key}" if prefix else key
            here = _line(k.start_mark)
            if key in seen:
                out.append(
                    said_problem(
                        name,
                        here,
                        path,
                        said("detail.duplicate_key", key=key, first=seen[key], second=here),
                        "duplicate_key",
                    )
                )
            seen.setdefault(key, here)
            lines.setdefault(path, here)
            _walk(v, path, name, lines, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            lines.setdefault(f"{prefix}.{i}", _line(v.start_mark))
            _walk(v, f"{prefix}.{i}", name, lines, out)


def load_yaml(raw: bytes, name: str) -> tuple[Any, dict[str, int], list[Problem]]:
    """(data, key path -> line, problems) of a small configuration file."""
    if len(raw) > MAX_BYTES:
        return (
            None,
            {},
            [
                said_problem(
                    name,
                    1,
                    "",
                    said("detail.yaml_size", size=len(raw), kib=MAX_BYTES // 1024),
                    "yaml_size",
                )
            ],
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return (
            None,
            {},
            [said_problem(name, line, "", said("detail.not_utf8"), "encoding")],
        )
    if problems := _scan(text, name):
        return None, {}, problems
    try:
        node = yaml.compose(text, Loader=LOADER)
    except yaml.YAMLError as exc:
        return None, {}, [syntax_problem(text, name, exc)]
    try:
        data = None if node is None else yaml.SafeLoader("").construct_document(node)
    except yaml.YAMLError as exc:
        return None, {}, [syntax_problem(text, name, exc)]
    except (ValueError, TypeError, OverflowError) as exc:  # a value YAML cannot build
        return None, {}, [_unbuildable(text, name, node, exc)]
    lines: dict[str, int] = {}
    problems = []
    if node is not None:
        _walk(node, "", name, lines, problems)
    return data, lines, problems
