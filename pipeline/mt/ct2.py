"""MarianMT through CTranslate2: the same model, converted once, int8 on CPU, tuned for throughput.

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
from .marian import Decoding, MarianBackend, first_line, how_to_get, token_batches

_STORED_TYPES = {"int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32"}
# Fastest first, as measured by bench/ct2_options.py --sweep compute (CPU) and bench/gpu_speed.sh (CUDA).
# On CPU, int8 is int8_float32 (int8 matrix products, float32 elsewhere): same speed, same outputs.
_PREFERRED = {
    "cpu": ("int8", "int8_float32", "int8_bfloat16", "bfloat16", "float32"),
    "cuda": ("int8_float16", "float16", "int8_bfloat16", "bfloat16", "int8", "float32"),
}


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


def supported_compute_types(device: str) -> set[str]:
    """What CTranslate2 can compute with on ``device`` here (depends on the CPU or GPU)."""
    import ctranslate2

    return set(ctranslate2.get_supported_compute_types(device))


def pick_compute_type(device: str, requested: str | None, supported: set[str]) -> str:
    """``requested``, or for ``auto``/``None`` the fastest type ``device`` supports.

    A type the device cannot run is an error naming the ones it can, rather
    than CTranslate2's silent fallback to another type.
    """
    if requested in (None, "auto", "default"):
        for kind in _PREFERRED.get(device, _PREFERRED["cpu"]):
            if kind in supported:
                return kind
        return "float32"
    if requested not in supported:
        raise ValueError(f"compute_type {requested!r} is not supported on {device} here; "
                         f"supported: {', '.join(sorted(supported))} (or auto)")
    return requested


def split_threads(cores: int, inter_threads: int | None = None) -> tuple[int, int]:
    """``(intra_threads, inter_threads)`` for ``cores`` cores.

    ``inter_threads`` translators (replicas sharing one copy of the weights)
    each work on their own batch with ``cores // inter_threads`` threads. On
    CPUs, one thread per batch with one batch per core wastes least time
    synchronising threads inside small matrix products; ``inter_threads`` is
    capped at the cores.
    """
    cores = max(1, cores)
    inter = max(1, min(cores, inter_threads or cores))
    return max(1, cores // inter), inter


def available_cores() -> int:
    """CPU cores this process may use (the affinity mask, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class CTranslate2Translator(MarianBackend):
    """A Marian model run by ``ctranslate2.Translator``; converted on first use.

    Tuned for throughput: the compute type is the fastest the device
    supports (``auto``), the cores are split into ``inter_threads``
    translators working on different batches at once, sentences are sorted
    by length and cut into batches of at most ``batch_tokens`` padded source
    tokens (``batch_size`` sentences), all submitted at once; ``shortlist``
    restricts the output projection to a vocabulary map's candidates
    (``pipeline.mt.vocab_map``).
    """

    name = "ctranslate2"

    def __init__(
        self,
        model: str,
        device: str = "auto",
        compute_type: str | None = "auto",
        num_beams: int = 4,
        batch_size: int = 64,
        batch_tokens: int = 2048,
        max_length_ratio: float = 2.0,
        max_new_tokens_cap: int = 512,
        cache_dir: str | Path | None = None,
        revision: str | None = None,
        threads: int | None = None,
        inter_threads: int | None = None,
        shortlist: str | Path | bool | None = None,
        **decoding: Any,
    ) -> None:
        self._load_common(model, revision, batch_size, num_beams, max_length_ratio, max_new_tokens_cap, decoding)
        self.device = pick_ct2_device(device)
        self.compute_type = pick_compute_type(self.device, compute_type, supported_compute_types(self.device))
        self.batch_tokens = batch_tokens
        self.threads = threads or available_cores()
        self.intra_threads, self.inter_threads = (
            split_threads(self.threads, inter_threads) if self.device == "cpu" else (self.threads, inter_threads or 1))
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
        self.shortlist_path = self._shortlist_path(shortlist)
        self.output_vocab_sizes: list[int] = []  # per batch, with a shortlist
        self._translator = None
        self._vocab_map = None

    # -- conversion --------------------------------------------------------

    @property
    def quantization(self) -> str | None:
        """What the converted weights are stored as (None: as in the checkpoint)."""
        return self.compute_type if self.compute_type in _STORED_TYPES else None

    def _cache_name(self, *parts: str) -> str:
        """``<model name>-<hash of where it is, its revision and parts>``."""
        key = "\n".join([str(self.resolved.path) if self._local else self.model_id, self.resolved.revision, *parts])
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        stem = re.sub(r"[^\w.-]+", "-", Path(self.model_id).name or "model")
        return f"{stem}-{digest}"

    @property
    def converted_dir(self) -> Path:
        """Cache folder for this model, revision and quantization."""
        import ctranslate2

        major = ctranslate2.__version__.split(".")[0]
        return self.cache_dir / self._cache_name(str(self.quantization), f"ct2-{major}")

    @property
    def default_shortlist_path(self) -> Path:
        """Where ``bitext shortlist`` keeps the vocabulary map of this model and revision."""
        return self.cache_dir / "vmaps" / f"{self._cache_name('vmap')}.txt"

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
        _publish(tmp, target)
        return target

    # -- vocabulary shortlist ----------------------------------------------

    def _shortlist_path(self, shortlist: str | Path | bool | None) -> Path | None:
        if shortlist in (None, False, "", "off"):
            return None
        path = self.default_shortlist_path if shortlist in (True, "auto") else Path(str(shortlist)).expanduser()
        if not path.is_file():
            how = ("build it with `bitext shortlist CORPUS --to LANG` (the model's own translations)"
                   if shortlist in (True, "auto") else "check translate.shortlist")
            raise ModelUnavailable(f"no vocabulary shortlist for {self.model_id!r} at {path}; {how}, "
                                   "or set translate.shortlist: null for the full vocabulary")
        return path

    @property
    def vocab_map(self):
        """The shortlist in use (read once), or None."""
        if self.shortlist_path is not None and self._vocab_map is None:
            from pipeline.mt.vocab_map import VocabMap

            self._vocab_map = VocabMap.read(self.shortlist_path)
        return self._vocab_map

    def _model_dir(self) -> Path:
        """The converted folder, or with a shortlist a folder beside it that links its files and
        adds ``vmap.txt`` (CTranslate2 reads the map from the model folder)."""
        base = self.convert()
        if self.shortlist_path is None:
            return base
        from pipeline.mt.vocab_map import map_digest

        view = self.cache_dir / f"{base.name}+vmap-{map_digest(self.shortlist_path)[7:]}"
        if (view / "vmap.txt").is_file():
            return view
        tmp = self.cache_dir / f".{view.name}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for item in base.iterdir():
            try:
                (tmp / item.name).symlink_to(item.resolve())
            except OSError:  # no symlinks here: copy
                shutil.copy2(item, tmp / item.name)
        shutil.copyfile(self.shortlist_path, tmp / "vmap.txt")
        _publish(tmp, view)
        return view

    def _load(self):
        if self._translator is None:
            import ctranslate2

            path = self._model_dir()
            try:
                self._translator = ctranslate2.Translator(
                    str(path), device=self.device, compute_type=self.compute_type,
                    intra_threads=self.intra_threads, inter_threads=self.inter_threads,
                )
            except (RuntimeError, ValueError) as exc:
                reason = f"CTranslate2 could not load {path} ({first_line(exc)}); delete that folder to convert again"
                raise ModelUnavailable(how_to_get(self.model_id, reason)) from exc
        return self._translator

    # -- translation -------------------------------------------------------

    def translate(self, batch: list[str], **overrides: Any) -> list[str]:
        """Translate every string of ``batch``; ``overrides`` change decoding for this call.

        Every batch is submitted at once (asynchronously), so the
        ``inter_threads`` translators work in parallel; results come back in
        the order of ``batch``.
        """
        if not batch:
            return []
        decoding = self.decoding.with_overrides(overrides)
        tokens = [self._pieces(text) for text in batch]
        translator = self._load()
        pending = []
        for indices in token_batches([len(t) for t in tokens], self.batch_tokens, self.batch_size, self.inter_threads):
            source = [tokens[i] for i in indices]
            if self.vocab_map is not None:
                self.output_vocab_sizes.append(len(self.vocab_map.candidates(source)) + 3)
            pending.append((indices, translator.translate_batch(source, asynchronous=True, **self._options(source, decoding))))
        out: list[str] = [""] * len(batch)
        for indices, results in pending:
            hypotheses = [r.result().hypotheses[0] for r in results]
            self.generated_tokens += sum(len(h) for h in hypotheses)
            for i, h in zip(indices, hypotheses):
                out[i] = self.tokenizer.decode(self.tokenizer.convert_tokens_to_ids(h), skip_special_tokens=True,
                                               use_source_tokenizer=False)
        self.model_calls += len(batch)
        return out

    def _pieces(self, text: str) -> list[str]:
        ids = self.tokenizer(text, truncation=True, max_length=self.max_positions)["input_ids"]
        return self.tokenizer.convert_ids_to_tokens(ids)

    def _options(self, source: list[list[str]], decoding: Decoding) -> dict[str, Any]:
        length = decoding.max_new_tokens(max(len(s) for s in source), self.max_positions)
        return {
            "beam_size": decoding.num_beams,
            "max_decoding_length": length,
            "min_decoding_length": length if decoding.exact_length else 1,
            "no_repeat_ngram_size": decoding.no_repeat_ngram_size,
            "repetition_penalty": decoding.repetition_penalty,
            "max_input_length": self.max_positions,
            "use_vmap": self.shortlist_path is not None,
        }

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

        specific: dict[str, object] = {"compute_type": self.compute_type, "ctranslate2": ctranslate2.__version__}
        if self.shortlist_path is not None:  # a shortlist may change outputs: its own memory entries
            from pipeline.mt.vocab_map import map_digest

            specific["shortlist"] = map_digest(self.shortlist_path)
        return self._signature(**specific)


def _publish(tmp: Path, target: Path) -> None:
    """Rename a finished temporary folder into place (another process may have won the race)."""
    try:
        tmp.rename(target)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
