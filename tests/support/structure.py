"""Does a translated Hugo article keep every piece of structure of its source?

``assert_structure_kept(source_text, output_text)`` is the check issue 2
asks of a pseudo run, and any translation must pass it too: every shortcode
(name and each non-prose parameter), URL (link and image destinations,
reference definitions, autolinks, bare URLs), HTML tag, code block and code
span, front matter key and non-translatable value is in the output,
unchanged and in the same order; the front matter still parses; paired
shortcodes stay balanced.

Why a separate reader: the check must not trust the extractor it checks. It
reads both texts with its own tools (a quote-aware shortcode scanner written
here, markdown-it-py for the markdown, PyYAML / tomllib / json for the front
matter) and compares what it finds. It knows nothing of pseudo-localization,
so it serves MT outputs as well; only the *prose* parts may differ: front
matter values of the translatable keys, shortcode prose parameters
(``caption``, ``title``, ``alt`` and the per-shortcode ones of the config),
link and image text, link titles, HTML ``alt``/``title`` attributes.

It also compares the block structure (paragraphs, lists, tables, headings:
``blocks=True``), heading and block attributes (``{#id}``), blockquote alert
markers (``[!NOTE]``) and emoji codes; ``emphasis=True`` adds the sequence of
bold/italic/strike marks, exact for pseudo-localization. For an MT output,
whose words (and so inline links or code spans) may move within a sentence,
pass ``ordered=False``: inline pieces are then compared as multisets.

Shortcodes are read the way Hugo does before any markdown: each tag becomes a
placeholder word, so ``[x]({{< relref "y" >}})`` is a link; a line of
shortcodes only is a block of its own.
"""
from __future__ import annotations

import functools
import json
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

__all__ = ["assert_structure_kept", "structure_problems", "read_structure", "split_front_matter"]

# ---------------------------------------------------------------- settings


def _defaults() -> dict[str, Any]:
    """The prose settings of the run configuration (only its data: no extractor code)."""
    from pipeline.config import DEFAULTS

    return DEFAULTS["extract"]


_HTML_PROSE_ATTRS = ("alt", "title", "aria-label", "placeholder", "label")

# ---------------------------------------------------------------- text


def _normalize(text: str | bytes) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n")


def split_front_matter(text: str) -> tuple[str, str, str]:
    """(format, front matter text, body): format is yaml, toml, json or '' (none)."""
    for fmt, fence in (("yaml", "---"), ("toml", "+++")):
        m = re.match(re.escape(fence) + r"[ \t]*\n", text)
        if m:
            close = re.compile(r"^" + re.escape(fence) + r"[ \t]*$", re.M).search(text, m.end())
            if not close:
                return fmt, text[m.end() :], ""
            fm = text[m.end() : close.start()]
            return fmt, fm, text[close.end() :]
    if text.startswith("{"):
        try:
            _, end = json.JSONDecoder().raw_decode(text)
        except json.JSONDecodeError:
            return "", "", text
        return "json", text[:end], text[end:]
    return "", "", text


def _load_front_matter(fmt: str, fm: str) -> Any:
    if fmt == "yaml":
        return yaml.safe_load(fm)
    if fmt == "toml":
        return tomllib.loads(fm)
    if fmt == "json":
        return json.loads(fm)
    return None


# ---------------------------------------------------------------- shortcodes


@dataclass
class Shortcode:
    """One shortcode tag as found in the text."""

    raw: str
    start: int
    end: int
    name: str = ""
    delim: str = "<"
    closing: bool = False
    self_closing: bool = False
    escaped: bool = False
    params: list[tuple[str | None, str, str]] = field(default_factory=list)  # (name, quote, value)

    def signature(self, prose: set, positional_prose: set) -> tuple:
        """What must survive a translation: everything but the prose values."""
        if self.escaped:
            return ("escaped", self.raw)
        params = []
        for n, (name, quote, value) in enumerate(self.params):
            is_prose = (name is not None and name in prose) or (name is None and n in positional_prose)
            params.append((name, quote, "<prose>" if is_prose and quote else value))
        return (self.delim, self.closing, self.self_closing, self.name, tuple(params))


