#!/usr/bin/python3
"""Writes data.csv for the arm example: target points (px, py) in the right half of an
annulus the arm can reach, and the targets (tx, ty) = (px, py): the model must learn joint
angles q1..q3 = NN(px, py) whose tip, through the geared, noisy arm F, lands on the target."""
import math
import random

random.seed(0)
with open("data.csv", "w") as out:
    out.write("px,py,tx,ty\n")
    for _ in range(500):
        radius = random.uniform(0.6, 2.2)
        angle = random.uniform(-math.pi / 2, math.pi / 2)
        px, py = radius * math.cos(angle), radius * math.sin(angle)
        out.write(f"{px!r},{py!r},{px!r},{py!r}\n")
