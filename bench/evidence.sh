#!/usr/bin/env bash
# Runs every evidence benchmark behind docs/RESULTS.md, one after another, each into its own log under $OUT
# (default bench-results/), then collects their RESULT lines into $OUT/results.txt. Hours on 2 cores: run it on an
# otherwise idle machine. Pick a subset by name: bench/evidence.sh classify charlm
#
#   bench/evidence.sh                      # everything
#   OUT=/tmp/results bench/evidence.sh compare memory
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-bench-results}
mkdir -p "$OUT"
dotnet build -c Release src/Benchmarks -v quiet -nologo >/dev/null
B=src/Benchmarks/bin/Release/net10.0/Microsoft.ML.Transformer.Benchmarks

run() {  # name, then the command
    local name=$1; shift
    echo "== $name ($(date -u +%H:%M:%S)): $*"
    "$@" > "$OUT/$name.log" 2>&1 || echo "   $name failed: see $OUT/$name.log"
    grep '^RESULT' "$OUT/$name.log" | sed 's/^/   /' || true
}

all=(compare generate-compare mlnet-overhead charlm memory bf16learn scoring classify pretrain-pays embeddings span-corruption e2e-scratch e2e-pretrained long-attention long-quality similarity bf16-default)
for name in "${@:-${all[@]}}"; do
    case $name in
        compare)          run compare env ROUNDS=3 bench/compare.sh ;;
        generate-compare) run generate-compare env PARTS=generate ROUNDS=5 bench/compare.sh ;;
        mlnet-overhead)   run mlnet-overhead "$B" generate-mlnet --overhead --repeats 15 ;;
        charlm)           run charlm "$B" charlm ;;
        memory)           run memory "$B" memory --total 500 ;;
        bf16learn)        run bf16learn "$B" bf16learn --total 200 --threads 1 ;;
        scoring)          run scoring "$B" scoring --threads 1 ;;
        classify)         run classify "$B" classify --dim 128 ;;
        # One thread, as measured (OMP_NUM_THREADS=1): each arm at its best learning rate of the grid in RESULTS.md.
        # (The embeddings figures in RESULTS.md came from an earlier 2,000-step model of this run.)
        pretrain-pays)    run pretrain-pays env OMP_NUM_THREADS=1 "$B" pretrain-pays --pretrain-steps 16000 --extra tatoeba,sentiment --lr 5e-4 --scratch-lr 1e-3 --epochs 50 --freeze-embeddings --save "$OUT/banking77-mlm.zip" ;;
        embeddings)       run embeddings "$B" embeddings --base "$OUT/banking77-mlm.zip" ;;
        span-corruption)  run span-corruption "$B" span-corruption ;;
        e2e-scratch)      run e2e-scratch "$B" e2e --minutes 22 ;;
        e2e-pretrained)   run e2e-pretrained "$B" e2e --minutes 22 --pretrain-steps 1500 ;;
        long-attention)   run long-attention "$B" long-attention --threads 1 ;;
        long-quality)     run long-quality "$B" long-quality --steps 300 --threads 1 ;;
        similarity)       run similarity "$B" similarity ;;
        # The automatic precision (bf16 on a CPU with AVX512-BF16 or AMX-BF16) next to float32, one thread each; e2e also
        # pretrains (span corruption) before it fine-tunes the generator.
        bf16-default)
            for precision in auto fp32; do
                flag=(); [ $precision = fp32 ] && flag=(--automatic-bf16 false)
                run bf16-default-classify-$precision env OMP_NUM_THREADS=1 "$B" classify --dataset banking77,yelp,amazon --verbose "${flag[@]}"
                run bf16-default-e2e-$precision env OMP_NUM_THREADS=1 "$B" e2e --pretrain-steps 600 --epochs 5 --minutes 60 --decoding greedy --verbose "${flag[@]}"
            done ;;
        *) echo "unknown evidence run '$name'; known: ${all[*]}"; exit 2 ;;
    esac
done
grep -h '^RESULT' "$OUT"/*.log > "$OUT/results.txt" || true
echo "RESULT lines: $OUT/results.txt"
