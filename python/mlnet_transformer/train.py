"""Continues pretraining or fine-tunes an exported model with DistributedDataParallel (gloo on CPUs, NCCL on GPUs),
with the objective the library trains its component with, and writes a model folder the library imports. Run it with
mlnet_transformer.launch here, or torchrun on a cluster; one process without either. Every step takes the same global
batch (every process builds it), each process its contiguous share, and the loss is the mean over the global batch's
labelled positions, so a run's gradients do not depend on the number of processes."""

import argparse
import os
from typing import Dict, List

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from . import checkpoint, optimization, safetensors
from .examples import Example, collate
from .folder import load_folder, save_folder
from .rows import read_rows
from .tasks import ObjectiveLoss, Task, row_scores, task_for
from .tokenizer import from_folder


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True, help="an exported classifier, generator or pretrained model folder")
    parser.add_argument("--data", required=True, help="a .tsv or .csv file with a header, or a text file (one text a line)")
    parser.add_argument("--text-column", help="the text (a generator's source); default: the component's own column")
    parser.add_argument("--label-column", help="a classifier's label (default Label) or a generator's target column")
    parser.add_argument("--output", help="the folder to write (rank 0)")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=32, help="the global batch; a multiple of the process count")
    parser.add_argument("--learning-rate", type=float, default=1e-3, help="the peak learning rate")
    parser.add_argument("--min-learning-rate", type=float, default=0.0, help="where the decay ends")
    parser.add_argument("--schedule", choices=optimization.SCHEDULES, default="cosine")
    parser.add_argument("--warmup-steps", type=int, help="default: 8%% of --steps, at most 200")
    parser.add_argument("--gradient-clip", type=float, default=1.0, help="the gradients' largest global norm (0: none)")
    parser.add_argument("--weight-decay", type=float, default=0.01, help="on matrices other than embeddings and norms")
    parser.add_argument("--label-smoothing", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--checkpoint", help="a file to save to every --checkpoint-every steps and to resume from")
    parser.add_argument("--checkpoint-every", type=int, default=50)
    parser.add_argument("--gradients", help="write the first step's gradients (safetensors) here (rank 0)")
    parser.add_argument("--scores", help="write the trained model's score of every row (safetensors) here")
    return parser.parse_args()


class GlobalBatches:
    """Step -> the same global batch on every process: epochs of examples (corrupted anew with seed + epoch), each in
    a seeded random order."""

    def __init__(self, task: Task, rows, batch_size: int, seed: int) -> None:
        self.task, self.rows, self.batch_size, self.seed = task, rows, batch_size, seed
        self.epochs: Dict[int, List[Example]] = {}

    def _epoch(self, epoch: int) -> List[Example]:
        if epoch not in self.epochs:
            examples = self.task.examples(self.rows, self.seed + epoch)
            if not examples:
                raise ValueError("the data gives no training example (empty texts, or fewer tokens than the objective needs)")
            order = torch.randperm(len(examples), generator=torch.Generator().manual_seed(self.seed + epoch)).tolist()
            self.epochs = {epoch: [examples[i] for i in order]}
        return self.epochs[epoch]

    def step(self, step: int) -> List[Example]:
        size = len(self._epoch(0)) if not self.epochs else len(next(iter(self.epochs.values())))  # the same every epoch
        picked = []
        for position in range(step * self.batch_size, (step + 1) * self.batch_size):
            picked.append(self._epoch(position // size)[position % size])
        return picked


def main() -> None:
    args = arguments()
    world, rank = int(os.environ.get("WORLD_SIZE", "1")), int(os.environ.get("RANK", "0"))
    if world > 1:
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    if args.batch_size % world != 0:
        raise ValueError(f"--batch-size ({args.batch_size}) must be a multiple of the process count ({world})")
    torch.manual_seed(args.seed)
    folder = load_folder(args.model)
    tokenizer = from_folder(folder.config["Tokenizer"], folder.files)  # type: ignore[arg-type]
    task = task_for(folder, tokenizer, args)
    rows = read_rows(args.data, task.columns)

    device = torch.device("cpu")
    if torch.cuda.is_available():
        device = torch.device(f"cuda:{os.environ.get('LOCAL_RANK', '0')}")
        torch.cuda.set_device(device)  # NCCL's collectives use the current device
    model = folder.module.to(device).train()
    loss = ObjectiveLoss(model, task.objective)
    # A classifier's body has a language-model head that its loss never reaches: DDP must be told.
    network = DistributedDataParallel(loss, find_unused_parameters=True) if world > 1 else loss
    optimizer = optimization.optimizer(model, args.learning_rate, args.weight_decay)
    warmup = optimization.warmup_for(args.steps, args.warmup_steps)
    start = checkpoint.resume(args.checkpoint, model, optimizer)
    batches = GlobalBatches(task, rows, args.batch_size, args.seed)
    local = args.batch_size // world
    for step in range(start, args.steps):
        picked = batches.step(step)
        targets = sum(example.targets for example in picked)
        batch = collate(picked[rank * local: (rank + 1) * local]).to(device)
        optimizer.zero_grad()
        # DDP averages over processes: each contributes its share of the global sum, so the result is the global mean.
        losses = network(batch.ids, batch.padding, batch.labels, batch.decoder_input, batch.decoder_padding, batch.ngram_ids,
                         batch.ngram_weights)
        (losses.sum() * (world / targets)).backward()
        if args.gradients and rank == 0 and step == start:
            write(args.gradients, {name: p.grad for name, p in model.named_parameters() if p.grad is not None})
        optimization.clip(list(model.parameters()), args.gradient_clip)
        for group in optimizer.param_groups:
            group["lr"] = optimization.learning_rate(step, args.schedule, args.learning_rate, args.min_learning_rate, warmup, args.steps)
        optimizer.step()
        if args.checkpoint and rank == 0 and (step + 1) % args.checkpoint_every == 0:
            checkpoint.save(args.checkpoint, model, optimizer, step + 1)
    if rank == 0:
        model.cpu().eval()
        if args.output:
            save_folder(folder, args.output)
        if args.scores:
            write(args.scores, row_scores(task, model, rows, folder.config.get("Decoding")))
    if world > 1:
        dist.destroy_process_group()


def write(path: str, tensors: Dict[str, torch.Tensor]) -> None:
    with open(path, "wb") as handle:
        handle.write(safetensors.write(tensors, {}))


if __name__ == "__main__":
    main()
