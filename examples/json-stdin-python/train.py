#!/usr/bin/env python3
"""A stand-in for a training script that is started once per evaluation and reads its
hyper-parameters as one JSON line on stdin:

    {"id": 17, "params": {"learning_rate": 0.001, "momentum": 0.9, "width": 24}}

It prints one JSON object; `fitness` is minimised, the other fields are kept as extras.
"""
import json
import math
import sys

request = json.loads(sys.stdin.readline())
p = request["params"]
print(f"evaluation {request['id']}: {p}", file=sys.stderr)

loss = (
    (math.log10(p["learning_rate"]) + 2.5) ** 2
    + 4.0 * (p["momentum"] - 0.9) ** 2
    + ((p["width"] - 24) / 16.0) ** 2
    + 0.01
)
print(json.dumps({"fitness": loss, "accuracy": 1.0 / (1.0 + loss)}))
