#!/usr/bin/env bash
# GPT-2 small (124M) with the training command, for a machine with NVIDIA GPUs (not run on the course's CPU box).
#
#   bash benchmarks/gpt2_124m_gpu.sh                 # all GPUs of this machine, 200 steps, compile off then on
#   GPUS=1 STEPS=50 DATA=data/owt bash benchmarks/gpt2_124m_gpu.sh
#
# 1. Tokenizes a corpus with GPT-2's BPE (once; the 38 plays by default, a 1.3M-token toy: use a real corpus
#    such as `python -m gptlab.prepare --hf-dataset HuggingFaceFW/fineweb-edu --hf-config sample-10BT ...`).
# 2. Trains the gpt2-124m preset (bf16 autocast, nanoGPT's recipe, 480 x 1024 tokens a step) under torchrun,
#    with torch.compile off and then on, and prints each run's metrics summary: tokens/s and MFU against
#    PEAK_TFLOPS (312 = an A100's bf16 peak; 989 for an H100 SXM).
set -euo pipefail
cd "$(dirname "$0")/.."

GPUS=${GPUS:-$(nvidia-smi -L | wc -l)}
STEPS=${STEPS:-200}
DATA=${DATA:-runs/gpt2-data}
PEAK_TFLOPS=${PEAK_TFLOPS:-312}
MICRO=${MICRO:-12}                          # sequences per GPU per micro-step (12 x 1024 fits 40 GB in bf16)
BATCH=${BATCH:-480}                         # global batch: 480 x 1024 = ~0.5M tokens, as GPT-2
ACCUM=$(( BATCH / (MICRO * GPUS) ))         # micro-steps per step so that the global batch stays BATCH
if (( ACCUM < 1 || BATCH % (MICRO * GPUS) )); then
  echo "BATCH=$BATCH must be a multiple of MICRO x GPUS = $((MICRO * GPUS))" >&2; exit 2
fi

[[ -f "$DATA/meta.json" ]] || python -m gptlab.prepare shakespeare --tokenizer gpt2 --out "$DATA"

for COMPILE in false true; do
  OUT=runs/gpt2-124m-gpu-compile-$COMPILE
  rm -f "$OUT/metrics.jsonl"
  torchrun --standalone --nproc_per_node="$GPUS" -m gptlab.train gpt2-124m --data "$DATA" --out "$OUT" \
    --steps "$STEPS" --batch-size "$BATCH" --grad-accum "$ACCUM" --bf16 true --compile "$COMPILE" \
    --eval-every 1000000 --eval-batches 20 --log-every 10 --peak-tflops "$PEAK_TFLOPS" --device cuda
  echo "compile=$COMPILE: $(tail -1 "$OUT/metrics.jsonl")"
  python - "$OUT/metrics.jsonl" <<'PY'
import json, statistics, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if '"tokens_per_s"' in l and '"summary"' not in l]
steady = lines[len(lines) // 2:] or lines  # after compilation and warm-up
print(f"  steady state: {statistics.median(l['tokens_per_s'] for l in steady):,.0f} tokens/s, "
      f"MFU {statistics.median(l['mfu'] for l in steady):.1%}")
PY
done
