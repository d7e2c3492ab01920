"""Where the PyTorch peer's reference training step spends its time, printed as the RESULT lines that the `profile`
benchmark prints for this library: the phases of a real step, then each kernel of a step timed alone at the step's
shapes times how often a step runs it (the same list as src/Benchmarks/StepKernels.cs), then what the kernels do not
explain ("other"), and torch.profiler's top operators for one step.

    python3 bench/profile_peer.py [folder of pytorch_reference.py] [steps] [reps] [fp32|bf16] [train|decode]

With "decode", a cached greedy decoding step instead (the reference's greedy_kv loop, one position a step, fp32): the
real step timed over whole generations, then the kernels of src/Benchmarks/DecodeProfile.cs at the step's shapes.
"""

import statistics
import sys
import time
from typing import Callable, Dict, List, Tuple

import torch
import torch.nn.functional as F

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else "../shared/bench")
import pytorch_reference as ref  # noqa: E402  (the peer's model, batch and configuration)

STEPS = int(sys.argv[2]) if len(sys.argv) > 2 else 10
REPS = int(sys.argv[3]) if len(sys.argv) > 3 else 5
PRECISION = sys.argv[4] if len(sys.argv) > 4 else "fp32"
PART = sys.argv[5] if len(sys.argv) > 5 else "train"
P = 0.1
B, S, T, D, H, FF, V, L = ref.B, ref.S, ref.T, ref.D, ref.H, ref.FF, ref.V, ref.NE
DH = D // H
PRODUCTS = torch.bfloat16 if PRECISION == "bf16" else torch.float32


def result(name: str, part: str, ms: float, share: float, **extra: float) -> None:
    fields = " ".join(f"{k}={v:.4g}" for k, v in extra.items())
    print(f"RESULT {name} impl=pytorch precision={PRECISION} part={part} ms_per_step={ms:.4g} share={share:.4g} {fields}".rstrip(),
          flush=True)


def phases() -> float:
    model = ref.Seq2Seq().train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    src, tin, tout, sp, tp = ref.make_batch()
    times: Dict[str, List[float]] = {}

    def clock(name: str, start: float) -> float:
        now = time.perf_counter()
        times.setdefault(name, []).append((now - start) * 1000)
        return now

    for i in range(STEPS + 3):
        t0 = start = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        start = clock("zero_grad", start)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=PRECISION == "bf16"):
            logits = model(src, tin, sp, tp)
            start = clock("forward", start)
            loss = F.cross_entropy(logits.float().view(-1, V), tout.reshape(-1), ignore_index=ref.PAD)
        start = clock("loss", start)
        loss.backward()
        start = clock("backward", start)
        opt.step()
        clock("optimizer", start)
        clock("step", t0)
        if i < 3:  # warm-up steps
            times.clear()
    step = statistics.median(times["step"])
    for name, xs in times.items():
        result("profile_phases", name, statistics.median(xs), statistics.median(xs) / step)
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=PRECISION == "bf16"):
            loss = F.cross_entropy(model(src, tin, sp, tp).float().view(-1, V), tout.reshape(-1), ignore_index=ref.PAD)
        loss.backward()
        opt.step()
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=15), flush=True)
    return step


def backward(y: torch.Tensor, g: torch.Tensor, *inputs: torch.Tensor) -> None:
    torch.autograd.grad([y], list(inputs), [g])


def linear(rows: int, n_in: int, n_out: int, count: int) -> Tuple[str, int, float, Callable[[], None]]:
    x = torch.randn(rows, n_in).to(PRODUCTS).requires_grad_()
    w = (torch.randn(n_out, n_in) * 0.02).to(PRODUCTS).requires_grad_()
    b = torch.zeros(n_out).to(PRODUCTS).requires_grad_()
    g = torch.randn(rows, n_out).to(PRODUCTS)
    return "matmul", count, 3 * 2.0 * rows * n_in * n_out, lambda: backward(F.linear(x, w, b), g, x, w, b)