def scan_shortcodes(text: str) -> list[Shortcode]:
    """Every ``{{< >}}`` / ``{{% %}}`` tag, quote-aware (values may hold ``>}}``)."""
    out: list[Shortcode] = []
    pos = 0
    opener = re.compile(r"\{\{([<%])")
    while True:
        m = opener.search(text, pos)
        if not m:
            return out
        delim = m.group(1)
        close = (">" if delim == "<" else "%") + "}}"
        i = m.end()
        if re.match(r"\s*/\*", text[i:]):
            end = text.find("*/" + close, i)
            if end < 0:
                pos = m.end()
                continue
            end += 2 + len(close)
            out.append(Shortcode(text[m.start() : end], m.start(), end, delim=delim, escaped=True))
            pos = end
            continue
        quote = ""
        j = i
        end = -1
        while j < len(text):
            ch = text[j]
            if quote:
                if ch == "\\" and quote == '"':
                    j += 2
                    continue
                if ch == quote:
                    quote = ""
            elif ch in "\"`":
                quote = ch
            elif text.startswith(close, j):
                end = j + len(close)
                break
            j += 1
        if end < 0:
            pos = m.end()
            continue
        sc = Shortcode(text[m.start() : end], m.start(), end, delim=delim)
        _parse_inside(sc, text[i : end - len(close)])
        out.append(sc)
        pos = end


_PARAM = re.compile(r"""\s*(?:([\w-]+)=)?("(?:[^"\\]|\\.)*"|`[^`]*`|[^\s"`]+)""", re.S)


def _parse_inside(sc: Shortcode, inner: str) -> None:
    inner = inner.strip()
    if inner.endswith("/"):
        sc.self_closing = True
        inner = inner[:-1].rstrip()
    m = re.match(r"(/?)\s*([^\s/][^\s]*)", inner)
    if not m:
        return
    sc.closing = bool(m.group(1))
    sc.name = m.group(2)
    rest = inner[m.end() :]
    pos = 0
    while pos < len(rest) and rest[pos:].strip():
        pm = _PARAM.match(rest, pos)
        if not pm:
            sc.params.append((None, "?", rest[pos:].strip()))
            break
        value = pm.group(2)
        quote = value[0] if value[0] in "\"`" else ""
        sc.params.append((pm.group(1), quote, value[1:-1] if quote else value))
        pos = pm.end()


def _balance_problems(tags: list[Shortcode], label: str) -> list[str]:
    """Hugo's rule: a closing tag needs an open tag of the same name before it."""
    problems = []
    stack: list[Shortcode] = []
    for t in tags:
        if t.escaped or t.self_closing:
            continue
        if not t.closing:
            stack.append(t)
            continue
        names = [s.name for s in stack]
        if t.name not in names:
            problems.append(f"{label}: closing shortcode {t.raw!r} has no opening tag")
            continue
        while stack and stack[-1].name != t.name:
            stack.pop()
        stack.pop()
    return problems


# ---------------------------------------------------------------- markdown


@functools.lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    # what Hugo's goldmark turns on by default: GFM tables and strikethrough, footnotes,
    # definition lists (linkify: bare URLs are checked by a regular expression below)
    md = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
    return md.use(footnote_plugin).use(deflist_plugin)


_BARE_URL = re.compile(r"(?<![\w/])(?:https?://|www\.)[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]+")
_ATTRS = r"\{[ \t]*(?:[#.][\w-]|[A-Za-z_][\w-]*[ \t]*=)[^{}\n]*\}"
_ATTR_BLOCK = re.compile(_ATTRS + r"\s*$")  # heading attributes (goldmark)
_ATTR_LINE = re.compile(r"^[ \t]*(?:\{:[^}]*\}|" + _ATTRS + r")[ \t]*$", re.M)  # block attributes
_ALERT = re.compile(r"^\[![A-Za-z][\w-]*\][+-]?")  # > [!NOTE] blockquote alerts
_EMOJI = re.compile(r"(?<![\w:]):[a-z0-9_+-]*[a-z][a-z0-9_+-]*:(?![\w:])")
_TAG = re.compile(r"<!--.*?-->|<![^>]*>|<\?.*?\?>|</?[A-Za-z][^<>]*>", re.S)
_PROSE_ATTR = re.compile(r"""(\s(?:%s)\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)""" % "|".join(_HTML_PROSE_ATTRS), re.I)


def _html_tag(raw: str) -> str:
    """An HTML tag with its prose attributes (alt, title...) blanked."""
    if raw.startswith("<!--"):
        return raw
    return _PROSE_ATTR.sub(lambda m: m.group(1) + "<prose>", raw)


