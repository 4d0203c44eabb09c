"""What a speed figure is measured against: the machine's own matrix rate, the model's work, the load.

A tokens/s figure alone says little on a shared 2-core machine. Each bench
prints, from the same run:

- the machine's fp32 GEMM rate (``torch.mm``, the bench's thread count,
  512x512 by 512x2048: the shape of a FFN layer over a batch of 512 tokens);
- the model's floating point work per target token, from its config;
- the resulting limit (tokens/s = GEMM rate / FLOPs per token), and each
  backend's share of it;
- the load: the 1-minute load average before and after, and the CPU that
  *other* processes used while each figure was taken (``/proc/stat`` busy
  time minus this process tree's own CPU time). The load average after a
  run includes the bench itself (a 2-thread bench leaves ~2 on its own), so
  the reliability check uses the load average before the bench's first
  measurement and the others' CPU during each one.

A figure is UNRELIABLE when others used more than 0.5 core per core of the
machine, before the bench or during the figure.
"""
from __future__ import annotations

import math
import os
import resource
import time
from dataclasses import dataclass, field

RELIABLE_LOAD_PER_CORE = 0.5
GEMM_SHAPE = (512, 512, 2048)  # (m, k, n): 512x512 @ 512x2048


def machine_cores() -> int:
    """CPU cores of the machine (what the load average is shared by)."""
    return os.cpu_count() or 1


def usable_cores() -> int:
    """CPU cores this process may use (the affinity mask)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return machine_cores()


def gemm_gflops(threads: int, device: str = "cpu", repeats: int = 7, calls: int = 20) -> float:
    """fp32 ``torch.mm`` rate in GFLOP/s with ``threads`` threads (or on the GPU): best of ``repeats``.

    The best of several short runs is the machine's rate when it gets the
    cores; the load figures say how often it did not. NaN on ``cuda`` when
    this torch has no CUDA.
    """
    import torch

    if device == "cuda" and not torch.cuda.is_available():
        return math.nan
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        m, k, n = GEMM_SHAPE
        a, b = torch.randn(m, k, device=device), torch.randn(k, n, device=device)
        sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
        for _ in range(3):
            torch.mm(a, b)
        best = 0.0
        for _ in range(repeats):
            sync()
            start = time.perf_counter()
            for _ in range(calls):
                torch.mm(a, b)
            sync()
            best = max(best, 2 * m * k * n * calls / (time.perf_counter() - start) / 1e9)
        return best
    finally:
        torch.set_num_threads(before)


# --------------------------------------------------------------------------
# Load


def _busy_seconds() -> tuple[float, float]:
    """Machine-wide busy and steal CPU seconds since boot (``/proc/stat``)."""
    try:
        with open("/proc/stat") as handle:
            fields = handle.readline().split()[1:]
    except OSError:
        return math.nan, math.nan
    ticks = os.sysconf("SC_CLK_TCK")
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq) / ticks, steal / ticks


def _own_cpu_seconds() -> float:
    """CPU seconds of this process and of its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


