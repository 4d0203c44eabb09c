"""The stages of a run. Each is a small class with a ``name`` and one method.

``run(doc, ctx)`` takes the document and returns it; a stage records the work
it did in ``ctx.work`` (units, sentences, tokens), which the energy meter puts
in its record, and the files it wrote in ``ctx.outputs``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .document import Document
from .encoding import encode_article, write_atomic
from .extract import extract_file
from .pseudo_units import pseudo_unit
from .reinsert import fill_skeleton


@dataclass
class ArticleContext:
    """What a stage may read and write for one article."""

    source: Path
    config: dict[str, Any]
    out_dir: Path
    target_path: Path  # the translated article
    work_dir: Path  # OUT/<relative dir>/<name>.bitext: the stage files
    source_lang: str
    target_lang: str
    translator: Any = None
    in_place: bool = False
    work: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    text: str | None = None  # the record's text when the article is a JSONL/dataset record
    result_text: str | None = None  # the translated record text (records are not written as files)

    def record_output(self, key: str, path: Path) -> None:
        """Note a file written for this article (relative to OUT when it is inside it)."""
        try:
            self.outputs[key] = str(path.resolve().relative_to(self.out_dir.resolve()))
        except ValueError:
            self.outputs[key] = str(path.resolve())


def _write_json(path: Path, data: Any) -> None:
    write_atomic(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")


class ExtractStage:
    """Read the article into a Document and save it as ``document.json``."""

    name = "extract"

    def run(self, doc: Document | None, ctx: ArticleContext) -> Document:
        if ctx.text is not None:
            from .encoding import repair_mojibake
            from .errors import BitextError

            if not ctx.text.strip():
                raise BitextError("the record's text field is empty or missing: nothing to translate", path=str(ctx.source))
            from .extract import extract_text

            text, repairs = repair_mojibake(ctx.text.replace("\r\n", "\n"))
            doc = extract_text(text, str(ctx.source), ctx.config, ctx.source_lang)
            doc.metadata["encoding"] = {"newline": "\n", "bom": False, "decoded_as": "utf-8", "mojibake": repairs}
        else:
            doc = extract_file(ctx.source, ctx.config, ctx.source_lang)
        doc.source_lang = ctx.source_lang
        doc.target_lang = ctx.target_lang
        path = ctx.work_dir / "document.json"
        _write_json(path, doc.to_dict())
        ctx.record_output("document", path)
        ctx.work["units"] = len(doc.units)
        ctx.work["source_tokens"] = sum(len(u.text.split()) for u in doc.units)
        return doc


class TranslateStage:
    """Give every unit a target text and target inline codes.

    ``identity`` and ``pseudo`` work on whole units with their codes in
    place; model backends are driven through ``pipeline.translate``.
    """

    name = "translate"

    def run(self, doc: Document, ctx: ArticleContext) -> Document:
        translator = ctx.translator
        backend = getattr(translator, "name", "identity")
        if backend == "identity":
            for u in doc.units:
                u.target, u.target_codes = u.text, list(u.codes)
        elif backend == "pseudo":
            for u in doc.units:
                u.target, u.target_codes = pseudo_unit(u)
        else:
            from .translate import translate_documents

            translate_documents([doc], translator, [ctx])
        ctx.work.setdefault("units", len(doc.units))
        ctx.work.setdefault("source_tokens", sum(len(u.text.split()) for u in doc.units))
        ctx.work.setdefault("target_tokens", sum(len((u.target or "").split()) for u in doc.units))
        path = ctx.work_dir / "translated.json"
        _write_json(path, doc.to_dict())
        ctx.record_output("translated", path)
        return doc

    def run_many(self, docs: list[Document], ctxs: list[ArticleContext]) -> dict[str, Any]:
        """Translate several articles' units in one model pass; write each one's translated.json."""
        from .translate import translate_documents

        counts = translate_documents(docs, ctxs[0].translator, ctxs)
        for doc, ctx in zip(docs, ctxs):
            path = ctx.work_dir / "translated.json"
            _write_json(path, doc.to_dict())
            ctx.record_output("translated", path)
        return counts


class HugoFrontMatterStage:
    """Plan the Hugo keys of the translated file (translationKey, draft, translator).

    Only model translations get them: ``identity`` must reproduce the source
    byte for byte and ``pseudo`` must keep the front matter as it is.
    """

    name = "hugo"

    def run(self, doc: Document, ctx: ArticleContext) -> Document:
        from .hugo import derive_key, translation_key

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
        from .hugo import add_keys

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


class ReinsertStage:
    """Fill the skeleton and write the Hugo-ready translated article, atomically."""

    name = "reinsert"

    def run(self, doc: Document, ctx: ArticleContext) -> Document:
        from .hugo import add_keys

        text = fill_skeleton(doc)
        if ctx.text is not None:  # a record: the runner writes it back with the others
            ctx.result_text = text
            ctx.work["units"] = len(doc.units)
            return doc
        keys = doc.metadata.get("hugo_keys")
        if keys:
            text = add_keys(text, keys)
        write_atomic(ctx.target_path, encode_article(text, doc.metadata.get("encoding", {})))
        ctx.record_output("article", ctx.target_path)
        ctx.work["units"] = len(doc.units)
        return doc
