"""The energy meter's own cost per record, on an empty stage.

Why: the meter wraps every stage of every article, so what it costs itself
must stay small next to the stages (target: under 20 ms per record). This
times ``with meter.measure(...): pass`` end to end (CodeCarbon's
``start_task``/``stop_task``, our bookkeeping, the JSON line appended to
``energy.jsonl``), after one warm-up record so the one-off hardware
detection (~2 s, done once per run) is reported apart.

    python bench/meter_overhead.py [--records 200] [--mode process|machine]

Run by hand, never in CI. Exit status 1 if the mean is over the target.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.energy.meter import EnergyConfig, EnergyMeter  # noqa: E402

TARGET_MS = 20.0


def bench(records: int, mode: str, enabled: bool = True) -> tuple[float, list[float]]:
    with tempfile.TemporaryDirectory(prefix="bitext-meter-bench-") as tmp:
        meter = EnergyMeter(Path(tmp), "bench", EnergyConfig(enabled=enabled, tracking_mode=mode),
                            signature={"bitext": "bench", "backend": "none", "model": "none", "device": "cpu", "beams": None})
        t0 = time.perf_counter()
        meter.start()
        with meter.measure("warmup", "empty"):
            pass
        startup = time.perf_counter() - t0
        times = []
        for i in range(records):
            t = time.perf_counter()
            with meter.measure(f"article-{i % 7}", "empty"):
                pass
            times.append((time.perf_counter() - t) * 1000)
        meter.close()
        lines = (Path(tmp) / "energy.jsonl").read_text().count("\n")
        assert lines == records + 2, lines  # warm-up + records + total
    return startup, times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=200)
    ap.add_argument("--mode", choices=("process", "machine"), default="process")
    args = ap.parse_args()
    startup, times = bench(args.records, args.mode)
    _, off = bench(args.records, args.mode, enabled=False)
    mean = statistics.fmean(times)
    p95 = sorted(times)[int(0.95 * (len(times) - 1))]
    print(f"tracker start + hardware detection (once per run): {startup * 1000:.0f} ms")
    print(f"meter overhead, empty stage, {args.records} records, mode {args.mode}:")
    print(f"  mean {mean:.2f} ms   median {statistics.median(times):.2f} ms   p95 {p95:.2f} ms   max {max(times):.2f} ms")
    print(f"  meter disabled (timing + JSON line only): mean {statistics.fmean(off):.3f} ms")
    verdict = "OK" if mean < TARGET_MS else "OVER TARGET"
    print(f"  target < {TARGET_MS:.0f} ms per record: {verdict}")
    return 0 if mean < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
