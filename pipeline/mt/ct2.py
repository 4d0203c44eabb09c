"""MarianMT through CTranslate2: the same model, converted once, int8 on CPU.

CTranslate2 runs the Transformer with fused kernels and int8 weights; on a
laptop CPU it translates several times faster than transformers' fp32
``generate()`` and with less memory. The conversion is done once per
(model, revision, quantization) and kept under ``~/.cache/bitext/ct2/``.

Tokenization is MarianTokenizer's, as in the transformers backend, so both
backends see the same pieces and the same sentence segmentation.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import warnings
from pathlib import Path
from typing import Any

from .base import ModelUnavailable
from .marian import Decoding, MarianBackend, first_line, how_to_get, length_sorted_batches

_STORED_TYPES = {"int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32"}


def default_cache_dir() -> Path:
    """``$BITEXT_CACHE_DIR/ct2`` or ``~/.cache/bitext/ct2`` (XDG_CACHE_HOME honoured), beside the translation memory."""
    root = os.environ.get("BITEXT_CACHE_DIR")
    if root:
        return Path(root).expanduser() / "ct2"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "bitext" / "ct2"


def pick_ct2_device(device: str) -> str:
    """``auto`` → ``cuda`` when CTranslate2 sees a GPU, else ``cpu``."""
    if device != "auto":
        return device
    import ctranslate2

    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


def available_cores() -> int:
    """CPU cores this process may use (the affinity mask, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class CTranslate2Translator(MarianBackend):
    """A Marian model run by ``ctranslate2.Translator``; converted on first use."""

    name = "ctranslate2"

    def __init__(
        self,
        model: str,
        device: str = "auto",
        compute_type: str | None = None,
        num_beams: int = 4,
        batch_size: int = 16,
        max_length_ratio: float = 2.0,
        max_new_tokens_cap: int = 512,
        cache_dir: str | Path | None = None,
        revision: str | None = None,
        threads: int | None = None,
        **decoding: Any,
    ) -> None:
        self._load_common(model, revision, batch_size, num_beams, max_length_ratio, max_new_tokens_cap, decoding)
        self.device = pick_ct2_device(device)
        self.compute_type = compute_type or ("int8" if self.device == "cpu" else "int8_float16")
        self.threads = threads or available_cores()
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
        self._translator = None

    # -- conversion --------------------------------------------------------

    @property
    def quantization(self) -> str | None:
        """What the converted weights are stored as (None: as in the checkpoint)."""
        return self.compute_type if self.compute_type in _STORED_TYPES else None

    @property
    def converted_dir(self) -> Path:
        """Cache folder for this model, revision and quantization."""
        import ctranslate2

        major = ctranslate2.__version__.split(".")[0]
        key = "\n".join([str(self.resolved.path) if self._local else self.model_id,
                         self.resolved.revision, str(self.quantization), f"ct2-{major}"])
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        stem = re.sub(r"[^\w.-]+", "-", Path(self.model_id).name or "model")
        return self.cache_dir / f"{stem}-{digest}"

    @property
    def _local(self) -> bool:
        return not self.resolved.revision or self.resolved.revision.startswith("sha256:")

    def convert(self) -> Path:
        """Convert the model unless already converted; return the CTranslate2 folder.

        Written to a temporary folder then renamed, so two processes converting
        at once never leave (or load) a half-written model.
        """
        target = self.converted_dir
        if (target / "model.bin").is_file():
            return target
        from ctranslate2.converters import TransformersConverter

        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.cache_dir / f".{target.name}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
                TransformersConverter(str(self.resolved.path)).convert(str(tmp), quantization=self.quantization, force=True)
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise ModelUnavailable(how_to_get(self.model_id, f"CTranslate2 conversion failed: {first_line(exc)}")) from exc
        try:
            tmp.rename(target)
        except OSError:  # another process finished first
            shutil.rmtree(tmp, ignore_errors=True)
        return target

    def _load(self):
        if self._translator is None:
            import ctranslate2

            path = self.convert()
            try:
                self._translator = ctranslate2.Translator(
                    str(path), device=self.device, compute_type=self.compute_type, intra_threads=self.threads
                )
            except (RuntimeError, ValueError) as exc:
                reason = f"CTranslate2 could not load {path} ({first_line(exc)}); delete that folder to convert again"
                raise ModelUnavailable(how_to_get(self.model_id, reason)) from exc
        return self._translator

    # -- translation -------------------------------------------------------

    def translate(self, batch: list[str], **overrides: Any) -> list[str]:
        """Translate every string of ``batch``; ``overrides`` change decoding for this call."""
        if not batch:
            return []
        decoding = self.decoding.with_overrides(overrides)
        tokens = [self._pieces(text) for text in batch]
        out: list[str] = [""] * len(batch)
        for indices in length_sorted_batches([len(t) for t in tokens], self.batch_size):
            texts = self._translate_batch([tokens[i] for i in indices], decoding)
            for i, text in zip(indices, texts):
                out[i] = text
        self.model_calls += len(batch)
        return out

    def _pieces(self, text: str) -> list[str]:
        ids = self.tokenizer(text, truncation=True, max_length=self.max_positions)["input_ids"]
        return self.tokenizer.convert_ids_to_tokens(ids)

    def _translate_batch(self, source: list[list[str]], decoding: Decoding) -> list[str]:
        length = decoding.max_new_tokens(max(len(s) for s in source), self.max_positions)
        results = self._load().translate_batch(
            source,
            beam_size=decoding.num_beams,
            max_decoding_length=length,
            min_decoding_length=length if decoding.exact_length else 1,
            no_repeat_ngram_size=decoding.no_repeat_ngram_size,
            repetition_penalty=decoding.repetition_penalty,
            max_input_length=self.max_positions,
        )
        hypotheses = [r.hypotheses[0] for r in results]
        self.generated_tokens += sum(len(h) for h in hypotheses)
        return [
            self.tokenizer.decode(self.tokenizer.convert_tokens_to_ids(h), skip_special_tokens=True, use_source_tokenizer=False)
            for h in hypotheses
        ]

    def _attention_rows(self, source: str, target: str) -> list[list[float]]:
        """The forced translation as a target prefix; CTranslate2 returns the attention its converter
        selected for alignment: the first head of the last decoder layer."""
        target_ids = self.tokenizer(text_target=target, truncation=True, max_length=self.max_positions)["input_ids"]
        prefix = self.tokenizer.convert_ids_to_tokens(target_ids)[:-1]
        results = self._load().translate_batch(
            [self._pieces(source)], target_prefix=[prefix], beam_size=1,
            max_decoding_length=len(prefix) + 1, return_attention=True, max_input_length=self.max_positions,
        )
        return [list(row) for row in results[0].attention[0]]

    def signature(self) -> dict[str, object]:
        import ctranslate2

        return self._signature(compute_type=self.compute_type, ctranslate2=ctranslate2.__version__)
