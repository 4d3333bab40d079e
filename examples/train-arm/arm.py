#!/usr/bin/python3
"""The black box of the arm example over the `line` protocol: a planar arm of three links
(1, 0.8, 0.6) whose joints turn in gear steps of 0.05 rad (non-smooth: F is a staircase in
o), and whose reported tip position carries measurement noise (std 0.02, seeded by the
request id so a rerun answers the same). Request {"id", "params": {"px", "py", "q1", "q2",
"q3"}}, reply {"y": [tip_x, tip_y]}. px, py (the target) do not enter F: the model must
learn joint angles that put the tip there."""
import json
import math
import random
import sys

LINKS = (1.0, 0.8, 0.6)
GEAR = 0.05
NOISE = 0.02


def tip(q):
    x = y = angle = 0.0
    for length, joint in zip(LINKS, q):
        angle += GEAR * round(joint / GEAR)
        x += length * math.cos(angle)
        y += length * math.sin(angle)
    return x, y


for line in sys.stdin:
    request = json.loads(line)
    p = request["params"]
    x, y = tip((p["q1"], p["q2"], p["q3"]))
    noise = random.Random(request["id"])
    reply = {"id": request["id"], "y": [x + noise.gauss(0, NOISE), y + noise.gauss(0, NOISE)]}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
