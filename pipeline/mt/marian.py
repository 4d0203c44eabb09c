"""MarianMT through Hugging Face transformers (``MarianMTModel.generate``).

Also holds what the CTranslate2 backend shares with this one: finding the
model (hub id or local folder, offline first), its revision for the
translation memory key, the decoding settings, and length-sorted batching.

torch and transformers are imported inside functions only, so importing
this module costs nothing and ``--backend pseudo`` never loads them.
"""
from __future__ import annotations

import hashlib
import math
import os
import re
import socket
import warnings
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from .alignment import PieceAttention, char_offsets
from .base import ModelUnavailable, Translator

_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")
_REQUIRED_FILES = ("config.json", "vocab.json", "source.spm", "target.spm")
_OPTIONAL_FILES = ("generation_config.json", "tokenizer_config.json", "special_tokens_map.json")
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


def default_model(src: str, tgt: str) -> str:
    """The OPUS-MT model for a direction, e.g. ``Helsinki-NLP/opus-mt-fr-en``."""
    return f"Helsinki-NLP/opus-mt-{src}-{tgt}"


# --------------------------------------------------------------------------
# Finding the model


@dataclass(frozen=True)
class ResolvedModel:
    """A model found on disk: what the user asked for, where it is, which version."""

    model_id: str
    path: Path
    revision: str


def how_to_get(model: str, reason: str) -> str:
    """The one-line message of :class:`ModelUnavailable`: what failed, three ways out."""
    if _HUB_ID.fullmatch(model) and not Path(model).expanduser().exists():
        fetch = f"`huggingface-cli download {model}` (or `hf download {model}`) where there is network"
    else:
        fetch = "a hub id such as Helsinki-NLP/opus-mt-fr-en, fetched with `huggingface-cli download Helsinki-NLP/opus-mt-fr-en`"
    return (
        f"model {model!r} is not available ({reason}); get it with {fetch}, "
        "or run with HF_HUB_OFFLINE=1 and a filled Hugging Face cache (HF_HOME), "
        "or pass --model PATH to a local Marian model folder"
    )


def first_line(exc: BaseException) -> str:
    """An exception as one line (messages of ModelUnavailable stay one line)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__


def resolve_model(model: str, revision: str | None = None) -> ResolvedModel:
    """Find ``model`` (a local folder or a hub id) on disk, downloading only if allowed.

    The local cache is tried first so an offline machine never waits on the
    network; a download is attempted only when ``HF_HUB_OFFLINE`` is unset and
    the hub answers a 3-second TCP probe (huggingface_hub alone retries for
    ~25 s before giving up when there is no network).
    """
    folder = Path(model).expanduser()
    if folder.is_dir():
        return _resolve_folder(model, folder)
    if not _HUB_ID.fullmatch(model):
        raise ModelUnavailable(how_to_get(model, "no such folder, and not a hub id like Org/name"))
    cached = _cached_snapshot(model, revision)
    if cached is not None:
        return cached
    if hub_offline():
        raise ModelUnavailable(how_to_get(model, "not in the local Hugging Face cache and HF_HUB_OFFLINE=1"))
    unreachable = _hub_unreachable()
    if unreachable:
        raise ModelUnavailable(how_to_get(model, f"not in the local Hugging Face cache and {unreachable}"))
    _download(model, revision)
    cached = _cached_snapshot(model, revision)
    if cached is None:
        raise ModelUnavailable(how_to_get(model, "download finished but the cache lacks its files"))
    return cached


def hub_offline() -> bool:
    """True when the user asked for offline mode (read at call time, not import time)."""
    value = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
    return value.strip().upper() in {"1", "ON", "YES", "TRUE"}


def _resolve_folder(model: str, folder: Path) -> ResolvedModel:
    missing = [name for name in _REQUIRED_FILES if not (folder / name).is_file()]
    if not any((folder / name).is_file() for name in _WEIGHT_FILES):
        missing.append(" or ".join(_WEIGHT_FILES))
    if missing:
        raise ModelUnavailable(how_to_get(model, f"folder {folder} lacks {', '.join(missing)}"))
    return ResolvedModel(model_id=model, path=folder.resolve(), revision=folder_revision(folder))


def folder_revision(folder: Path) -> str:
    """A content hash of a local model folder: its config, vocabularies and weights.

    A local folder has no commit hash; hashing the files keeps translation
    memory entries of a retrained model apart from the old ones.
    """
    digest = hashlib.sha256()
    names = _REQUIRED_FILES + _WEIGHT_FILES + ("generation_config.json",)
    for name in names:
        path = folder / name
        if not path.is_file():
            continue
        digest.update(name.encode())
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return "sha256:" + digest.hexdigest()[:16]


def _cached_snapshot(model: str, revision: str | None) -> ResolvedModel | None:
    """The hub cache's snapshot folder for ``model`` when every needed file is there."""
    from huggingface_hub import try_to_load_from_cache

    config = try_to_load_from_cache(model, "config.json", revision=revision)
    if not isinstance(config, str):
        return None
    snapshot = Path(config).parent
    complete = all((snapshot / name).is_file() for name in _REQUIRED_FILES)
    if not complete or not any((snapshot / name).is_file() for name in _WEIGHT_FILES):
        return None
    return ResolvedModel(model_id=model, path=snapshot, revision=snapshot.name)


