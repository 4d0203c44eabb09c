"""Build a tiny MarianMT model that loads exactly like a hub model.

Real opus-mt weights need the network; the tests need the *loading and
decoding code paths* of both backends, not translation quality. So this
trains real SentencePiece models on corpus text, lays the vocabulary out as
opus-mt does (``</s>`` = 0, ``<unk>`` = 1, ``<pad>`` last, which CTranslate2's
converter relies on), builds a ``MarianConfig`` with tiny dimensions and
seeded random weights, and writes everything with ``save_pretrained``.

``bench/translate_speed.py`` uses the same builder with opus-mt dimensions.
"""
from __future__ import annotations

import io
import json
import string
import warnings
from pathlib import Path

SHARED_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
REPO_CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def corpus_texts(lang: str | None = None, root: Path | None = None) -> list[str]:
    """Article texts (``*.fr.md`` / ``*.en.md``), read in place.

    The shared corpus beside the repo (``../shared/corpus`` and its
    ``real/*/``) when present, else the repo's own ``corpus/``.
    """
    pattern = f"*.{lang}.md" if lang else "*.md"
    for base in ([root] if root else [SHARED_CORPUS, REPO_CORPUS]):
        files = sorted(base.glob(pattern)) + sorted(base.glob(f"real/*/{pattern}")) + sorted(base.glob(f"*/{pattern}"))
        texts = [p.read_text(encoding="utf-8", errors="replace") for p in dict.fromkeys(files) if p.name != "README.md"]
        if texts:
            return texts
    raise FileNotFoundError(f"no {pattern} articles under {SHARED_CORPUS} or {REPO_CORPUS}")


def _train_spm(texts: list[str], vocab_size: int) -> bytes:
    import sentencepiece as spm

    lines = [line.strip() for text in texts for line in text.splitlines() if line.strip()]
    # Every printable ASCII character, so placeholders and code never map to <unk>.
    lines.append(" ".join(string.ascii_letters + string.digits + string.punctuation))
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buffer,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        num_threads=1,
        minloglevel=2,
    )
    return buffer.getvalue()


