"""Starts N processes of one module as a torch.distributed job on this machine: sets MASTER_ADDR, MASTER_PORT, RANK,
LOCAL_RANK and WORLD_SIZE itself (what torchrun sets; torchrun fails on Debian 12's Python 3.11 with torch 1.13).
`python3 -m mlnet_transformer.launch --nproc 2 mlnet_transformer.train --model in --data d.tsv --output out`"""

import argparse
import os
import socket
import subprocess
import sys
from typing import List


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def launch(nproc: int, module: str, arguments: List[str]) -> int:
    """Runs the processes to the end; the first non-zero exit status (or 0)."""
    port = str(free_port())
    processes = []
    for rank in range(nproc):
        environment = dict(os.environ, MASTER_ADDR="127.0.0.1", MASTER_PORT=port, RANK=str(rank), LOCAL_RANK=str(rank),
                           WORLD_SIZE=str(nproc))
        processes.append(subprocess.Popen([sys.executable, "-m", module, *arguments], env=environment))
    codes = [process.wait() for process in processes]
    return next((code for code in codes if code != 0), 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nproc", type=int, default=2, help="processes (one per device; CPU here, gloo backend)")
    parser.add_argument("module", help="the module to run in each process, e.g. mlnet_transformer.train")
    parser.add_argument("arguments", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    sys.exit(launch(args.nproc, args.module, args.arguments))


if __name__ == "__main__":
    main()
