#!/usr/bin/env bash
# Runs the project's reference benchmark and the PyTorch peer (../shared/bench/pytorch_reference.py) back to back,
# alternating for a few rounds so that both see the same machine state, then prints ours/peer ratios of the medians.
# Each round also runs the ML.NET text generator on the same reference network (greedy, beam 4, sampling).
#
#   bench/compare.sh                 # 3 rounds, 5 repetitions of 6 training steps, generation with 5 repetitions
#   ROUNDS=5 REPS=5 STEPS=6 bench/compare.sh
#   PARTS=generate ROUNDS=5 bench/compare.sh   # only some parts: any of matmul, train, generate
#
# Needs the peer's Python (as root, once): apt-get update && apt-get install -y python3-torch libopenblas0-openmp
# Measure on an idle machine: two CPU-heavy processes at once on 2 cores make both several times slower.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
REPS=${REPS:-5}
STEPS=${STEPS:-6}
PARTS=${PARTS:-matmul train generate}
for part in $PARTS; do
    case $part in matmul|train|generate) ;; *) echo "PARTS: expected matmul, train or generate, found '$part'" >&2; exit 2;; esac
done
has() { [[ " $PARTS " == *" $1 "* ]]; }
PEER=${PEER:-../shared/bench/pytorch_reference.py}
OURS=src/Benchmarks/bin/Release/net10.0/Microsoft.ML.Transformer.Benchmarks

dotnet build -c Release src/Benchmarks -v quiet -nologo >/dev/null
peer() { OPENBLAS_CORETYPE=SKYLAKEX /usr/bin/python3 "$PEER" "$@"; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "load before: $(uptime)"
for round in $(seq "$ROUNDS"); do
    echo "== round $round of $ROUNDS"
    if has matmul; then
        peer mm 1 1 | tee -a "$log" | grep RESULT
        "$OURS" matmul | tee -a "$log" | grep RESULT
    fi
    if has train; then
        peer train "$REPS" "$STEPS" | tee -a "$log" | grep RESULT
        "$OURS" train --reps "$REPS" --steps "$STEPS" | tee -a "$log" | grep RESULT
        peer bf16 "$REPS" "$STEPS" | tee -a "$log" | grep RESULT
    fi
    if has generate; then
        peer gen "$REPS" | tee -a "$log" | grep RESULT
        "$OURS" generate --reps "$REPS" | tee -a "$log" | grep -E 'RESULT|identical'
        "$OURS" generate-mlnet --repeats "$REPS" | tee -a "$log" | grep RESULT
    fi
done
echo "load after: $(uptime)"

/usr/bin/python3 - "$log" <<'PY'
import re, statistics, sys
values = {}  # (name, impl, qualifier) -> [figure per round]
for line in open(sys.argv[1]):
    if not line.startswith("RESULT "):
        continue
    parts = line.split()
    name, fields = parts[1], dict(p.split("=", 1) for p in parts[2:])
    qualifier = fields.get("precision") or fields.get("cache") or fields.get("dtype") or fields.get("decoding") or ""
    figure = fields.get("tokens_per_s") or fields.get("gflops_best")
    values.setdefault((name, fields["impl"], qualifier), []).append(float(figure))

def median(name, impl, qualifier):
    xs = values.get((name, impl, qualifier))
    return statistics.median(xs) if xs else float("nan")

print("\nmedians over rounds (tokens/s; GFLOP/s for matmul):")
for key in sorted(values):
    print(f"  {key[0]:<20} {key[1]:<10} {key[2]:<14} {median(*key):>9.0f}   rounds: {', '.join(f'{x:.0f}' for x in values[key])}")

ratios = [
    ("matmul fp32, ours/peer", ("matmul_peak", "torchsharp", "float32"), ("matmul_peak", "pytorch", "float32"), None),
    ("matmul bf16, ours/peer", ("matmul_peak", "torchsharp", "bfloat16"), ("matmul_peak", "pytorch", "bfloat16"), None),
    ("train fp32, ours/peer fp32", ("train_reference", "torchsharp", "fp32"), ("train_reference", "pytorch", "fp32"), 1.3),
    ("train bf16, ours/peer fp32", ("train_reference", "torchsharp", "bf16"), ("train_reference", "pytorch", "fp32"), 1.8),
    ("train bf16, ours/peer bf16 autocast", ("train_reference", "torchsharp", "bf16"), ("train_reference", "pytorch", "bf16-autocast"), None),
    ("generate cached, ours/peer cached", ("generate_reference", "torchsharp", "on"), ("generate_reference", "pytorch", "on"), 2.0),
    ("generate uncached, ours/peer uncached", ("generate_reference", "torchsharp", "off"), ("generate_reference", "pytorch", "off"), None),
    ("generate ours cached/ours uncached", ("generate_reference", "torchsharp", "on"), ("generate_reference", "torchsharp", "off"), 5.0),
    ("ML.NET generator greedy/peer cached", ("generate_mlnet", "torchsharp", "greedy"), ("generate_reference", "pytorch", "on"), 2.0),
    ("ML.NET generator beam 4 cost (greedy/beam4)", ("generate_mlnet", "torchsharp", "greedy"), ("generate_mlnet", "torchsharp", "beam4"), -4.5),
]
print("\nratios of medians:")
for label, a, b, target in ratios:
    r = median(*a) / median(*b)
    if r != r:   # NaN: a part that was not run
        continue
    if target is None:
        verdict = ""
    elif target < 0:   # an upper bound
        verdict = "  target <= %.1f: %s" % (-target, "met" if r <= -target else "MISSED")
    else:
        verdict = "  target >= %.1f: %s" % (target, "met" if r >= target else "MISSED")
    print(f"  {label:<40} {r:5.2f}{verdict}")
PY
