"""Front matter: find the translatable values and where they sit, byte for byte.

YAML (``---``) is read with PyYAML's composer, which gives every scalar node
its exact start and end offsets and its quoting style; TOML (``+++``) is
checked with ``tomllib`` and its string values are located with a small
line scanner. Only the values of the configured keys become text units; the
rest of the front matter stays in the skeleton untouched.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import BitextError


@dataclass
class ValueRegion:
    """One translatable front matter string: ``raw`` is ``text[start:end]``."""

    key: str  # dotted path, with [i] for list items
    start: int
    end: int
    value: str
    style: str  # '', "'", '"', '|', '>' (YAML) or 'toml"', "toml'"
    line: int
    indent: int = 0


def split_front_matter(text: str, path: str) -> tuple[str, str, int]:
    """Return (format, front matter body, offset where the body of the article starts).

    format is ``yaml``, ``toml``, ``json`` or ``""`` when the article has none.
    JSON front matter (an object at the very start, as Hugo reads it) is kept
    whole in the skeleton: it is rare, and its values are left untranslated.
    """
    if re.match(r"\{\s*[\"}]", text):
        import json

        try:
            _, end = json.JSONDecoder().raw_decode(text)
        except json.JSONDecodeError as exc:
            raise BitextError(f"front matter is not valid JSON: {exc.msg}; fix the JSON", path=path, line=exc.lineno) from None
        nl = text.find("\n", end)
        body = len(text) if nl < 0 else nl + 1
        return "json", text[:end], body
    for fmt, fence in (("yaml", "---"), ("toml", "+++")):
        opening = re.match(re.escape(fence) + r"[ \t]*(?:\n|$)", text)
        if opening:
            first_nl = opening.end()
            m = re.compile(r"^" + re.escape(fence) + r"[ \t]*$\n?", re.M).search(text, first_nl)
            if not m:
                raise BitextError(f"front matter opened with '{fence}' on line 1 is never closed", path=path, line=1)
            return fmt, text[first_nl : m.start()], m.end()
    return "", "", 0


def _dotted_match(key: str, wanted: set[str]) -> bool:
    bare = re.sub(r"\[\d+\]", "", key)
    return bare in wanted


def yaml_regions(fm: str, offset: int, keys: set[str], path: str) -> list[ValueRegion]:
    """Translatable scalar values of a YAML front matter, with their offsets in the file."""
    import yaml

    try:
        root = yaml.compose(fm, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BitextError(f"front matter is not valid YAML: {problem}; fix the YAML", path=path, line=line) from None
    out: list[ValueRegion] = []
    if root is None:
        return out
    if not isinstance(root, yaml.MappingNode):
        raise BitextError("front matter must be a YAML mapping (key: value lines)", path=path, line=2)
    _walk_yaml(root, "", keys, offset, fm, out, set())
    return out


def _walk_yaml(node, prefix: str, keys: set[str], offset: int, fm: str, out: list[ValueRegion], seen: set[int] | None = None) -> None:
    import yaml

    if id(node) in seen:
        return  # an alias (*name) of a node already seen: translated where it is defined
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            name = f"{prefix}.{k.value}" if prefix else str(k.value)
            _walk_yaml(v, name, keys, offset, fm, out, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk_yaml(item, f"{prefix}[{i}]", keys, offset, fm, out, seen)
    elif isinstance(node, yaml.ScalarNode) and _dotted_match(prefix, keys):
        if node.tag != "tag:yaml.org,2002:str" or not str(node.value).strip():
            return
        style = node.style or ""
        start, end = node.start_mark.index, node.end_mark.index
        while start < end and fm[start] in "&!":  # an anchor (&name) or a tag (!!str) stays
            token = re.match(r"[&!]\S*\s+", fm[start:end])
            if not token:
                return
            start += token.end()
        indent = node.start_mark.column
        if style in ("|", ">"):
            # block scalar: the region is its content lines, from their first
            # character; the header (``>-``...) and the indentation stay
            header_end = fm.find("\n", start) + 1
            if header_end <= 0 or header_end >= end:
                return
            first = header_end
            while first < end and fm[first] == "\n":
                first += 1
            # the content's indentation: the first line's, less any extra indentation the
            # value itself keeps (``|2`` indicators, more-indented first lines)
            line = fm[first:end].split("\n", 1)[0]
            value_line = str(node.value).lstrip("\n").split("\n", 1)[0]
            indent = max(0, (len(line) - len(line.lstrip(" "))) - (len(value_line) - len(value_line.lstrip(" "))))
            start = first + indent
            while end > start and fm[end - 1] in " \n":
                end -= 1
        elif style in ("'", '"'):
            start, end = start + 1, end - 1  # the quotes stay in the skeleton
        out.append(ValueRegion(prefix, offset + start, offset + end, node.value, style, node.start_mark.line + 2, indent))


_TOML_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY = re.compile(r"^\s*([A-Za-z0-9_.\"'-]+)\s*=\s*")
_TOML_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')


def toml_regions(fm: str, offset: int, keys: set[str], path: str) -> list[ValueRegion]:
    """Translatable one-line string values (and arrays of them) of a TOML front matter."""
    import tomllib

    try:
        data = tomllib.loads(fm)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = int(m.group(1)) + 1 if m else 1
        raise BitextError(f"front matter is not valid TOML: {exc}; fix the TOML", path=path, line=line) from None
    out: list[ValueRegion] = []
    table = ""
    pos = 0
    lines = fm.split("\n")
    lineno = 0
    while lineno < len(lines):
        line = lines[lineno]
        span = 1
        m = _TOML_TABLE.match(line)
        if m:
            table = m.group(1).replace('"', "").replace("'", "")
        else:
            km = _TOML_KEY.match(line)
            if km:
                key = km.group(1).replace('"', "").replace("'", "")
                full = f"{table}.{key}" if table else key
                value = _lookup(data, full)
                # an array over several lines (tags = [\n "a",\n "b",\n]) is read as one chunk
                while isinstance(value, list) and _open_brackets(line[km.end() :]) > 0 and lineno + span < len(lines):
                    line += "\n" + lines[lineno + span]
                    span += 1
                if full in keys:
                    _toml_strings(line, km.end(), full, value, offset + pos, lineno + 2, out)
        pos += len(line) + 1
        lineno += span
    return out


def _open_brackets(rest: str) -> int:
    """``[`` minus ``]`` outside strings and comments."""
    depth = 0
    for piece in re.split(r'("(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*)', rest):
        if piece[:1] in ('"', "'", "#"):
            continue
        depth += piece.count("[") - piece.count("]")
    return depth


def _lookup(data: dict, dotted: str):
    cur = data
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def _toml_strings(line: str, at: int, key: str, value, base: int, lineno: int, out: list[ValueRegion]) -> None:
    rest = line[at:]
    if rest.startswith(('"""', "'''")):
        return  # multi-line strings are kept as they are
    values = value if isinstance(value, list) else [value]
    strings = [m for m in _TOML_STRING.finditer(rest) if "#" not in rest[: m.start()].split("\n")[-1]]
    if isinstance(value, str) and strings:
        strings = strings[:1]
    for i, (m, v) in enumerate(zip(strings, values)):
        if not isinstance(v, str) or not v.strip():
            continue
        name = f"{key}[{i}]" if isinstance(value, list) else key
        quote = m.group(0)[0]
        out.append(ValueRegion(name, base + at + m.start() + 1, base + at + m.end() - 1, v, "toml" + quote, lineno))