@dataclass
class Structure:
    """Everything of an article that a translation must keep, in document order."""

    front_matter_format: str = ""
    front_matter: Any = None
    front_matter_error: str | None = None
    front_matter_text: str = ""
    shortcodes: list[Shortcode] = field(default_factory=list)
    code_bodies: list[str] = field(default_factory=list)  # bodies of code shortcodes (highlight...)
    blocks: list[tuple] = field(default_factory=list)
    code_blocks: list[tuple[str, str]] = field(default_factory=list)
    code_spans: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    references: list[tuple[str, str]] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)
    emphasis: list[str] = field(default_factory=list)


_SHORTCODE_LINE = re.compile(r"^([ \t>]*)((?:hugosc\d+x[ \t]*)+)$", re.M)


def _own_block(m: re.Match[str]) -> str:
    blank = m.group(1).rstrip(" \t")
    return f"{blank}\n{m.group(1)}{m.group(2)}\n{blank}"


def read_structure(text: str | bytes, code_shortcodes: set[str] | None = None) -> Structure:
    """Read the structure of one article with the checker's own tools."""
    if code_shortcodes is None:
        code_shortcodes = set(_defaults()["code_shortcodes"])
    text = _normalize(text)
    st = Structure()
    fmt, fm, body = split_front_matter(text)
    st.front_matter_format, st.front_matter_text = fmt, fm
    if fmt:
        try:
            st.front_matter = _load_front_matter(fmt, fm)
        except (yaml.YAMLError, tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
            st.front_matter_error = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    st.shortcodes = scan_shortcodes(body)
    # bodies of code shortcodes are kept verbatim
    for n, t in enumerate(st.shortcodes):
        if t.name in code_shortcodes and not t.closing and not t.escaped and not t.self_closing:
            for u in st.shortcodes[n + 1 :]:
                if u.closing and u.name == t.name:
                    st.code_bodies.append(body[t.end : u.start])
                    break
    # shortcodes become placeholders, so markdown-it reads `[x]({{< relref "y" >}})` as Hugo does
    pieces, cursor = [], 0
    for n, t in enumerate(st.shortcodes):
        pieces.append(body[cursor : t.start])
        pieces.append(f"hugosc{n}x")
        cursor = t.end
    pieces.append(body[cursor:])
    # a line of shortcodes only is a block of its own, as the extractor reads it: blank lines
    # around it (inside the same quote) keep a rewrapped paragraph from running into it
    md_text = _SHORTCODE_LINE.sub(_own_block, "".join(pieces))
    env: dict[str, Any] = {}
    tokens = _md().parse(md_text, env)
    for label, ref in (env.get("references") or {}).items():
        st.references.append((label, ref.get("href", "")))
    _walk(tokens, st)
    return st


def _walk(tokens, st: Structure) -> None:
    for tok in tokens:
        if tok.type == "inline":
            _walk_inline(tok.children or [], st)
            if st.blocks and st.blocks[-1][0] == "heading_open":
                m = _ATTR_BLOCK.search(tok.content)
                if m:
                    st.attributes.append(m.group(0).strip())
            else:
                st.attributes.extend(m.group(0).strip() for m in _ATTR_LINE.finditer(tok.content))
            m = _ALERT.match(tok.content)
            if m:
                st.attributes.append(m.group(0))
            st.attributes.extend(m.group(0) for m in _EMOJI.finditer(tok.content))
            continue
        if tok.type in ("fence", "code_block"):
            st.code_blocks.append((tok.info.strip(), tok.content))
            st.blocks.append((tok.type,))
            continue
        if tok.type == "html_block":
            st.html.extend(_html_tag(m.group(0)) for m in _TAG.finditer(tok.content))
            outside = _TAG.sub(" ", tok.content)
            st.urls.extend(m.group(0).rstrip(".,:;!?'*_~") for m in _BARE_URL.finditer(outside))
            st.blocks.append((tok.type,))
            continue
        if tok.type.endswith("_open") or tok.type.endswith("_close") or tok.type == "hr":
            st.blocks.append((tok.type, tok.tag, tok.markup if tok.type != "hr" else ""))


def _walk_inline(children, st: Structure) -> None:
    texts: list[str] = []
    for c in children:
        if c.type == "text":
            texts.append(c.content)
            continue
        texts.append(" ")
        if c.type == "code_inline":
            st.code_spans.append(c.content)
        elif c.type == "html_inline":
            st.html.append(_html_tag(c.content))
        elif c.type == "link_open":
            st.urls.append(str(c.attrs.get("href", "")))
        elif c.type == "image":
            st.urls.append(str(c.attrs.get("src", "")))
            _walk_inline(c.children or [], Structure())  # alt text is prose
        elif c.type in ("em_open", "em_close", "strong_open", "strong_close", "s_open", "s_close"):
            st.emphasis.append(c.type)
        elif c.type == "footnote_ref":
            st.emphasis.append(f"footnote:{c.meta.get('label', c.meta.get('id'))}")
    for m in _BARE_URL.finditer(" ".join(texts)):
        st.urls.append(m.group(0).rstrip(".,:;!?'*_~"))


# ---------------------------------------------------------------- comparing


def _compare_front_matter(a: Any, b: Any, path: str, keys: set[str], out: list[str]) -> None:
    bare = re.sub(r"\[\d+\]", "", path)
    if isinstance(a, dict):
        if not isinstance(b, dict):
            out.append(f"front matter {path or '(root)'}: was a mapping, now {type(b).__name__}")
            return
        if list(map(str, a)) != list(map(str, b)):
            out.append(f"front matter {path or '(root)'}: keys {list(a)} became {list(b)}")
            return
        for k in a:
            _compare_front_matter(a[k], b[k], f"{path}.{k}" if path else str(k), keys, out)
        return
    if isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            out.append(f"front matter {path}: list {a!r} became {b!r}")
            return
        for n, (x, y) in enumerate(zip(a, b)):
            _compare_front_matter(x, y, f"{path}[{n}]", keys, out)
        return
    if bare in keys and isinstance(a, str):
        if not isinstance(b, str):
            out.append(f"front matter {path}: translatable string became {b!r}")
        elif a.strip() and not b.strip():
            out.append(f"front matter {path}: translated value is empty")
        return
    if a != b or type(a) is not type(b):
        out.append(f"front matter {path}: {a!r} became {b!r}")


def _yaml_value_lines(fm: str, keys: set[str]) -> set[int]:
    """0-based lines of a YAML front matter on which a translatable string value sits."""
    lines: set[int] = set()

    def walk(node: Any, path: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                walk(v, f"{path}.{k.value}" if path else str(k.value))
        elif isinstance(node, yaml.SequenceNode):
            for n, item in enumerate(node.value):
                walk(item, f"{path}[{n}]")
        elif isinstance(node, yaml.ScalarNode) and re.sub(r"\[\d+\]", "", path) in keys:
            if node.tag == "tag:yaml.org,2002:str":
                last = node.end_mark.line - (1 if node.end_mark.column == 0 else 0)
                lines.update(range(node.start_mark.line, max(last, node.start_mark.line) + 1))

    try:
        walk(yaml.compose(fm, Loader=yaml.SafeLoader), "")
    except yaml.YAMLError:
        pass
    return lines


def _kept_lines(fmt: str, fm: str, data: Any, keys: set[str]) -> list[str]:
    """Front matter lines that hold no translatable value: they must stay byte for byte."""
    if fmt == "yaml":
        skip = _yaml_value_lines(fm, keys)
        return [line for n, line in enumerate(fm.split("\n")) if n not in skip]
    values: list[str] = []

    def collect(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                collect(v, f"{path}.{k}" if path else str(k))
        elif isinstance(node, list):
            for n, v in enumerate(node):
                collect(v, f"{path}[{n}]")
        elif isinstance(node, str) and re.sub(r"\[\d+\]", "", path) in keys:
            for line in node.split("\n"):
                if line.strip():
                    values.append(line.strip())
                    values.append(json.dumps(line.strip(), ensure_ascii=False)[1:-1])
                    values.append(line.strip().replace("'", "''"))

    collect(data, "")
    joined = "\n".join(values)
    kept = []
    for line in fm.split("\n"):
        inner = line.strip().lstrip("-").strip().strip("\"'")
        if any(v in line for v in values) or (inner and inner in joined):
            continue  # the line holds (part of) a translatable value
        kept.append(line)
    return kept


def _is_subsequence(needles: list[str], hay: list[str]) -> str | None:
    it = iter(hay)
    for n in needles:
        for h in it:
            if h == n:
                break
        else:
            return n
    return None


def _seq_problem(what: str, a: list, b: list, ordered: bool) -> str | None:
    if ordered:
        if a == b:
            return None
        for n, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return f"{what} #{n + 1}: {x!r} became {y!r}"
        if len(a) > len(b):
            return f"{what}: {len(a) - len(b)} missing in the output, first {a[len(b)]!r}"
        return f"{what}: {len(b) - len(a)} extra in the output, first {b[len(a)]!r}"
    from collections import Counter

    ca, cb = Counter(map(repr, a)), Counter(map(repr, b))
    if ca == cb:
        return None
    return f"{what}: missing {list((ca - cb).elements())[:3]}, extra {list((cb - ca).elements())[:3]}"


def structure_problems(
    source_text: str | bytes,
    output_text: str | bytes,
    *,
    front_matter_keys: list[str] | None = None,
    prose_params: list[str] | None = None,
    shortcode_prose_params: dict[str, list] | None = None,
    code_shortcodes: list[str] | None = None,
    ordered: bool = True,
    blocks: bool = True,
    emphasis: bool = False,
) -> list[str]:
    """Every way the output lost or changed structure of the source (empty: all kept).

    ``ordered=False`` compares inline pieces (URLs, code spans, HTML tags) as
    multisets, for translations that may reorder them within a sentence;
    ``blocks`` compares the block structure (paragraphs, lists, tables,
    headings); ``emphasis`` the sequence of emphasis/strike/footnote marks.
    """
    cfg = _defaults()
    keys = set(front_matter_keys if front_matter_keys is not None else cfg["front_matter_keys"])
    prose = set(prose_params if prose_params is not None else cfg["prose_params"])
    per_sc = shortcode_prose_params if shortcode_prose_params is not None else cfg["shortcode_prose_params"]
    code_sc = set(code_shortcodes if code_shortcodes is not None else cfg["code_shortcodes"])
    src, out = read_structure(source_text, code_sc), read_structure(output_text, code_sc)
    problems: list[str] = []

    # front matter
    if src.front_matter_format != out.front_matter_format:
        problems.append(f"front matter format {src.front_matter_format!r} became {out.front_matter_format!r}")
    elif src.front_matter_format:
        if out.front_matter_error and not src.front_matter_error:
            problems.append(f"front matter no longer parses: {out.front_matter_error}")
        elif not src.front_matter_error:
            _compare_front_matter(src.front_matter, out.front_matter, "", keys, problems)
            kept = _kept_lines(src.front_matter_format, src.front_matter_text, src.front_matter, keys)
            missing = _is_subsequence(kept, out.front_matter_text.split("\n"))
            if missing is not None:
                problems.append(f"front matter line changed or moved: {missing!r}")

    # shortcodes: names, non-prose parameters, order, balance
    def sigs(tags: list[Shortcode]) -> list[tuple]:
        result = []
        for t in tags:
            pos = {p for p in per_sc.get(t.name, []) if isinstance(p, int)}
            names = prose | {p for p in per_sc.get(t.name, []) if isinstance(p, str)}
            result.append(t.signature(names, pos))
        return result

    p = _seq_problem("shortcode", sigs(src.shortcodes), sigs(out.shortcodes), True)
    if p:
        problems.append(p)
    if not _balance_problems(src.shortcodes, "source"):
        problems.extend(_balance_problems(out.shortcodes, "output"))
    p = _seq_problem("code shortcode body", src.code_bodies, out.code_bodies, True)
    if p:
        problems.append(p)

    # markdown pieces
    checks = [
        ("code block", src.code_blocks, out.code_blocks, True),
        ("code span", src.code_spans, out.code_spans, ordered),
        ("HTML tag", src.html, out.html, ordered),
        ("URL", src.urls, out.urls, ordered),
        ("reference definition", src.references, out.references, True),
        ("heading attribute", src.attributes, out.attributes, True),
    ]
    if blocks:
        checks.append(("block", src.blocks, out.blocks, True))
    if emphasis:
        checks.append(("emphasis", src.emphasis, out.emphasis, ordered))
    for what, a, b, in_order in checks:
        p = _seq_problem(what, a, b, in_order)
        if p:
            problems.append(p)
    return problems


def assert_structure_kept(source_text: str | bytes, output_text: str | bytes, **options: Any) -> None:
    """Raise AssertionError listing what the output lost or changed (see ``structure_problems``)."""
    problems = structure_problems(source_text, output_text, **options)
    if problems:
        shown = "\n  ".join(problems[:15])
        more = f"\n  ... and {len(problems) - 15} more" if len(problems) > 15 else ""
        raise AssertionError(f"structure not kept:\n  {shown}{more}")
