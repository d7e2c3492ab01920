#!/usr/bin/env bash
# Where a reference training step spends its time, ours beside the PyTorch peers (1.13 from Debian 12, 2.6 in the
# chroot of ../shared/bench/pytorch26.sh), alternating for a few rounds: the step's phases and its kernels timed
# alone at the step's shapes (matmuls, attention, norms, dropout, activations, embeddings, loss, optimizer, other),
# as medians in ms per step with each one's share of the step. Measure on an idle machine.
#
#   bench/profile.sh                      # fp32, 3 rounds, both peers
#   PRECISION=bf16 ROUNDS=3 bench/profile.sh
#   PEERS=1.13 bench/profile.sh
#   PART=decode bench/profile.sh          # a cached greedy decoding step (fp32) instead of a training step
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
STEPS=${STEPS:-10}
REPS=${REPS:-5}
PRECISION=${PRECISION:-fp32}
PART=${PART:-train}
case $PART in train|decode) ;; *) echo "PART: expected train or decode, found '$PART'" >&2; exit 2;; esac
[ "$PART" = decode ] && PRECISION=fp32   # the decoding profile is fp32, as the peer's greedy_kv
case $PRECISION in fp32|bf16) ;; *) echo "PRECISION: expected fp32 or bf16, found '$PRECISION'" >&2; exit 2;; esac
source bench/peers.sh
check_peers profile.sh
CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
OURS=src/Benchmarks/bin/Release/net10.0/Microsoft.ML.Transformer.Benchmarks
dotnet build -c Release src/Benchmarks -v quiet -nologo >/dev/null

peer() {
    case $1 in
        1.13) OPENBLAS_CORETYPE=SKYLAKEX /usr/bin/python3 bench/profile_peer.py "$SHARED_BENCH" "$STEPS" "$REPS" "$PRECISION" "$PART" ;;
        2.6)  bash "$SHARED_BENCH/pytorch26.sh" pytorch_reference.py mm 1 1 >/dev/null   # mounts /bench in the chroot
              $SUDO env OPENBLAS_CORETYPE=SKYLAKEX chroot "$ROOT26" python3 - /bench "$STEPS" "$REPS" "$PRECISION" "$PART" < bench/profile_peer.py ;;
    esac | sed -u "s/impl=pytorch /impl=pytorch-$1 /"
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "CPU: $CPU; load before: $(uptime)"
for round in $(seq "$ROUNDS"); do
    echo "== round $round of $ROUNDS"
    for p in $PEERS; do
        peer "$p" | tee -a "$log" | grep -E '^RESULT|Name|aten::' || true
        "$OURS" profile --part "$PART" --steps "$STEPS" --reps "$REPS" --precision "$PRECISION" | tee -a "$log" | grep RESULT
    done
done
echo "load after: $(uptime)"

/usr/bin/python3 - "$log" "$CPU" <<'PY'
import statistics, sys
ms = {}  # (view, part, impl) -> [ms per step]
for line in open(sys.argv[1]):
    if not line.startswith("RESULT profile_"):
        continue
    parts = line.split()
    view, fields = parts[1], dict(p.split("=", 1) for p in parts[2:] if "=" in p)
    if "part" not in fields:   # profile_managed: allocation figures, printed above
        continue
    ms.setdefault((view, fields["part"], fields["impl"]), []).append(float(fields["ms_per_step"]))
impls = sorted({k[2] for k in ms}, key=lambda i: (i != "torchsharp", i))
print(f"\nmedian ms per step on {sys.argv[2]} (share of that implementation's step in brackets)")
for view in ("profile_phases", "profile_kernels", "profile_decode"):
    if not any(k[0] == view for k in ms):
        continue
    print(f"\n{view:<22}" + "".join(f"{i:>24}" for i in impls))
    whole = "profile_decode" if view == "profile_decode" else "profile_phases"
    step = {i: statistics.median(ms.get((whole, "step", i), [float("nan")])) for i in impls}
    for part in dict.fromkeys(k[1] for k in ms if k[0] == view):
        cells = []
        for i in impls:
            m = statistics.median(ms.get((view, part, i), [float("nan")]))
            cells.append(f"{m:>14.{3 if view == 'profile_decode' else 1}f} ({m / step[i]:5.1%})")
        print(f"  {part:<20}" + "".join(f"{c:>24}" for c in cells))
PY