def _pieces(model: bytes) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=model)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def write_vocab(out_dir: Path, source: bytes, target: bytes, pad_to: int | None = None) -> int:
    """Write source.spm, target.spm and the shared vocab.json; return the vocabulary size.

    ``pad_to`` fills the vocabulary with unused tokens up to that size (the
    benchmark needs opus-mt's ~59k rows in the embeddings and output layer).
    """
    (out_dir / "source.spm").write_bytes(source)
    (out_dir / "target.spm").write_bytes(target)
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for piece in _pieces(source) + _pieces(target):
        if piece not in vocab and piece not in {"<s>", "<pad>"}:
            vocab[piece] = len(vocab)
    while pad_to is not None and len(vocab) < pad_to - 1:
        vocab[f"<unused{len(vocab)}>"] = len(vocab)
    vocab["<pad>"] = len(vocab)
    (out_dir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    return len(vocab)


def build_marian(
    out_dir: Path,
    corpus_texts: list[str],
    *,
    vocab_size: int = 600,
    d_model: int = 32,
    layers: int = 1,
    heads: int = 2,
    ffn: int = 64,
    max_positions: int = 128,
    pad_vocab_to: int | None = None,
    seed: int = 0,
    init_std: float = 0.2,
    behaviour: str = "random",
    source_texts: list[str] | None = None,
    target_texts: list[str] | None = None,
) -> Path:
    """Write a Marian model to ``out_dir``; return ``out_dir``.

    ``behaviour``: ``random`` (seeded random weights: the output loops to
    the length limit), ``copy`` or ``cipher`` (hand-set weights, see
    :func:`_set_copying_weights`). ``init_std`` 0.2 rather than
    transformers' 0.02: with tinier weights a random model's output hardly
    depends on its input.
    """
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    if behaviour not in ("random", "copy", "cipher"):
        raise ValueError(f"behaviour must be random, copy or cipher, not {behaviour!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    source = _train_spm(source_texts or corpus_texts, vocab_size)
    target = _train_spm(target_texts or corpus_texts, vocab_size)
    size = write_vocab(out_dir, source, target, pad_vocab_to)
    pad = size - 1
    config = MarianConfig(
        vocab_size=size,
        decoder_vocab_size=size,
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        encoder_ffn_dim=ffn,
        decoder_ffn_dim=ffn,
        max_position_embeddings=max_positions,
        pad_token_id=pad,
        decoder_start_token_id=pad,
        eos_token_id=0,
        forced_eos_token_id=0,
        activation_function="swish",
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=behaviour != "cipher",
        init_std=init_std,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    if behaviour != "random":
        vocab = json.loads((out_dir / "vocab.json").read_text(encoding="utf-8"))
        _set_copying_weights(model, vocab, seed, cipher=behaviour == "cipher")
    # As on the hub: never generate <pad>, 4 beams, lengths within the positions.
    model.generation_config.bad_words_ids = [[pad]]
    model.generation_config.num_beams = 4
    model.generation_config.max_length = max_positions
    model.save_pretrained(str(out_dir))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
        tokenizer = MarianTokenizer(
            source_spm=str(out_dir / "source.spm"),
            target_spm=str(out_dir / "target.spm"),
            vocab=str(out_dir / "vocab.json"),
            source_lang="fr",
            target_lang="en",
            model_max_length=max_positions,
        )
    tokenizer.save_pretrained(str(out_dir))
    return out_dir


def _set_copying_weights(model, vocab: dict[str, int], seed: int, cipher: bool) -> None:
    """Hand-set weights so the decoder's step t emits the source token at position t.

    A model with random weights loops to the length limit: every sentence
    is flagged and retried, and a pipeline test over a few articles takes
    minutes with transformers. This one stops at the source's ``</s>``, so
    its output has the source's length, at the speed of a real model.

    How (d_model 128, one head): the sinusoidal positions vary fast in the
    high-frequency dimensions and hardly at all in the lowest frequencies.
    Token embeddings live in the low-frequency dimensions (zero-mean and
    orthogonal to what positions leave there, so LayerNorm scales every
    token alike); cross-attention queries and keys read only the 8 highest
    frequencies (minus a reference dimension, which cancels LayerNorm's
    mean), so decoder position t attends to encoder position t (the best
    other position scores ~15% lower); values read only the token
    dimensions; every other sublayer's output projection is zero.

    ``cipher``: the output layer is untied and permuted, so word-initial
    lowercase pieces come out as other such pieces (the text visibly
    changes, as a translation does) while numbers, capitalised pieces,
    punctuation and placeholders come out unchanged, as opus-mt copies them.
    """
    import torch

    d_model = model.config.d_model
    if d_model != 128 or model.config.encoder_attention_heads != 1:
        raise ValueError("the copying weights need d_model=128 and one attention head")
    half = d_model // 2
    reference = d_model - 1  # cos of the lowest frequency: ~1 at every position
    position_dims = list(range(6)) + [half + k for k in range(6)]
    token_dims = [k for k in list(range(48, half)) + list(range(half + 48, d_model)) if k != reference]
    positions = model.model.encoder.embed_positions.weight.detach().clone()
    generator = torch.Generator().manual_seed(seed)
    size = model.config.vocab_size
    tokens = torch.randn(size, len(token_dims), generator=generator)
    # Remove what positions put in the token dimensions (a constant, slow drifts),
    # so LayerNorm scales every token at a position alike.
    leak = torch.linalg.qr(torch.cat([torch.ones(len(token_dims), 1), positions[::16][:, token_dims].T], dim=1))[0]
    tokens -= (tokens @ leak) @ leak.T
    tokens /= tokens.norm(dim=1, keepdim=True)
    token_norm = half**0.5  # as large as a position vector once scaled by sqrt(d_model)
    embeddings = torch.zeros(size, d_model)
    embeddings[:, token_dims] = tokens * token_norm / d_model**0.5
    embeddings[model.config.pad_token_id] = 0  # the decoder starts from a zero embedding
    # Queries and keys: x[i] - x[reference] for the position dims cancels
    # LayerNorm's mean (which varies with the position); the bias puts back
    # the reference's ~1/sigma.
    centred = positions - positions.mean(dim=1, keepdim=True)
    sigma = ((token_norm**2 + (centred**2).sum(dim=1)) / d_model).sqrt().mean()
    read_positions = torch.zeros(d_model, d_model)
    read_positions[position_dims, position_dims] = 1.0
    read_positions[position_dims, reference] = -1.0
    position_bias = torch.zeros(d_model)
    position_bias[position_dims] = 1.0 / sigma
    read_tokens = torch.zeros(d_model, d_model)
    read_tokens[token_dims, token_dims] = 1.0
    sharp, loud = 12.0, 8.0
    with torch.no_grad():
        for table in (model.model.shared, model.model.encoder.embed_tokens, model.model.decoder.embed_tokens):
            table.weight.copy_(embeddings)
        for layer in list(model.model.encoder.layers) + list(model.model.decoder.layers):
            for linear in (layer.self_attn.out_proj, layer.fc2):
                linear.weight.zero_()
                linear.bias.zero_()
        for layer in model.model.decoder.layers:
            attention = layer.encoder_attn
            for linear in (attention.q_proj, attention.k_proj):
                linear.weight.copy_(read_positions * sharp)
                linear.bias.copy_(position_bias * sharp)
            attention.v_proj.weight.copy_(read_tokens * loud)
            attention.v_proj.bias.zero_()
            attention.out_proj.weight.copy_(torch.eye(d_model))
            attention.out_proj.bias.zero_()
        model.final_logits_bias.zero_()
        permutation = _cipher_permutation(vocab, seed) if cipher else list(range(size))
        model.lm_head.weight.copy_(embeddings[permutation])


def _cipher_permutation(vocab: dict[str, int], seed: int) -> list[int]:
    """``perm[j]`` = the source token whose embedding makes the model emit ``j``.

    Word-initial lowercase pieces (``▁site``) are shuffled among themselves;
    every other token maps to itself.
    """
    import random

    perm = list(range(len(vocab)))
    words = sorted(i for piece, i in vocab.items() if len(piece) > 2 and piece[0] == "\u2581" and piece[1:].isalpha() and piece[1:].islower())
    shuffled = words[:]
    random.Random(seed).shuffle(shuffled)
    for target, source in zip(words, shuffled):
        perm[target] = source
    return perm


def build_tiny_marian(out_dir: Path, corpus_texts: list[str], vocab_size: int = 600, behaviour: str = "cipher") -> Path:
    """The tests' model: 128 positions, ~600 tokens, one layer each side.

    ``cipher`` (default) and ``copy`` use d_model 128 and one head (the
    hand-set weights need them); ``random`` uses d_model 32, two heads.
    """
    if behaviour == "random":
        return build_marian(out_dir, corpus_texts, vocab_size=vocab_size, behaviour="random")
    return build_marian(out_dir, corpus_texts, vocab_size=vocab_size, d_model=128, heads=1, ffn=16, behaviour=behaviour)