def render_value(region_style: str, value: str, indent: int) -> str:
    """Write a translated value back in the style of the original (quoting kept where possible)."""
    if region_style == "'":
        return value.replace("'", "''")
    if region_style in ('"', 'toml"'):
        return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if region_style == "toml'":
        return value.replace("'", "’")
    if region_style in ("|", ">"):
        # ``indent`` is the content's indentation; the first line's is in the skeleton.
        # In a folded scalar one line break of the value is written as an empty line.
        lines = value.strip("\n").split("\n")  # leading blank lines are in the skeleton
        if region_style == ">":
            lines = "\n\n".join(lines).split("\n")
        pad = " " * indent
        return "\n".join([lines[0]] + [pad + line if line else line for line in lines[1:]])
    return value  # plain YAML: the caller checks it stays plain


def plain_yaml_is_safe(value: str, in_list: bool = False) -> bool:
    """Whether a string can be written as a plain (unquoted) YAML scalar and read back the same.

    Flow indicators (``,[]{}``) are refused too: the value may sit in a flow
    list (``tags: [a, b]``) where they would split or end it; a list item
    (``in_list``) must also read back as one inside ``[...]`` (``:x`` does not).
    """
    import yaml

    if any(ch in value for ch in ",[]{}#") or value != value.strip():
        return False
    try:
        return (yaml.safe_load(value) == value and (not in_list or yaml.safe_load(f"[{value}]") == [value])
                and "\n" not in value and not value.startswith(" "))
    except yaml.YAMLError:
        return False
