"""News articles that are not Hugo files: JSONL files and Hugging Face datasets.

Each record's text field (markdown or plain text) goes through the same
stages as an article; the records come back in their order, with their other
fields kept and the translation added as ``<text_field>_<target lang>``.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import BitextError
from ..markdown.encoding import write_atomic
from .site import Article


def read_jsonl(path: Path, text_field: str) -> list[dict[str, Any]]:
    """The records of a JSONL file; each must be an object with ``text_field``."""
    if not path.is_file():
        raise BitextError("file not found; check the path", path=str(path))
    from ..formats.jsonl import iter_jsonl_objects

    return [record for _, record in iter_jsonl_objects(path)]


def read_dataset(name: str, split: str | None) -> list[dict[str, Any]]:
    """A Hugging Face dataset: a folder saved with ``save_to_disk`` or a hub id."""
    import datasets

    path = Path(name)
    try:
        if path.exists():
            data = datasets.load_from_disk(str(path))
        else:
            data = datasets.load_dataset(name, split=split)
    except Exception as exc:  # noqa: BLE001 - datasets raises many types; the user gets one line
        raise BitextError(f"cannot load the dataset: {str(exc).splitlines()[0]}", path=name) from None
    if isinstance(data, datasets.DatasetDict):
        if split is None or split not in data:
            raise BitextError(f"choose a split with --split (one of: {', '.join(data)})", path=name)
        data = data[split]
    return [dict(row) for row in data]


def record_articles(records: list[dict[str, Any]], source: str, text_field: str, lang: str) -> list[Article]:
    articles = []
    for n, record in enumerate(records):
        text = record.get(text_field)
        if not isinstance(text, str):
            text = ""  # the article fails alone, with a clear reason
        ident = record.get("id", n)
        name = f"{Path(source).name}#{ident}"
        articles.append(Article(Path(name), lang, Path("records") / f"{n:06d}.md", text=text, record=n))
    return articles


def translated_field(text_field: str, target_lang: str) -> str:
    return f"{text_field}_{target_lang}"


def write_records(out_dir: Path, name: str, records: list[dict[str, Any]], translations: dict[int, str | None],
                  text_field: str, target_lang: str, as_dataset: bool) -> Path:
    """The records in their order, other fields kept, the translation added (None where it failed)."""
    field = translated_field(text_field, target_lang)
    rows = [dict(r, **{field: translations.get(n)}) for n, r in enumerate(records)]
    if as_dataset:
        import datasets

        path = out_dir / f"{name}.{target_lang}"
        datasets.Dataset.from_list(rows).save_to_disk(str(path))
        return path
    path = out_dir / f"{name}.{target_lang}.jsonl"
    write_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return path
