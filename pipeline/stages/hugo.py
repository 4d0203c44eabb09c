"""hugo: plan the Hugo front matter keys of the translated file (translationKey, draft, translator).

``translationKey`` is how Hugo links two versions of a page; the source's key
is kept, or one is derived from the file name (and, with ``--in-place`` only,
added to the source too). Only translations that change the language get
keys, and only pages of a Hugo site: identity must reproduce the source byte
for byte, pseudo keeps the front matter as it is, and a JSONL record is no page.
"""
from __future__ import annotations

from ..document import Document
from ..errors import BitextError
from ..files import write_atomic
from ..markdown.encoding import decode_source
from ..markdown.hugo_keys import add_keys, derive_key, translation_key
from .base import ArticleContext, Stage


class HugoFrontMatterStage(Stage):
    """Plan the Hugo keys of the translated file; reinsert writes them."""

    name = "hugo"
    adds = ("hugo_keys",)

    def run(self, doc: Document, ctx: ArticleContext) -> Document:
        if ctx.translator.changes_language and ctx.article.is_hugo_page:
            doc.hugo_keys = self._keys(ctx)
        else:
            doc.hugo_keys = {}
        return doc

    def _keys(self, ctx: ArticleContext) -> dict[str, object]:
        hugo = ctx.config["hugo"]
        keys: dict[str, object] = {}
        if hugo["translation_key"]:
            existing = translation_key(_source_text(ctx))
            keys["translationKey"] = existing or derive_key(ctx.source)
            if existing is None and ctx.in_place:
                self._add_to_source(ctx, keys["translationKey"])
        if hugo["draft"]:
            keys["draft"] = True
        if hugo["translated_by_key"]:
            keys[hugo["translated_by_key"]] = ctx.translator.model_id
        return keys

    @staticmethod
    def _add_to_source(ctx: ArticleContext, key: str) -> None:
        """With --in-place only: Hugo needs the same translationKey in both files."""
        text, codec, bom = decode_source(ctx.source.read_bytes(), ctx.source)
        crlf = "\r\n" in text
        updated = add_keys(text.replace("\r\n", "\n"), {"translationKey": key})
        if crlf:
            updated = updated.replace("\n", "\r\n")
        write_atomic(ctx.source, bom + updated.encode(codec))  # the source's own encoding, BOM and line ends
        ctx.entry.setdefault("flags", []).append("translationKey added to the source file")


def _source_text(ctx: ArticleContext) -> str:
    """The source file's text as written (not repaired): where its translationKey is read."""
    data = ctx.source.read_bytes()
    try:
        return decode_source(data, ctx.source)[0]
    except BitextError:
        return data.decode("utf-8", errors="replace")
