#!/usr/bin/env python3
"""PyTorch peer of the time-to-quality task (src/tasks/time-to-quality.ts).

Trains a flow the way a PyTorch user would write it: the architecture of the densityjs preset
(models.py: 5 layers, hidden [64, 64], ReLU, order reversed between layers; splines with 8 bins
on [-4, 4] and identity tails), PyTorch's default nn.Linear initialization in every layer,
Adam(lr 1e-3), batch 256, the training set reshuffled every epoch. After every epoch it evaluates the mean negative
log-likelihood of the unseen test points, outside the timed part, and stops at the first epoch
whose test NLL is <= the target.

    /usr/bin/python3 peer/time_to_quality.py --data run.json --threads 1

`run.json`: {"model": "maf" | "realNVP" | "nsf", "target": float, "maxEpochs": int,
"seed": int, "dim": int, "train": [flat row-major floats], "test": [...]}.
Prints one JSON object on stdout: {"torch", "threads", "epochs" (null when the target was not
reached), "seconds" (training only), "testNll": [per epoch]}.
"""
import argparse
import json
import time

import torch
import torch.nn as nn

from models import MAF, NSF, RealNVP

MODELS = {"maf": MAF, "realNVP": RealNVP, "nsf": NSF}


def ordinary_flow(model, d):
    """The flow of models.py with PyTorch's default initialization in every layer (models.py
    zeroes the output layers, which does not matter for the speed tasks that time it)."""
    flow = MODELS[model](d, (64, 64), layers=5)
    for m in flow.modules():
        if isinstance(m, nn.Linear):
            m.reset_parameters()
    return flow


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    with open(args.data) as f:
        run = json.load(f)
    torch.manual_seed(run["seed"])
    d = run["dim"]
    x = torch.tensor(run["train"], dtype=torch.float32).view(-1, d)
    xt = torch.tensor(run["test"], dtype=torch.float32).view(-1, d)
    flow = ordinary_flow(run["model"], d)
    opt = torch.optim.Adam(flow.parameters(), lr=1e-3)
    batch, n = 256, x.shape[0]
    seconds, history, reached = 0.0, [], None
    for epoch in range(1, run["maxEpochs"] + 1):
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        for s in range(0, n, batch):
            opt.zero_grad(set_to_none=True)
            loss = -flow.log_prob(x[perm[s:s + batch]]).mean()
            loss.backward()
            opt.step()
        seconds += time.perf_counter() - t0
        with torch.no_grad():
            nll = float(-flow.log_prob(xt).mean())
        history.append(nll)
        if nll <= run["target"]:
            reached = epoch
            break
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "epochs": reached,
                      "seconds": seconds, "testNll": history}))


if __name__ == "__main__":
    main()
