"""BLEU and chrF with sacrebleu, each with sacrebleu's signature, as the model cards report them.

sacrebleu's defaults are the field's: BLEU with the 13a tokenizer, mixed case,
exponential smoothing; chrF2 with character 6-grams. The signature printed with
each score (``nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0``)
says exactly which settings and version produced it, so two figures can be
compared, or not.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Score:
    """One metric on one system: the figure, sacrebleu's verbose line and its signature."""

    metric: str  # BLEU, chrF2
    score: float
    verbose: str
    signature: str

    def as_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "score": round(self.score, 4), "verbose": self.verbose, "signature": self.signature}


def _metrics(target_lang: str | None):
    from sacrebleu.metrics import BLEU, CHRF

    return {"BLEU": BLEU(trg_lang=target_lang or ""), "chrF2": CHRF()}


def corpus_scores(hypotheses: list[str], references: list[str], target_lang: str | None = None) -> dict[str, Score]:
    """BLEU and chrF2 of ``hypotheses`` against one reference each."""
    scores = {}
    for name, metric in _metrics(target_lang).items():
        result = metric.corpus_score(hypotheses, [references])
        scores[name] = Score(name, float(result.score), result.format(), str(metric.get_signature()))
    return scores


def sentence_chrf(hypotheses: list[str], references: list[str]) -> list[float]:
    """chrF2 of each segment alone (to rank the segments where two systems differ most)."""
    from sacrebleu.metrics import CHRF

    metric = CHRF()
    return [float(metric.sentence_score(h, [r]).score) for h, r in zip(hypotheses, references)]


def paired_bootstrap(baseline: list[str], system: list[str], references: list[str], target_lang: str | None = None,
                     samples: int = 1000) -> dict[str, Any]:
    """sacrebleu's paired bootstrap resampling (Koehn 2004): is ``system``'s difference from ``baseline`` real?

    Returns, per metric, the p-value of the difference and the 95% confidence
    interval (half width) of each system's score, with the test's signature.
    """
    from sacrebleu.significance import PairedTest

    test = PairedTest([("bare", baseline), ("pipeline", system)], _metrics(target_lang), [references],
                      test_type="bs", n_samples=samples)
    signatures, results = test()
    out: dict[str, Any] = {}
    for name, values in results.items():
        if name == "System":
            continue
        base, other = values
        out[name] = {
            "p_value": float(other.p_value),
            "bare_mean": float(base.mean), "bare_ci95": float(base.ci),
            "pipeline_mean": float(other.mean), "pipeline_ci95": float(other.ci),
            "signature": str(signatures[name]),
        }
    return out
