#!/usr/bin/env python3
"""A long-lived evaluator for the line protocol.

Start-up work (here: building a data set; in practice loading a model or warming up a
simulator) happens once. Then each stdin line is a request {"id", "params"} and each
answer is one stdout line, in the same order. Logs go to stderr, never stdout.
"""
import json
import random
import sys

rng = random.Random(0)
data = []
for _ in range(200):
    x0, x1 = rng.uniform(-1, 1), rng.uniform(-1, 1)
    data.append((x0, x1, 1.5 * x0 - 0.7 * x1 + 0.3 + rng.gauss(0, 0.05)))
print(f"server ready with {len(data)} samples", file=sys.stderr, flush=True)

for line in sys.stdin:
    request = json.loads(line)
    p = request["params"]
    # Mean squared error of a linear model: a quadratic bowl in (w0, w1, bias).
    mse = sum((p["w0"] * x0 + p["w1"] * x1 + p["bias"] - y) ** 2 for x0, x1, y in data) / len(data)
    sys.stdout.write(json.dumps({"id": request["id"], "fitness": mse}) + "\n")
    sys.stdout.flush()
