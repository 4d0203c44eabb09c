"""Reading articles as text, repairing mojibake, and writing them back with the source's encoding.

Why ftfy's ``fix_encoding`` only: it undoes UTF-8 that was decoded with the
wrong codec (Mac Roman, Windows-1252...), and leaves the author's curly
quotes, ligatures and character widths alone, which the full ``fix_text``
would "normalise". It runs only on text that is not plain ASCII.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from ..document import SourceEncoding
from ..errors import BitextError

log = logging.getLogger("bitext")
BOM = "\ufeff"
_NOT_CONTROL = bytes(range(32, 256)) + b"\t\n\x0c\r"


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data[:8192]:
        return True
    sample = data[:8192]
    controls = len(sample.translate(None, _NOT_CONTROL))  # what is left: control bytes
    return controls > max(4, len(sample) // 100)


# Byte order marks, longest first (UTF-32 LE starts like UTF-16 LE).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xef\xbb\xbf", "utf-8"),
)


def unicode_bom(data: bytes) -> tuple[bytes, str] | None:
    """The byte order mark ``data`` starts with and its codec, or None."""
    return next(((mark, codec) for mark, codec in _BOMS if data.startswith(mark)), None)


def decode_source(data: bytes, path: Path) -> tuple[str, str, bytes]:
    """(text, codec, BOM) of a source file, to write it back the same way (``--in-place`` keys).

    Strict: a file that cannot be decoded and encoded back exactly is not rewritten.
    """
    mark, codec = unicode_bom(data) or (b"", "utf-8")
    for candidate in (codec, "cp1252") if not mark else (codec,):
        try:
            return data[len(mark):].decode(candidate), candidate, mark
        except UnicodeDecodeError:
            continue
    raise BitextError("cannot add translationKey: the file's encoding is not one bitext can write back exactly; "
                      "save it as UTF-8", path=str(path))


def _decode_wide(data: bytes, mark: bytes, codec: str, path: Path) -> tuple[str, SourceEncoding]:
    """A UTF-16 or UTF-32 file (it has a byte order mark): decoded; the translation is written in UTF-8."""
    try:
        text = data[len(mark):].decode(codec)
    except UnicodeDecodeError as exc:
        line = data[len(mark):exc.start].decode(codec, errors="replace").count("\n") + 1
        raise BitextError(f"starts with a {codec.upper()} byte order mark but is not valid {codec.upper()}; "
                          "save it as UTF-8", path=str(path), line=line) from None
    note = f"{codec.upper()} file (byte order mark): decoded; the translation is written in UTF-8"
    log.info("%s: %s", path, note)
    return text, SourceEncoding(decoded_as=codec, warnings=[note])


def read_article(path: Path) -> tuple[str, SourceEncoding]:
    """The article's text (LF line ends, no BOM, mojibake repaired) and how it was read.

    UTF-8 (with or without BOM) is kept as it is; UTF-16 and UTF-32 files with
    a byte order mark are decoded and their translation written in UTF-8;
    anything else that is not UTF-8 is read as Windows-1252, with a warning.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BitextError("file not found; check the path", path=str(path)) from None
    except IsADirectoryError:
        raise BitextError("is a directory, not an article", path=str(path)) from None
    except OSError as exc:
        raise BitextError(f"cannot read: {exc.strerror}", path=str(path)) from None
    bom = unicode_bom(data)
    if bom and bom[1] != "utf-8":
        text, meta = _decode_wide(data, *bom, path)
    else:
        if _looks_binary(data):
            raise BitextError("not a text file (binary content); give a Hugo markdown article", path=str(path))
        meta = SourceEncoding(bom=bom is not None)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            log.warning("%s:%d: not valid UTF-8; decoded as Windows-1252", path, line)
            text = data.decode("cp1252", errors="replace")
            meta.decoded_as = "windows-1252"
            meta.warnings = [f"line {line}: not valid UTF-8, decoded as Windows-1252"]
    if not text.strip():
        raise BitextError("file is empty: nothing to translate", path=str(path))
    crlf = text.count("\r\n")
    if crlf and crlf == text.count("\n"):
        meta.newline = "\r\n"
    elif crlf:
        # mixed line ends (a file edited on two systems): remember which lines had CRLF
        lines = text.split("\n")
        meta.newline = "mixed"
        meta.crlf_lines = [n for n, line in enumerate(lines) if line.endswith("\r")]
        meta.line_count = len(lines)
        meta.majority = "\r\n" if 2 * crlf > len(lines) - 1 else "\n"
    if crlf:
        text = text.replace("\r\n", "\n")
    text, meta.mojibake = repair_mojibake(text)
    return text, meta


def read_text(text: str) -> tuple[str, SourceEncoding]:
    """A text that is not a file (a JSONL or dataset record): LF line ends, mojibake repaired."""
    text, repairs = repair_mojibake(text.replace("\r\n", "\n"))
    return text, SourceEncoding(mojibake=repairs)


def _mojibake_gate() -> re.Pattern[str]:
    """A cheap test for text that may be mojibake: a UTF-8 lead byte followed by a
    continuation byte, both decoded as Windows-1252, Latin-1 or Mac Roman.

    ftfy costs a few milliseconds per article; this regex costs microseconds and
    lets clean text skip ftfy entirely. A false alarm only costs the ftfy call.
    """
    classes = []
    for codec in ("cp1252", "latin-1", "mac_roman"):
        lead = bytes(range(0xC2, 0xF5)).decode(codec, errors="ignore")
        cont = bytes(range(0x80, 0xC0)).decode(codec, errors="ignore")
        classes.append(f"[{re.escape(lead)}][{re.escape(cont)}]")
    return re.compile("|".join(classes))


_MOJIBAKE_GATE = _mojibake_gate()


def repair_mojibake(text: str) -> tuple[str, dict[str, Any] | None]:
    """Undo UTF-8 read as another codec; report which lines changed and how."""
    if text.isascii() or not _MOJIBAKE_GATE.search(text):
        return text, None
    import ftfy

    fixed, steps = ftfy.fix_encoding_and_explain(text)
    if fixed == text:
        return text, None
    old_lines, new_lines = text.split("\n"), fixed.split("\n")
    changed = []
    if len(old_lines) == len(new_lines):
        changed = [n + 1 for n, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b]
    return fixed, {
        "repaired": True,
        "steps": [list(s) for s in (steps or [])],
        "lines": changed,
        "examples": [
            {"line": n, "before": old_lines[n - 1][:80], "after": new_lines[n - 1][:80]} for n in changed[:3]
        ],
    }


def encode_article(text: str, meta: SourceEncoding) -> bytes:
    """Back to bytes with the source's line ends and BOM (always UTF-8: mojibake stays repaired)."""
    if meta.newline == "\r\n":
        text = text.replace("\n", "\r\n")
    elif meta.newline == "mixed":
        lines = text.split("\n")
        if len(lines) == meta.line_count:  # same lines as the source: same line ends
            crlf = set(meta.crlf_lines or [])
            text = "".join(line + ("\r\n" if n in crlf else "\n") for n, line in enumerate(lines[:-1])) + lines[-1]
        elif meta.majority == "\r\n":
            text = text.replace("\n", "\r\n")
    if meta.bom:
        text = BOM + text
    return text.encode("utf-8")
