#!/usr/bin/env bash
# The translation speed bench on a CUDA GPU, in one go (under 10 minutes), for the README.
#
#   bash bench/gpu_speed.sh            # from the repository root, after `make install`
#   PYTHON=python3 bash bench/gpu_speed.sh
#
# Rows: CTranslate2 float16 and int8_float16 at 4 beams, int8_float16 with the FR/EN shortlist, 2 beams
# and greedy (compute type auto = int8_float16 on CUDA), and marian (transformers) when torch has CUDA;
# the same opus-mt-shaped random model, sentences and forced output lengths as on CPU
# (bench/translate_speed.py). Nothing else in bitext needs a GPU: device auto falls back to the CPU.
# Writes outputs/gpu_speed-<date>.json and .txt; paste the table and the date into the README.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
export PYTHONPATH="$PWD"
stamp="$(date -u +%Y-%m-%dT%H%MZ)"
log="outputs/gpu_speed-$stamp.txt"
mkdir -p outputs
{
  echo "date: $stamp"
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || echo "nvidia-smi: not found"
  "$PY" - <<'EOF'
import ctranslate2, torch
n = ctranslate2.get_cuda_device_count()
print(f"ctranslate2 {ctranslate2.__version__}: {n} CUDA device(s)"
      + (f", compute types {sorted(ctranslate2.get_supported_compute_types('cuda'))}" if n else ""))
print(f"torch {torch.__version__}, CUDA available to torch: {torch.cuda.is_available()}")
if n == 0:
    raise SystemExit("no CUDA device visible to CTranslate2: nothing to measure here")
EOF
  # 500 sentences: a GPU finishes 200 in seconds; the model build and conversions take ~2 min of CPU.
  timeout 540 "$PY" bench/translate_speed.py --device cuda --sentences 500 --no-energy \
      --json "outputs/gpu_speed-$stamp.json"
} 2>&1 | tee "$log"
echo "wrote $log"