def _hub_unreachable(timeout: float = 3.0) -> str:
    """Why the hub cannot be reached, or "" when a TCP connection opens.

    Skipped (returns "") behind a proxy, where a direct connection says nothing.
    """
    if any(os.environ.get(k) for k in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")):
        return ""
    from huggingface_hub import constants

    url = urlparse(constants.ENDPOINT)
    host, port = url.hostname or "huggingface.co", url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return ""
    except OSError as exc:
        return f"{host} is unreachable ({exc.__class__.__name__}: {first_line(exc)})"


def _download(model: str, revision: str | None) -> None:
    """Fetch only the files a Marian model needs (the hub repos also hold TF/Rust weights)."""
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import EntryNotFoundError, HfHubHTTPError

    def fetch(name: str) -> bool:
        try:
            hf_hub_download(model, name, revision=revision, etag_timeout=10)
        except EntryNotFoundError:
            return False
        except (OSError, HfHubHTTPError) as exc:
            raise ModelUnavailable(how_to_get(model, f"download of {name} failed: {first_line(exc)}")) from exc
        return True

    for name in _REQUIRED_FILES:
        if not fetch(name):
            raise ModelUnavailable(how_to_get(model, f"the hub repo has no {name}; is it a Marian model?"))
    for name in _OPTIONAL_FILES:
        fetch(name)
    if not any(fetch(name) for name in _WEIGHT_FILES):
        raise ModelUnavailable(how_to_get(model, "the hub repo has no PyTorch weights"))


# --------------------------------------------------------------------------
# Decoding settings and batching, shared by both backends


@dataclass(frozen=True)
class Decoding:
    """Decoding settings; the names are the pipeline's, each backend maps them.

    ``max_length_ratio``/``max_length_extra`` bound the output at
    ``ratio * input tokens + extra`` (never above the model's positions), so a
    looping sentence stops early instead of running to 512 tokens.
    ``exact_length`` makes that bound the exact output length (EOS is
    suppressed until then): for benchmarks, where random weights would
    otherwise decide the output length.
    """

    num_beams: int = 4
    max_length_ratio: float = 2.0
    max_length_extra: int = 16
    max_new_tokens_cap: int = 512
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0
    exact_length: bool = False

    def with_overrides(self, overrides: dict[str, Any]) -> "Decoding":
        """A copy with ``overrides`` applied; an unknown name is an error, not a no-op."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ValueError(f"unknown decoding setting(s) {unknown}; known: {sorted(known)}")
        return replace(self, **overrides) if overrides else self

    def max_new_tokens(self, input_tokens: int, max_positions: int) -> int:
        """Output budget for an input of ``input_tokens`` tokens (EOS included)."""
        cap = min(self.max_new_tokens_cap, max_positions)
        return max(1, min(cap, math.ceil(self.max_length_ratio * input_tokens) + self.max_length_extra))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def token_batches(lengths: list[int], max_tokens: int, max_examples: int, min_batches: int = 1) -> list[list[int]]:
    """Indices grouped into batches of similar length, longest first, each within a token budget.

    Padding costs as much compute as real tokens: sorting by length keeps it
    low (the sentences of every article of a group are sorted together). A
    batch holds at most ``max_examples`` sentences and ``max_tokens`` padded
    source tokens (sentences x its longest), so memory stays bounded however
    long the sentences are. ``min_batches`` shrinks the budget for small
    inputs, so that parallel workers (CTranslate2's ``inter_threads``) each
    get a batch. The longest batch comes first, so an out-of-memory error
    shows at once.
    """
    if not lengths:
        return []
    order = sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=True)
    if min_batches > 1:
        max_examples = max(1, min(max_examples, math.ceil(len(order) / min_batches)))
        max_tokens = max(1, min(max_tokens, math.ceil(sum(lengths) / min_batches)))
    batches: list[list[int]] = [[order[0]]]
    for i in order[1:]:
        batch = batches[-1]
        if len(batch) < max_examples and (len(batch) + 1) * lengths[batch[0]] <= max_tokens:
            batch.append(i)
        else:
            batches.append([i])
    return batches


def max_input_tokens(max_positions: int) -> int:
    """Longest input (tokens, EOS included) the pipeline sends to a model.

    Half the positions: the output, often longer than the input (French is
    ~15% longer than English), must fit the same 512 positions, and opus-mt
    was trained on sentences, so shorter chunks also translate better.
    """
    return max(8, max_positions // 2 - 2)


def load_tokenizer(path: Path):
    """MarianTokenizer from a model folder (source.spm, target.spm, vocab.json)."""
    from transformers import MarianTokenizer

    with warnings.catch_warnings():
        # sacremoses is suggested but unused by transformers 5's Marian tokenization.
        warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
        return MarianTokenizer.from_pretrained(str(path))


def pick_torch_device(device: str) -> str:
    """``auto`` → ``cuda`` when torch sees a GPU, else ``cpu``."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class MarianBackend(Translator):
    """What both model backends share: the model found on disk, its tokenizer, decoding, token counts.

    The tokenizer loads at once (it is needed for chunking and token counts
    even when every sentence comes from the translation memory); the model
    weights load on the first call that needs them.
    """

    batches_across_articles = True
    accepts_decoding_overrides = True
    device: str

    def _load_common(self, model: str, revision: str | None, batch_size: int, num_beams: int,
                     max_length_ratio: float, max_new_tokens_cap: int, decoding: dict[str, Any]) -> None:
        self.resolved = resolve_model(model, revision)
        self.model_id = model
        self.batch_size = batch_size
        self.decoding = Decoding(
            num_beams=num_beams, max_length_ratio=max_length_ratio, max_new_tokens_cap=max_new_tokens_cap
        ).with_overrides(decoding)
        self.tokenizer = _load_or_explain(model, load_tokenizer, self.resolved.path)
        self.max_positions = model_max_positions(self.resolved.path)
        self.model_calls = 0
        self.generated_tokens = 0

    def source_tokens(self, text: str) -> int:
        """Source tokens of ``text`` as the model sees it (EOS included)."""
        return len(self.tokenizer.spm_source.encode(text)) + 1

    def target_tokens(self, text: str) -> int:
        """Target tokens of ``text`` (EOS included)."""
        return len(self.tokenizer.spm_target.encode(text)) + 1

    @property
    def max_input_tokens(self) -> int:  # type: ignore[override]
        return max_input_tokens(self.max_positions)

    def cannot_write(self, grapheme: str) -> bool:
        """Whether the target vocabulary lacks a piece of ``grapheme`` (the model would write ``⁇``)."""
        known = self.__dict__.setdefault("_writable", {})
        if grapheme not in known:
            pieces = self.tokenizer.spm_target.encode(grapheme, out_type=str)
            unk = self.tokenizer.unk_token_id
            known[grapheme] = any(self.tokenizer.convert_tokens_to_ids(p) == unk for p in pieces if p != "\u2581")
        return known[grapheme]

    def cross_attention(self, sources: list[str], targets: list[str]) -> list[PieceAttention | None]:
        """Cross-attention of the first head of the last decoder layer (OPUS-MT's alignment head) over
        each forced translation; rows per target piece, columns per source piece, EOS left out."""
        out: list[PieceAttention | None] = []
        for source, target in zip(sources, targets):
            src = _piece_spans(self.tokenizer.spm_source, source)
            tgt = _piece_spans(self.tokenizer.spm_target, target)
            if not src or not tgt or max(len(src), len(tgt)) + 1 > self.max_positions:
                out.append(None)
                continue
            rows = self._attention_rows(source, target)
            out.append(PieceAttention(src, tgt, [row[: len(src)] for row in rows[: len(tgt)]]))
        return out

    def _attention_rows(self, source: str, target: str) -> list[list[float]]:
        raise NotImplementedError

    def _signature(self, **specific: object) -> dict[str, object]:
        """What produced a translation (memory key, energy signature): common fields + the backend's own."""
        return {
            "backend": self.name,
            "model": self.model_id,
            "revision": self.resolved.revision,
            "device": self.device,
            **specific,
            "beams": self.decoding.num_beams,
            "decoding": self.decoding.as_dict(),
        }


# --------------------------------------------------------------------------
# The transformers backend


class MarianTranslator(MarianBackend):
    """MarianMT with transformers' ``generate()``."""

    name = "marian"

    def __init__(
        self,
        model: str,
        device: str = "auto",
        num_beams: int = 4,
        batch_size: int = 16,
        batch_tokens: int = 2048,
        max_length_ratio: float = 2.0,
        max_new_tokens_cap: int = 512,
        revision: str | None = None,
        threads: int | None = None,
        dtype: str = "float32",
        **decoding: Any,
    ) -> None:
        self._load_common(model, revision, batch_size, num_beams, max_length_ratio, max_new_tokens_cap, decoding)
        self.device = pick_torch_device(device)
        self.dtype = check_dtype(dtype, self.device)
        self.batch_tokens = batch_tokens
        self.threads = threads
        self._model = None

    def translate(self, batch: list[str], **overrides: Any) -> list[str]:
        """Translate every string of ``batch``; ``overrides`` change decoding for this call."""
        if not batch:
            return []
        decoding = self.decoding.with_overrides(overrides)
        encoded = [self.tokenizer(text, truncation=True, max_length=self.max_positions)["input_ids"] for text in batch]
        out: list[str] = [""] * len(batch)
        for indices in token_batches([len(e) for e in encoded], self.batch_tokens, self.batch_size):
            texts = self._generate([encoded[i] for i in indices], decoding)
            for i, text in zip(indices, texts):
                out[i] = text
        self.model_calls += len(batch)
        return out

    def _generate(self, ids: list[list[int]], decoding: Decoding) -> list[str]:
        import torch

        model = self._load_model()
        pad = self.tokenizer.pad_token_id
        width = max(len(seq) for seq in ids)
        input_ids = torch.tensor([seq + [pad] * (width - len(seq)) for seq in ids], device=self.device)
        mask = torch.tensor([[1] * len(seq) + [0] * (width - len(seq)) for seq in ids], device=self.device)
        new_tokens = decoding.max_new_tokens(width, self.max_positions)
        kwargs: dict[str, Any] = {
            "num_beams": decoding.num_beams,
            "max_new_tokens": new_tokens,
            "no_repeat_ngram_size": decoding.no_repeat_ngram_size,
            "repetition_penalty": decoding.repetition_penalty,
        }
        if decoding.exact_length:
            kwargs["min_new_tokens"] = new_tokens
        with torch.inference_mode():
            output = model.generate(input_ids=input_ids, attention_mask=mask, **kwargs)
        generated = output[:, 1:]  # after the decoder start token; EOS not counted, as in CTranslate2
        self.generated_tokens += int(((generated != pad) & (generated != self.tokenizer.eos_token_id)).sum())
        # Target pieces are decoded with the target SentencePiece model.
        return self.tokenizer.batch_decode(output, skip_special_tokens=True, use_source_tokenizer=False)

    def _attention_rows(self, source: str, target: str) -> list[list[float]]:
        import torch

        model = self._load_model()
        source_ids = self.tokenizer(source, truncation=True, max_length=self.max_positions)["input_ids"]
        target_ids = self.tokenizer(text_target=target, truncation=True, max_length=self.max_positions)["input_ids"]
        decoder_ids = [model.config.decoder_start_token_id] + target_ids[:-1]
        previous = model.config._attn_implementation
        model.set_attn_implementation("eager")  # sdpa computes no attention weights to return
        try:
            with torch.inference_mode():
                output = model(input_ids=torch.tensor([source_ids], device=self.device),
                               decoder_input_ids=torch.tensor([decoder_ids], device=self.device),
                               output_attentions=True)
        finally:
            model.set_attn_implementation(previous)
        return output.cross_attentions[-1][0, 0].float().cpu().tolist()

    def _load_model(self):
        if self._model is None:
            self._model = _load_or_explain(self.model_id, _load_torch_model, self.resolved.path, self.device, self.threads,
                                           self.dtype)
        return self._model

    def signature(self) -> dict[str, object]:
        return self._signature(dtype=self.dtype)


def check_dtype(dtype: str, device: str) -> str:
    """``float32`` (the reference), or ``bfloat16`` where the hardware computes it natively.

    bfloat16 halves the weights' memory traffic and, on CPUs with AVX512-BF16
    or AMX, runs matrix products about twice as fast; elsewhere it is
    emulated and slower, so it is refused rather than silently slow. Outputs
    differ slightly from float32's.
    """
    if dtype == "float32":
        return dtype
    if dtype != "bfloat16":
        raise ValueError(f"dtype {dtype!r} is not one of float32, bfloat16")
    import torch

    native = torch.cuda.is_bf16_supported() if device == "cuda" else torch.ops.mkldnn._is_mkldnn_bf16_supported()
    if not native:
        raise ValueError(f"dtype 'bfloat16' is not computed natively on this {device} (needs AVX512-BF16 or AMX on a CPU); "
                         "use float32")
    return dtype


def _load_torch_model(path: Path, device: str, threads: int | None, dtype: str = "float32"):
    import torch
    from transformers import MarianMTModel

    if threads:
        torch.set_num_threads(threads)
    model = MarianMTModel.from_pretrained(str(path), dtype=getattr(torch, dtype))
    # Lengths come from max_new_tokens on every call; the hub default of
    # max_length=512 would only add a warning per call. Forcing EOS at the
    # length limit would replace a real token: CTranslate2 does not, and
    # both backends should agree on truncated outputs.
    model.generation_config.max_length = None
    model.generation_config.forced_eos_token_id = None
    return model.to(device).eval()


def _piece_spans(processor, text: str) -> list[tuple[int, int]]:
    """Character offsets of the SentencePiece pieces of ``text`` (what the model reads, EOS aside)."""
    proto = processor.encode(text, return_type="proto")
    return char_offsets(text, [(piece.begin, piece.end) for piece in proto.pieces])


def model_max_positions(path: Path) -> int:
    import json

    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    return int(config.get("max_position_embeddings", 512))


def _load_or_explain(model: str, loader, *args):
    """Run ``loader``; a corrupt or incomplete model folder becomes ModelUnavailable."""
    try:
        return loader(*args)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelUnavailable(how_to_get(model, f"loading failed: {first_line(exc)}")) from exc
