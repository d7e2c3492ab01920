#!/usr/bin/env bash
# Runs the project's reference benchmark and the PyTorch peers (../shared/bench/pytorch_reference.py under PyTorch 1.13
# from Debian 12 and PyTorch 2.6 in the Debian 13 chroot of ../shared/bench/pytorch26.sh) back to back, alternating for
# a few rounds so that all see the same machine state, then prints ours/peer ratios of the medians against the BEST
# peer (and against each). Every RESULT line carries the CPU model and the implementation's version.
# Each round also runs the ML.NET text generator on the same reference network (greedy, beam 4, sampling), and both
# greedy loops again decoding in bfloat16 (DecodingOptions.Precision), against the peer's float32 cached loop.
#
#   bench/compare.sh                 # 3 rounds, 5 repetitions of 6 training steps, generation with 5 repetitions
#   ROUNDS=5 REPS=5 STEPS=6 bench/compare.sh
#   PARTS=generate ROUNDS=5 bench/compare.sh   # only some parts: any of matmul, train, generate
#   PEERS=1.13 bench/compare.sh                # one peer only (any of 1.13, 2.6)
#
# Needs the peers' Python (as root, once): apt-get install -y python3-torch libopenblas0-openmp, and
# bash ../shared/bench/pytorch26.sh setup (a Debian 13 chroot, ~4 GB). Measure on an idle machine: two CPU-heavy
# processes at once on 2 cores make both several times slower.
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
source bench/peers.sh
check_peers compare.sh
PEER_SCRIPT=pytorch_reference.py
OURS=src/Benchmarks/bin/Release/net10.0/Microsoft.ML.Transformer.Benchmarks
# The CPU model with spaces as underscores, so that RESULT lines stay key=value, and its family and model numbers: a
# virtual machine may name two generations alike ("AMD EPYC" is family 25 on Zen 4 and family 26 on Zen 5).
CPU=$(awk -F': ' '/^model name/ {n=$2} /^cpu family/ {f=$2} /^model\t/ {m=$2} /^$/ {exit} END {printf "%s_family%s_model%s", n, f, m}' /proc/cpuinfo | tr -s ' ' '_')
version() {
    case $1 in
        1.13) /usr/bin/python3 -c 'import torch; print(torch.__version__)' ;;
        2.6)  $SUDO chroot "$ROOT26" python3 -c 'import torch; print(torch.__version__)' 2>/dev/null ;;
    esac
}
declare -A VERSION
for p in $PEERS; do VERSION[$p]=$(version "$p"); echo "peer $p: torch ${VERSION[$p]}"; done
OURS_VERSION="torchsharp-$(grep -o 'Include="TorchSharp" Version="[^"]*"' Directory.Packages.props | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)"

dotnet build -c Release src/Benchmarks -v quiet -nologo >/dev/null
# Tags a RESULT line with the implementation's name and version and the CPU.
tag() { sed -u -E "s/^(RESULT .*) impl=$1( |\$)/\1 impl=$2\2/; s/^(RESULT .*)\$/\1 version=$3 cpu=$CPU/"; }
peer() {  # version, then the reference script's arguments
    local v=$1; shift
    case $v in
        1.13) OPENBLAS_CORETYPE=SKYLAKEX /usr/bin/python3 "$SHARED_BENCH/$PEER_SCRIPT" "$@" ;;
        2.6)  OPENBLAS_CORETYPE=SKYLAKEX bash "$SHARED_BENCH/pytorch26.sh" "$PEER_SCRIPT" "$@" ;;
    esac | tag pytorch "pytorch-$v" "${VERSION[$v]}"
}
ours() { "$OURS" "$@" | tag torchsharp torchsharp "$OURS_VERSION"; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "load before: $(uptime)"
for round in $(seq "$ROUNDS"); do
    echo "== round $round of $ROUNDS"
    for p in $PEERS; do
        if has matmul; then peer "$p" mm 1 1 | tee -a "$log" | grep RESULT; fi
        if has train; then
            peer "$p" train "$REPS" "$STEPS" | tee -a "$log" | grep RESULT
            peer "$p" bf16 "$REPS" "$STEPS" | tee -a "$log" | grep RESULT
        fi
        if has generate; then peer "$p" gen "$REPS" | tee -a "$log" | grep RESULT; fi
        # Ours after each peer, so every peer run has one of ours beside it in time.
        if has matmul; then ours matmul | tee -a "$log" | grep RESULT; fi
        if has train; then ours train --reps "$REPS" --steps "$STEPS" | tee -a "$log" | grep RESULT; fi
        if has generate; then
            ours generate --reps "$REPS" | tee -a "$log" | grep -E 'RESULT|identical'
            ours generate-mlnet --repeats "$REPS" | tee -a "$log" | grep RESULT
            # bfloat16 decoding (DecodingOptions.Precision), against the peer's float32 cached loop.
            ours generate --reps "$REPS" --cache on --precision bf16 | tee -a "$log" | grep RESULT
            ours generate-mlnet --repeats "$REPS" --decodings greedy --precision bf16 | tee -a "$log" | grep RESULT
        fi
    done
done
echo "load after: $(uptime)"

/usr/bin/python3 - "$log" <<'PY'
import re, statistics, sys
values = {}    # (name, impl, qualifier) -> [figure per run]
versions = {}  # impl -> version
cpu = "?"
for line in open(sys.argv[1]):
    if not line.startswith("RESULT "):
        continue
    parts = line.split()
    name, fields = parts[1], dict(p.split("=", 1) for p in parts[2:] if "=" in p)
    qualifier = fields.get("precision") or fields.get("cache") or fields.get("dtype") or fields.get("decoding") or ""
    figure = fields.get("tokens_per_s") or fields.get("gflops_best")
    if figure is None:
        continue
    values.setdefault((name, fields["impl"], qualifier), []).append(float(figure))
    versions[fields["impl"]] = fields.get("version", "?")
    cpu = fields.get("cpu", cpu)
peers = sorted(i for i in versions if i.startswith("pytorch-"))

def median(name, impl, qualifier):
    xs = values.get((name, impl, qualifier))
    return statistics.median(xs) if xs else float("nan")

print(f"\nCPU: {cpu.replace('_', ' ')}; " + ", ".join(f"{i} = {versions[i]}" for i in sorted(versions)))
print("medians over runs (tokens/s; GFLOP/s for matmul):")
for key in sorted(values):
    print(f"  {key[0]:<20} {key[1]:<14} {key[2]:<14} {median(*key):>9.0f}   runs: {', '.join(f'{x:.0f}' for x in values[key])}")

# (label, ours (name, qualifier), the peer's (name, qualifier) or ours again, target: >= t, <= -t for t < 0, None)
ratios = [
    ("matmul fp32, ours/peer", ("matmul_peak", "float32"), ("matmul_peak", "float32"), None),
    ("matmul bf16, ours/peer", ("matmul_peak", "bfloat16"), ("matmul_peak", "bfloat16"), None),
    ("train fp32, ours/peer fp32", ("train_reference", "fp32"), ("train_reference", "fp32"), 1.3),
    ("train bf16, ours/peer fp32", ("train_reference", "bf16"), ("train_reference", "fp32"), 1.8),
    ("train bf16, ours/peer bf16 autocast", ("train_reference", "bf16"), ("train_reference", "bf16-autocast"), 1.2),
    ("generate cached, ours/peer cached", ("generate_reference", "on"), ("generate_reference", "on"), 2.0),
    ("generate uncached, ours/peer uncached", ("generate_reference", "off"), ("generate_reference", "off"), None),
    ("ML.NET generator greedy/peer cached", ("generate_mlnet", "greedy"), ("generate_reference", "on"), 2.0),
    ("generate cached bf16, ours/peer cached fp32", ("generate_reference", "bf16"), ("generate_reference", "on"), 2.0),
    ("ML.NET generator greedy bf16/peer cached fp32", ("generate_mlnet", "greedy_bf16"), ("generate_reference", "on"), 2.0),
]
own = [
    ("generate ours cached/ours uncached", ("generate_reference", "on"), ("generate_reference", "off"), 5.0),
    ("ML.NET generator beam 4 cost (greedy/beam4)", ("generate_mlnet", "greedy"), ("generate_mlnet", "beam4"), -4.5),
]

def verdict(r, target):
    if target is None:
        return ""
    if target < 0:
        return "  target <= %.1f: %s" % (-target, "met" if r <= -target else "MISSED")
    return "  target >= %.1f: %s" % (target, "met" if r >= target else "MISSED")

print("\nratios of medians against the best peer (each peer's ratio in brackets):")
for label, (on, oq), (pn, pq), target in ratios:
    mine = median(on, "torchsharp", oq)
    by_peer = {p: median(pn, p, pq) for p in peers}
    by_peer = {p: v for p, v in by_peer.items() if v == v}
    if mine != mine or not by_peer:
        continue
    best = max(by_peer, key=by_peer.get)
    r = mine / by_peer[best]
    each = ", ".join(f"{p}: {mine / v:.2f}" for p, v in sorted(by_peer.items()))
    print(f"  {label:<40} {r:5.2f} vs {best}{verdict(r, target)}   [{each}]")
    print(f"RESULT compare_ratio what={re.sub('[^a-z0-9]+', '_', label.lower()).strip('_')} ratio={r:.3f} best_peer={best} "
          f"best_peer_version={versions[best]} cpu={cpu}")
for label, (an, aq), (bn, bq), target in own:
    r = median(an, "torchsharp", aq) / median(bn, "torchsharp", bq)
    if r == r:
        print(f"  {label:<40} {r:5.2f}{verdict(r, target)}")
PY