def attention(tq: int, tk: int, causal: bool) -> Tuple[str, int, float, Callable[[], None]]:
    q, k, v = (torch.randn(B, H, t, DH).to(PRODUCTS).requires_grad_() for t in (tq, tk, tk))
    mask = torch.triu(torch.full((tq, tk), float("-inf")), 1) if causal else torch.zeros(B, 1, 1, tk)
    g = torch.randn(B, H, tq, DH).to(PRODUCTS)

    def run() -> None:
        scores = (q * DH ** -0.5).matmul(k.transpose(-2, -1)).float() + mask  # [B, H, Tq, Tk]
        probabilities = F.dropout(scores.softmax(-1), P, training=True)
        backward(probabilities.to(PRODUCTS).matmul(v), g, q, k, v)
    return "attention", L, 3 * 2 * 2.0 * B * H * tq * tk * DH, run


def elementwise(category: str, shape: Tuple[int, ...], count: int, op: Callable[[torch.Tensor], torch.Tensor]):
    x = torch.randn(*shape).requires_grad_()
    g = torch.randn(*shape)
    return category, count, 0.0, lambda: backward(op(x), g, x)


def norm(rows: int, count: int):
    x, w, b = torch.randn(rows, D).requires_grad_(), torch.ones(D).requires_grad_(), torch.zeros(D).requires_grad_()
    g = torch.randn(rows, D)
    return "norms", count, 0.0, lambda: backward(F.layer_norm(x, (D,), w, b), g, x, w, b)


def embedding(count: int):
    table, ids, g = torch.randn(V, D).requires_grad_(), torch.randint(0, V, (B, S)), torch.randn(B, S, D)
    return "embeddings", count, 0.0, lambda: backward(F.embedding(ids, table), g, table)


def loss(rows: int):
    logits, targets = torch.randn(rows, V).requires_grad_(), torch.randint(0, V, (rows,))
    return "loss", 1, 0.0, lambda: torch.autograd.grad([F.cross_entropy(logits, targets)], [logits])


def optimizer():
    model = ref.Seq2Seq().train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    src, tin, tout, sp, tp = ref.make_batch()
    F.cross_entropy(model(src, tin, sp, tp).view(-1, V), tout.reshape(-1), ignore_index=ref.PAD).backward()
    return "optimizer", 1, 0.0, opt.step


def kernels():
    bs, bt = B * S, B * T
    return [
        linear(bs, D, 3 * D, L), linear(bs, D, D, L), linear(bs, D, FF, L), linear(bs, FF, D, L),
        linear(bt, D, 3 * D, L), linear(bt, D, D, 2 * L), linear(bt, D, D, L), linear(bs, D, 2 * D, L),
        linear(bt, D, FF, L), linear(bt, FF, D, L), linear(bt, D, V, 1),
        attention(S, S, False), attention(T, T, True), attention(T, S, False),
        norm(bs, 2 * L + 1), norm(bt, 3 * L + 1),
        elementwise("dropout", (B, S, D), 2 + 2 * L + 3 * L, lambda x: F.dropout(x, P, training=True)),
        elementwise("dropout", (B, S, FF), 2 * L, lambda x: F.dropout(x, P, training=True)),
        elementwise("activations", (B, S, FF), 2 * L, F.relu),
        embedding(2), loss(bt), optimizer(),
    ]


def timed(run: Callable[[], None]) -> float:
    run()
    run()
    xs = []
    for _ in range(REPS):
        t0 = time.perf_counter()
        run()
        xs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(xs)


NEW = 64  # new tokens a generation, as in the reference's greedy_kv


