#!/usr/bin/python3
"""The black box F(x, o) of the rotation example over the `line` protocol: one JSON request
per line, one reply per line; the point x rotated by the angle o (radians).

Per sample:  {"id": 7, "params": {"x1": .., "x2": .., "o": ..}}   ->  {"id": 7, "y": [y1, y2]}
Batched (blackBox.batch in the problem file; a minibatch per line, one read and one write):
             {"id": 8, "batch": [{"x1": .., "x2": .., "o": ..}, ...]}  ->  {"id": 8, "y": [[y1, y2], ...]}
"""
import json
import math
import sys


def rotate_one(p):
    c, s = math.cos(p["o"]), math.sin(p["o"])
    return [c * p["x1"] - s * p["x2"], s * p["x1"] + c * p["x2"]]


for line in sys.stdin:
    request = json.loads(line)
    if "batch" in request:
        y = [rotate_one(p) for p in request["batch"]]
    else:
        y = rotate_one(request["params"])
    sys.stdout.write(json.dumps({"id": request["id"], "y": y}) + "\n")
    sys.stdout.flush()
