#!/usr/bin/env python3
"""PyTorch peer of the densityjs benchmark (apps/bench): the same architectures, batch sizes,
optimizer (Adam) and timing scheme as src/tasks/speed.ts and src/measure.ts, so the bench can
print ours/torch ratios.

    /usr/bin/python3 peer/torch_bench.py --tasks maf-step-small,mdn-epoch \
        --warmup 5 --repeats 9 --min-repeat-ms 150 --max-steps 100 --seed 1234

Prints one JSON object on stdout: {"torch": version, "threads": n, "results": {task: {...}}};
progress lines go to stderr. Runs with torch.set_num_threads(--threads), default 1: the thread
count of the backends it is compared with (tfjs cpu and wasm run on one thread in Node).
"""
import argparse
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from models import MADE, MAF, IAF, RealNVP, NSF, MDN, mixture_log_prob, normal_log_prob

# Full-batch epochs per timed step of mdn-epoch (the densityjs task runs as many per mdn.fit call).
MDN_EPOCHS_PER_STEP = 10


def quantile(values, q):
    """numpy's default (linear) quantile, the same as src/stats.ts."""
    s = sorted(values)
    pos = (len(s) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def summarize(values):
    q1, q3 = quantile(values, 0.25), quantile(values, 0.75)
    return {
        "n": len(values), "median": quantile(values, 0.5), "q1": q1, "q3": q3, "iqr": q3 - q1,
        "min": min(values), "max": max(values), "mean": sum(values) / len(values),
    }


def time_task(step, warmup, repeats, min_repeats, min_repeat_ms, max_steps, budget_ms):
    """The scheme of src/measure.ts: first step, warm-up (at most 30% of the budget), steps per
    repeat so a repeat lasts min_repeat_ms, then as many repeats as the budget allows (at
    least min_repeats, at most repeats)."""
    t0 = time.perf_counter()
    step()
    first = (time.perf_counter() - t0) * 1e3
    warm = 0
    t1 = time.perf_counter()
    while warm < warmup and (time.perf_counter() - t1) * 1e3 < 0.3 * budget_ms:
        step()
        warm += 1
    per_step = (time.perf_counter() - t1) * 1e3 / warm if warm else first
    k = max(1, min(max_steps, round(min_repeat_ms / max(per_step, 1e-3))))
    affordable = int(0.7 * budget_ms // (per_step * k))
    reps = max(min_repeats, min(repeats, affordable))
    samples, cpu_samples = [], []
    for _ in range(reps):
        c = time.process_time()
        s = time.perf_counter()
        for _ in range(k):
            step()
        samples.append((time.perf_counter() - s) * 1e3 / k)
        cpu_samples.append((time.process_time() - c) * 1e3 / k)
    return {"stepsPerRepeat": k, "samples": samples, "summary": summarize(samples),
            "cpuSamples": cpu_samples, "cpuSummary": summarize(cpu_samples)}


def flow_step(flow, x):
    opt = torch.optim.Adam(flow.parameters(), lr=1e-3)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = -flow.log_prob(x).mean()
        loss.backward()
        opt.step()
        return loss
    return step


def make_task(name, seed):
    g = torch.Generator().manual_seed(seed)

    def normal(*shape):
        return torch.randn(*shape, generator=g)

    if name == "maf-step-small":
        return flow_step(MAF(2, [64, 64], 5), normal(256, 2)), {}
    if name == "maf-step-big":
        return flow_step(MAF(6, [256, 256], 5), normal(512, 6)), {}
    if name == "realnvp-step":
        return flow_step(RealNVP(2, [64, 64], 5), normal(256, 2)), {}
    if name == "nsf-step":
        return flow_step(NSF(2, [64, 64], 5, bins=8, bound=4.0), normal(256, 2)), {}
    if name.startswith(("maf-sample-", "iaf-sample-")):
        d = int(name.rsplit("-", 1)[1])
        hidden = [64, 64] if d <= 8 else [128, 128]
        flow = (MAF if name.startswith("maf") else IAF)(d, hidden, 5)

        def sample():
            with torch.no_grad():
                return flow.sample(512)
        return sample, {}
    if name == "made-fwd-bwd":
        made = MADE(6, [256, 256], 2)
        x = normal(512, 6)

        def step():
            made.zero_grad(set_to_none=True)
            out = made(x)
            loss = (out * out).sum()
            loss.backward()
            return loss
        return step, {}
    if name in ("mdn-epoch", "mdn-step"):
        # The first seed's experiment: 1000 points, 20 tanh units, 5 components, full batch Adam.
        t = torch.rand(1000, 1, generator=g) * 21 - 10.5
        s = 7 * torch.sin(0.75 * t) + 0.5 * t + normal(1000, 1)
        mdn = MDN(1, 20, 5)
        opt = torch.optim.Adam(mdn.parameters(), lr=1e-3)
        # mdn-epoch: MDN_EPOCHS_PER_STEP full-batch epochs, as the densityjs task runs per
        # step; mdn-step: one.
        epochs = MDN_EPOCHS_PER_STEP if name == "mdn-epoch" else 1

        def step():
            for _ in range(epochs):
                opt.zero_grad(set_to_none=True)
                loss = -mdn.log_prob(s, t).mean()
                loss.backward()
                opt.step()
            return loss
        return step, {}
    if name == "normal-logprob":
        x = normal(100_000)

        def step():
            with torch.no_grad():
                return normal_log_prob(x, 0.5, 2.0)
        return step, {}
    if name == "mixture-logprob":
        x = normal(100_000) * 2
        logits = torch.tensor([0.1, -0.3, 0.5, 0.0, -1.0])
        loc = torch.tensor([-2.0, -1, 0, 1, 2])
        scale = torch.tensor([0.5, 1, 1.5, 0.7, 0.3])

        def step():
            with torch.no_grad():
                return mixture_log_prob(x, logits, loc, scale)
        return step, {}
    if name in ("matmul-512", "matmul-512-tb"):
        a, b = normal(512, 512), normal(512, 512)
        if name == "matmul-512":
            return (lambda: a @ b), {"flopsPerStep": 2 * 512 ** 3}
        return (lambda: a @ b.t()), {"flopsPerStep": 2 * 512 ** 3}
    raise KeyError(name)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tasks", required=True)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--repeats", type=int, default=9)
    p.add_argument("--min-repeat-ms", type=float, default=150)
    p.add_argument("--max-steps", type=int, default=100)
    p.add_argument("--min-repeats", type=int, default=3)
    p.add_argument("--budget-ms", type=float, default=15000)
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    results = {}
    for name in [t for t in a.tasks.split(",") if t]:
        print(name, file=sys.stderr, flush=True)
        try:
            step, extra = make_task(name, a.seed)
            r = time_task(step, a.warmup, a.repeats, a.min_repeats, a.min_repeat_ms, a.max_steps, a.budget_ms)
            r.update(extra)
            r["task"] = name
            results[name] = r
        except KeyError:
            results[name] = {"task": name, "error": "no torch implementation"}
        except Exception as e:  # report, keep going
            results[name] = {"task": name, "error": f"{type(e).__name__}: {e}"}
    json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