def per_step(new_tokens: int) -> float:
    """Median ms of the reference's cached greedy loop feeding new_tokens positions (encoding and cache set-up
    included, as the loop does them and as the benchmark's tokens/s counts them), divided by a generation's NEW steps:
    with NEW, one step; with 0, the encoding's share of a step."""
    m = ref.Seq2Seq().eval()
    src, _, _, sp, _ = ref.make_batch()
    xs = []
    with torch.no_grad():
        for r in range(REPS + 2):
            t0 = time.perf_counter()
            ref.greedy_kv(m, src, sp, new_tokens)
            if r >= 2:
                xs.append((time.perf_counter() - t0) * 1000 / NEW)
    return statistics.median(xs)


def decode_kernels():
    """The kernels of one cached decoding step, forward only, at batch B and one position (DecodeProfile.cs)."""
    def op(category: str, count: int, run: Callable[[], object]):
        return category, count, run

    def lin(n_in: int, n_out: int, count: int):
        x, w, b = torch.randn(B, n_in), torch.randn(n_out, n_in) * 0.02, torch.zeros(n_out)
        return op("matmul", count, lambda: F.linear(x, w, b))

    def attn(tk: int, count: int):
        q, k, v, mask = torch.randn(B, H, 1, DH), torch.randn(B, H, tk, DH), torch.randn(B, H, tk, DH), torch.zeros(B, 1, 1, tk)
        return op("attention", count, lambda: torch.softmax((q * DH ** -0.5) @ k.transpose(-2, -1) + mask, -1) @ v)

    cache, kv = torch.empty(B, H, NEW, DH), torch.randn(B, H, 1, DH)
    xd, xf = torch.randn(B, D), torch.randn(B, FF)
    table, pe, ids = torch.randn(V, D), torch.randn(512, D), torch.randint(0, V, (B,))
    head_w, head_b = torch.randn(V, D) * 0.02, torch.zeros(V)
    return [
        lin(D, 3 * D, L), lin(D, D, L), lin(D, D, L), lin(D, D, L), lin(D, FF, L), lin(FF, D, L),
        attn(NEW // 2, L), attn(S, L),
        op("cache_writes", 2 * L, lambda: cache[:, :, NEW // 2:NEW // 2 + 1].copy_(kv)),
        op("norms", 3 * L + 1, lambda: F.layer_norm(xd, (D,))),
        op("residual_adds", 3 * L, lambda: xd + xd),
        op("activations", L, lambda: F.relu(xf)),
        op("embeddings", 1, lambda: table[ids] * 1.0 + pe[NEW // 2]),
        op("output_head", 1, lambda: F.linear(xd, head_w, head_b).argmax(-1)),
    ]


def decode_timed(run: Callable[[], object]) -> float:
    for _ in range(20):
        run()
    xs = []
    for _ in range(max(REPS, 5)):
        t0 = time.perf_counter()
        for _ in range(50):
            run()
        xs.append((time.perf_counter() - t0) * 1000 / 50)
    return statistics.median(xs)


def decode() -> None:
    with torch.no_grad():
        step = per_step(NEW)
        result("profile_decode", "step", step, 1.0)
        by_part: Dict[str, float] = {"encoding": per_step(0)}
        for category, count, run in decode_kernels():
            by_part[category] = by_part.get(category, 0.0) + count * decode_timed(run)
    for category, ms in by_part.items():
        result("profile_decode", category, ms, ms / step)
    other = step - sum(by_part.values())
    result("profile_decode", "other", other, other / step)


def main() -> None:
    print(f"torch {torch.__version__} threads {torch.get_num_threads()}", flush=True)
    if PART == "decode":
        decode()
        return
    step = phases()
    by_part: Dict[str, Tuple[float, float]] = {}
    for category, count, flops, run in kernels():
        ms, fl = by_part.get(category, (0.0, 0.0))
        by_part[category] = (ms + count * timed(run), fl + count * flops)
    for category, (ms, flops) in by_part.items():
        result("profile_kernels", category, ms, ms / step, gflops=flops / ms / 1e6 if flops else 0)
    other = step - sum(ms for ms, _ in by_part.values())
    result("profile_kernels", "other", other, other / step, gflops=0)


if __name__ == "__main__":
    main()