@dataclass
class LoadWatch:
    """The load around one measurement: started with :meth:`start`, read with :meth:`stop`."""

    load_before: float = 0.0
    load_after: float = 0.0
    wall_s: float = 0.0
    others_cores: float = 0.0  # mean cores busy with other processes during the measurement
    steal_cores: float = 0.0  # mean cores taken by the hypervisor (VMs)
    _start: tuple = field(default=(), repr=False)

    def start(self) -> "LoadWatch":
        self.load_before = os.getloadavg()[0]
        self._start = (time.perf_counter(), *_busy_seconds(), _own_cpu_seconds())
        return self

    def stop(self) -> "LoadWatch":
        wall0, busy0, steal0, own0 = self._start
        busy1, steal1 = _busy_seconds()
        self.wall_s = time.perf_counter() - wall0
        own = _own_cpu_seconds() - own0
        if self.wall_s > 0:
            self.others_cores = max(0.0, (busy1 - busy0 - own) / self.wall_s)
            self.steal_cores = max(0.0, (steal1 - steal0) / self.wall_s)
        self.load_after = os.getloadavg()[0]
        return self

    @property
    def per_core(self) -> float:
        """Others' CPU per core during the measurement (the load average would count the bench itself)."""
        return (self.others_cores + self.steal_cores) / machine_cores()

    @property
    def reliable(self) -> bool:
        return self.per_core <= RELIABLE_LOAD_PER_CORE

    def as_dict(self) -> dict[str, float | bool]:
        return {"load_before": self.load_before, "load_after": self.load_after, "others_cores": self.others_cores,
                "steal_cores": self.steal_cores, "per_core": self.per_core, "reliable": self.reliable}

    def describe(self) -> str:
        return (f"load average {self.load_before:.2f} before, {self.load_after:.2f} after (this bench included); "
                f"other processes used {self.others_cores:.2f} cores during it"
                + (f", steal {self.steal_cores:.2f}" if self.steal_cores >= 0.05 else "")
                + f" ({machine_cores()} cores)")


def reliability_note(watches: list[dict], load_at_start: float) -> str:
    """'' when the machine was quiet (<= 0.5 per core) before the bench and during every
    measurement of ``watches``, else why not."""
    worst = max([w["per_core"] for w in watches] + [load_at_start / machine_cores()])
    if worst <= RELIABLE_LOAD_PER_CORE:
        return ""
    return f"UNRELIABLE: other processes loaded the machine {worst:.2f} per core (> {RELIABLE_LOAD_PER_CORE})"


# --------------------------------------------------------------------------
# The model's work


@dataclass(frozen=True)
class TransformerShape:
    """The dimensions that set a Marian model's arithmetic, read from its ``config.json``."""

    d_model: int
    encoder_layers: int
    decoder_layers: int
    encoder_ffn: int
    decoder_ffn: int
    vocab: int

    @classmethod
    def from_config(cls, config: dict) -> "TransformerShape":
        return cls(
            d_model=config["d_model"],
            encoder_layers=config["encoder_layers"],
            decoder_layers=config["decoder_layers"],
            encoder_ffn=config["encoder_ffn_dim"],
            decoder_ffn=config["decoder_ffn_dim"],
            vocab=config.get("decoder_vocab_size") or config["vocab_size"],
        )

    def decoder_flops(self, output_vocab: int | None = None) -> float:
        """FLOPs of one decoder step for one hypothesis (one beam).

        Per layer: self-attention q, k, v, o (4 d^2), cross-attention q, o
        (2 d^2; its k, v are computed once from the encoder output), FFN
        (2 d ffn); then the output projection over the vocabulary (or the
        shortlist). 2 FLOPs per multiply-add. Attention scores (~4 d per
        position attended per layer) are left out: < 2% at sentence lengths.
        """
        d = self.d_model
        layer = 4 * d * d + 2 * d * d + 2 * d * self.decoder_ffn
        return 2.0 * (self.decoder_layers * layer + d * (output_vocab or self.vocab))

    def encoder_flops(self) -> float:
        """FLOPs per source token: encoder layers (4 d^2 + 2 d ffn each) and the
        cross-attention keys and values every decoder layer computes from it (2 d^2 each)."""
        d = self.d_model
        return 2.0 * (self.encoder_layers * (4 * d * d + 2 * d * self.encoder_ffn) + self.decoder_layers * 2 * d * d)

    def flops_per_target_token(self, beams: int, source_per_target: float, output_vocab: int | None = None) -> float:
        """All the work of one target token: ``beams`` decoder steps and its share of the encoder."""
        return beams * self.decoder_flops(output_vocab) + source_per_target * self.encoder_flops()


def read_shape(model_dir) -> TransformerShape:
    import json
    from pathlib import Path

    return TransformerShape.from_config(json.loads((Path(model_dir) / "config.json").read_text(encoding="utf-8")))
