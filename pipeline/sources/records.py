"""News articles that are not Hugo files: JSONL files and Hugging Face datasets.

Each record's text field (markdown or plain text) goes through the same
stages as an article; the records come back in their order, with their other
fields kept and the translation added as ``<text_field>_<target lang>``.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from ..document import SourceEncoding
from ..errors import BitextError
from ..files import write_atomic
from ..markdown.encoding import read_text
from .article import Article


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


@dataclass
class RecordsOutput:
    """The translated records of a run, written once every article is done (``finish``)."""

    name: str  # the input's name: news.jsonl -> news.<lang>.jsonl
    records: list[dict[str, Any]]
    text_field: str
    target_lang: str
    as_dataset: bool
    translations: dict[int, str | None] = field(default_factory=dict)

    def finish(self, out_dir: Path) -> dict[str, str]:
        """Write the records; what run.json's ``outputs`` lists for them."""
        written = write_records(out_dir, self.name, self.records, self.translations, self.text_field,
                                self.target_lang, self.as_dataset)
        return {"records": str(written.relative_to(out_dir))}


@dataclass
class RecordArticle(Article):
    """A record's text field, translated like an article; the translation goes back into its record."""

    text: str = ""
    index: int = 0  # the record's index in its file or dataset
    output: RecordsOutput | None = None
    translated: str | None = None

    is_hugo_page: ClassVar[bool] = False  # news text, not a page of a Hugo site

    def read(self) -> tuple[str, SourceEncoding]:
        if not self.text.strip():
            raise BitextError("the record's text field is empty or missing: nothing to translate", path=str(self.source))
        return read_text(self.text)

    def fingerprint(self) -> str | None:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def write_translation(self, text: str, encoding: SourceEncoding, target_path: Path) -> Path | None:
        """Kept for the records file (written with the others at the end), not written as an article."""
        self.translated = text
        return None

    def manifest_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"record": self.index}
        if self.output is not None:  # where the rebuild puts an edited translation back
            fields["record_field"] = translated_field(self.output.text_field, self.output.target_lang)
        return fields

    def marker_fields(self) -> dict[str, Any]:
        return {} if self.translated is None else {"result_text": self.translated}

    def completed(self, marker: dict[str, Any]) -> None:
        if self.output is not None:
            self.output.translations[self.index] = marker.get("result_text")


def record_articles(records: list[dict[str, Any]], source: str, lang: str, output: RecordsOutput) -> list[RecordArticle]:
    """One article per record, named ``<input name>#<record id>``."""
    articles = []
    for n, record in enumerate(records):
        text = record.get(output.text_field)
        if not isinstance(text, str):
            text = ""  # the article fails alone, with a clear reason
        ident = record.get("id", n)
        name = f"{Path(source).name}#{ident}"
        articles.append(RecordArticle(Path(name), lang, Path("records") / f"{n:06d}.md", text=text, index=n, output=output))
    return articles


def translated_field(text_field: str, target_lang: str) -> str:
    return f"{text_field}_{target_lang}"


def write_records(out_dir: Path, name: str, records: list[dict[str, Any]], translations: dict[int, str | None],
                  text_field: str, target_lang: str, as_dataset: bool) -> Path:
    """The records in their order, other fields kept, the translation added (None where it failed)."""
    field_name = translated_field(text_field, target_lang)
    rows = [dict(r, **{field_name: translations.get(n)}) for n, r in enumerate(records)]
    if as_dataset:
        import datasets

        path = out_dir / f"{name}.{target_lang}"
        datasets.Dataset.from_list(rows).save_to_disk(str(path))
        return path
    path = out_dir / f"{name}.{target_lang}.jsonl"
    write_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return path


def replace_translations(path: Path, field_name: str, texts: dict[int, str]) -> None:
    """Put rebuilt translations (an editor's edits) into records already written: ``texts`` by record index.

    A JSONL file is rewritten atomically; a dataset folder (``save_to_disk``)
    is saved beside it and swapped in, since a dataset cannot be saved over
    the files it is read from.
    """
    if path.is_dir():
        import shutil

        import datasets

        rows = datasets.load_from_disk(str(path)).to_list()
        for n, text in texts.items():
            rows[n][field_name] = text
        fresh = path.with_name(f".{path.name}.rebuilt")
        old = path.with_name(f".{path.name}.old")
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
        datasets.Dataset.from_list(rows).save_to_disk(str(fresh))
        path.rename(old)
        fresh.rename(path)
        shutil.rmtree(old, ignore_errors=True)
        return
    from ..formats.jsonl import iter_jsonl_objects

    rows = [record for _, record in iter_jsonl_objects(path)]
    for n, text in texts.items():
        rows[n][field_name] = text
    write_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
