"""Fine-tunes an exported classifier with DistributedDataParallel (gloo on CPUs, NCCL on GPUs) and writes a model folder
the library imports. Run it with mlnet_transformer.launch here, or torchrun on a cluster; one process without either.
Every step takes the same global batch, split evenly across the processes, so a run's gradients do not depend on the
number of processes."""

import argparse
import os
from typing import Dict

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

from . import safetensors
from .data import ByteEncoder, read_rows
from .folder import load_folder, save_folder


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True, help="an exported classifier folder")
    parser.add_argument("--data", required=True, help="a .tsv or .csv file with a header")
    parser.add_argument("--text-column", default="Text")
    parser.add_argument("--label-column", default="Label")
    parser.add_argument("--output", help="the folder to write (rank 0)")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=32, help="the global batch; a multiple of the process count")
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--checkpoint", help="a file to save to every --checkpoint-every steps and to resume from")
    parser.add_argument("--checkpoint-every", type=int, default=50)
    parser.add_argument("--gradients", help="write the first step's gradients (safetensors) here and stop")
    parser.add_argument("--scores", help="write the trained model's class logits of every row (safetensors) here")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    world, rank = int(os.environ.get("WORLD_SIZE", "1")), int(os.environ.get("RANK", "0"))
    if world > 1:
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    if args.batch_size % world != 0:
        raise ValueError(f"--batch-size ({args.batch_size}) must be a multiple of the process count ({world})")
    torch.manual_seed(args.seed)
    folder = load_folder(args.model)
    if folder.config["Component"] != "TextClassifier":
        raise ValueError(f"the trainer fine-tunes classifiers; the folder holds a {folder.config['Component']}")
    classes = {name: index for index, name in enumerate(folder.config["ClassNames"])}
    encoder = ByteEncoder(folder.config["Tokenizer"], folder.config["Settings"]["MaxLength"])
    rows = read_rows(args.data, args.text_column, args.label_column)
    unknown = sorted({label for _, label in rows if label not in classes})
    if unknown:
        raise ValueError(f"labels not among the model's classes {list(classes)}: {unknown[:5]}")

    device = torch.device(f"cuda:{os.environ.get('LOCAL_RANK', '0')}") if torch.cuda.is_available() else torch.device("cpu")
    model = folder.module.to(device).train()
    # The body's language-model head gets no gradient from a classification loss: DDP must be told.
    network = DistributedDataParallel(model, find_unused_parameters=True) if world > 1 else model
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.learning_rate, weight_decay=args.weight_decay)
    start = resume(args.checkpoint, model, optimizer)
    local = args.batch_size // world
    order = torch.randperm(len(rows), generator=torch.Generator().manual_seed(args.seed))
    for step in range(start, args.steps):
        # The same global batch on every process; each takes its own contiguous share.
        picks = [order[(step * args.batch_size + i) % len(rows)].item() for i in range(args.batch_size)]
        mine = picks[rank * local: (rank + 1) * local]
        ids, padding = (t.to(device) for t in encoder.batch([rows[i][0] for i in mine]))
        labels = torch.tensor([classes[rows[i][1]] for i in mine], device=device)
        optimizer.zero_grad()
        F.cross_entropy(network(ids, padding), labels).backward()  # DDP averages gradients across processes
        if args.gradients:
            if rank == 0:
                write(args.gradients, {name: p.grad for name, p in model.named_parameters() if p.grad is not None})
            break
        optimizer.step()
        if args.checkpoint and rank == 0 and (step + 1) % args.checkpoint_every == 0:
            save_checkpoint(args.checkpoint, model, optimizer, step + 1)
    if rank == 0 and not args.gradients:
        if args.output:
            model.cpu()
            save_folder(folder, args.output)
        if args.scores:
            write(args.scores, {"logits": score(model.eval().cpu(), encoder, [text for text, _ in rows])})
    if world > 1:
        dist.destroy_process_group()


def score(model: torch.nn.Module, encoder: ByteEncoder, texts) -> torch.Tensor:
    with torch.no_grad():
        return torch.cat([model(*encoder.batch([text])) for text in texts])


def write(path: str, tensors: Dict[str, torch.Tensor]) -> None:
    with open(path, "wb") as handle:
        handle.write(safetensors.write(tensors, {}))


def save_checkpoint(path: str, model: torch.nn.Module, optimizer: torch.optim.Optimizer, step: int) -> None:
    temporary = path + ".tmp"
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step}, temporary)
    os.replace(temporary, path)


def resume(path, model: torch.nn.Module, optimizer: torch.optim.Optimizer) -> int:
    if not path or not os.path.exists(path):
        return 0
    state = torch.load(path, weights_only=True)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    return int(state["step"])


if __name__ == "__main__":
    main()
