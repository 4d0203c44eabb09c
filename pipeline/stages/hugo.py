"""hugo: plan the Hugo front matter keys of the translated file (translationKey, draft, translator)."""
from __future__ import annotations

from ..document import Document
from ..markdown.encoding import write_atomic
from .base import ArticleContext


class HugoFrontMatterStage:
    """Plan the Hugo keys of the translated file (translationKey, draft, translator).

    Only model translations get them: ``identity`` must reproduce the source
    byte for byte and ``pseudo`` must keep the front matter as it is.
    """

    name = "hugo"

    def run(self, doc: Document, ctx: ArticleContext) -> Document:
        from ..markdown.hugo_keys import derive_key, translation_key

        hugo = ctx.config["hugo"]
        backend = getattr(ctx.translator, "name", "identity")
        keys: dict[str, object] = {}
        if backend in ("identity", "pseudo"):
            doc.metadata["hugo_keys"] = keys
            return doc
        if ctx.text is not None:  # records are not Hugo files
            doc.metadata["hugo_keys"] = keys
            return doc
        source_text = ctx.source.read_text(encoding="utf-8", errors="replace")
        if hugo["translation_key"]:
            existing = translation_key(source_text)
            keys["translationKey"] = existing or derive_key(ctx.source)
            if existing is None and ctx.in_place:
                self._add_to_source(ctx, keys["translationKey"])
        if hugo["draft"]:
            keys["draft"] = True
        if hugo["translated_by_key"]:
            keys[hugo["translated_by_key"]] = getattr(ctx.translator, "model_id", backend)
        doc.metadata["hugo_keys"] = keys
        return doc

    @staticmethod
    def _add_to_source(ctx: ArticleContext, key: str) -> None:
        """With --in-place only: Hugo needs the same translationKey in both files."""
        from ..markdown.hugo_keys import add_keys

        data = ctx.source.read_bytes()
        text = data.decode("utf-8-sig")
        crlf = "\r\n" in text
        updated = add_keys(text.replace("\r\n", "\n"), {"translationKey": key})
        if crlf:
            updated = updated.replace("\n", "\r\n")
        if data.startswith(b"\xef\xbb\xbf"):
            updated = "\ufeff" + updated
        write_atomic(ctx.source, updated.encode("utf-8"))
        ctx.flags.append("translationKey added to the source file")
