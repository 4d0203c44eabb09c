"""One article of a run: where its text comes from and where its translation goes.

An ``Article`` is a markdown file (of a Hugo site, a content folder, or named
on the command line); ``records.RecordArticle`` is a record of a JSONL file or
a dataset. The stages and the executor use the same few methods on both, so
neither ever asks which kind it has.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from ..document import SourceEncoding
from ..files import write_atomic
from ..markdown.encoding import encode_article, read_article


@dataclass
class Article:
    """A markdown file to translate, its language, and where its translation goes."""

    source: Path  # the path as given: the article's name in run.json, pairs and energy records
    source_lang: str
    target: Path  # the translated file, relative to the output root (or absolute with --in-place)
    existing_translation: Path | None = None  # a translation already present in the content tree

    #: A page of a Hugo site: its translation gets Hugo's front matter keys (translationKey...).
    is_hugo_page: ClassVar[bool] = True

    def read(self) -> tuple[str, SourceEncoding]:
        """The text to extract (LF line ends, mojibake repaired) and how it was encoded."""
        return read_article(self.source)

    def fingerprint(self) -> str | None:
        """SHA-256 of the source as it is now (None when it is gone): a rerun redoes a changed article."""
        try:
            return hashlib.sha256(self.source.read_bytes()).hexdigest()
        except OSError:
            return None

    def write_translation(self, text: str, encoding: SourceEncoding, target_path: Path) -> Path | None:
        """Write the translated article with the source's encoding; the file written (None: none)."""
        write_atomic(target_path, encode_article(text, encoding))
        return target_path

    def manifest_fields(self) -> dict[str, Any]:
        """What this article's entry in run.json says besides what the stages reported."""
        return {}

    def marker_fields(self) -> dict[str, Any]:
        """What its completion marker keeps besides the hashes, for a rerun that skips it."""
        return {}

    def completed(self, marker: dict[str, Any]) -> None:
        """Called once the article is done, by this run or (resumed) by an earlier one."""
