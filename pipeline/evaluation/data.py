"""The test sets ``bitext eval`` reads: plain text, TSV, or a Hugging Face dataset.

Every reader returns the same thing: source segments and their references,
one pair per segment, in order. A segment is one line of text (one sentence
in WMT and Tatoeba, sometimes two); leading and trailing whitespace is not
part of it (sacrebleu reads its files the same way, line by line).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ..errors import BitextError


@dataclass
class EvalSet:
    """Source segments, their references, and where they came from (for ``eval.json``)."""

    sources: list[str]
    references: list[str]
    origin: dict[str, Any]

    def __len__(self) -> int:
        return len(self.sources)

    def limited(self, limit: int | None) -> "EvalSet":
        """The first ``limit`` segments (all when None)."""
        if limit is None or limit >= len(self):
            return self
        return EvalSet(self.sources[:limit], self.references[:limit], dict(self.origin, limit=limit))


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        raise BitextError("file not found; check the path", path=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BitextError(f"not UTF-8 text (byte {exc.start}); convert it with iconv", path=str(path)) from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    return [line.strip() for line in lines]


def read_plain(src: Path, ref: Path) -> EvalSet:
    """Two files, one segment a line, the same number of lines."""
    sources, references = _lines(src), _lines(ref)
    if len(sources) != len(references):
        raise BitextError(
            f"{len(sources)} source lines but {len(references)} reference lines in {ref}; "
            "the files must be parallel, one segment a line", path=str(src))
    if not sources:
        raise BitextError("no segments: the file is empty", path=str(src))
    return EvalSet(sources, references, {"kind": "plain", "src": str(src), "ref": str(ref)})


def read_tsv(path: Path, columns: tuple[int, int] = (1, 2)) -> EvalSet:
    """A tab-separated file; ``columns`` are the 1-based source and reference columns.

    The Tatoeba Challenge's ``test.txt`` has four (source language, target
    language, source, target): ``--columns 3,4``.
    """
    sources, references = [], []
    width = max(columns)
    for number, line in enumerate(_lines(path), 1):
        fields = line.split("\t")
        if len(fields) < width:
            raise BitextError(f"{len(fields)} tab-separated field(s), column {width} needed "
                              "(source and reference columns: --columns S,R)", path=str(path), line=number)
        sources.append(fields[columns[0] - 1].strip())
        references.append(fields[columns[1] - 1].strip())
    if not sources:
        raise BitextError("no segments: the file is empty", path=str(path))
    return EvalSet(sources, references, {"kind": "tsv", "path": str(path), "columns": list(columns)})


def field_value(row: dict[str, Any], dotted: str) -> Any:
    """``row["translation"]["fr"]`` for ``translation.fr`` (WMT datasets nest their languages)."""
    value: Any = row
    for key in dotted.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def read_dataset(name: str, split: str | None, src_field: str, ref_field: str, *, config: str | None = None,
                 revision: str | None = None, limit: int | None = None) -> EvalSet:
    """A Hugging Face dataset: a ``save_to_disk`` folder, or a hub id (``wmt/wmt14`` with config ``fr-en``).

    A hub dataset is streamed, so only the split asked for is downloaded
    (``wmt/wmt14``'s French training data alone is over a gigabyte).
    """
    rows = _dataset_rows(name, split, config, revision, limit)
    sources, references = [], []
    for number, row in enumerate(rows):
        src, ref = field_value(row, src_field), field_value(row, ref_field)
        for field, value in ((src_field, src), (ref_field, ref)):
            if not isinstance(value, str):
                keys = ", ".join(_field_names(row))
                raise BitextError(f"row {number}: field {field!r} is missing or not text (fields: {keys})", path=name)
        sources.append(src.strip())
        references.append(ref.strip())
    if not sources:
        raise BitextError(f"no rows in split {split!r}", path=name)
    origin = {"kind": "dataset", "dataset": name, "config": config, "split": split, "revision": revision,
              "src_field": src_field, "ref_field": ref_field}
    return EvalSet(sources, references, origin)


def _field_names(row: dict[str, Any], prefix: str = "") -> list[str]:
    names = []
    for key, value in row.items():
        names.extend(_field_names(value, f"{prefix}{key}.") if isinstance(value, dict) else [f"{prefix}{key}"])
    return names


def _dataset_rows(name: str, split: str | None, config: str | None, revision: str | None,
                  limit: int | None) -> Iterable[dict[str, Any]]:
    import itertools

    import datasets

    if Path(name).exists():
        try:
            data = datasets.load_from_disk(name)
        except (OSError, ValueError, FileNotFoundError) as exc:
            raise BitextError(f"not a dataset saved with save_to_disk: {_first_line(exc)}", path=name) from None
        if isinstance(data, datasets.DatasetDict):
            if split is None or split not in data:
                raise BitextError(f"choose a split with --split (one of: {', '.join(data)})", path=name)
            data = data[split]
        rows = (dict(row) for row in data)
        return list(itertools.islice(rows, limit)) if limit is not None else list(rows)
    if split is None:
        raise BitextError("a hub dataset needs --split (e.g. test)", path=name)
    try:
        stream = datasets.load_dataset(name, config, split=split, revision=revision, streaming=True)
        return list(itertools.islice(iter(stream), limit))
    except Exception as exc:  # noqa: BLE001 - datasets and the hub raise many types; the user gets one line
        raise BitextError(f"cannot load the dataset: {_first_line(exc)}", path=name) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__


def write_lines(path: Path, lines: list[str]) -> None:
    """One segment a line (a segment's own line breaks become spaces), as sacrebleu reads hypotheses."""
    from ..files import write_atomic

    write_atomic(path, "".join(" ".join(line.split("\n")) + "\n" for line in lines))


__all__ = ["EvalSet", "read_plain", "read_tsv", "read_dataset", "field_value", "write_lines"]
