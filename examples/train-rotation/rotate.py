#!/usr/bin/python3
"""The black box F(x, o) of the rotation example over the `line` protocol: one JSON request
per line, {"id": 7, "params": {"x1": .., "x2": .., "o": ..}}, one reply per line,
{"y": [y1, y2]}: the point x rotated by the angle o (radians)."""
import json
import math
import sys

for line in sys.stdin:
    request = json.loads(line)
    p = request["params"]
    c, s = math.cos(p["o"]), math.sin(p["o"])
    y = [c * p["x1"] - s * p["x2"], s * p["x1"] + c * p["x2"]]
    sys.stdout.write(json.dumps({"id": request["id"], "y": y}) + "\n")
    sys.stdout.flush()
