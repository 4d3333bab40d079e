#!/usr/bin/python3
"""Writes data.csv for the rotation example: x uniform in [-2, 2]², a hidden angle
o*(x) = 0.6 sin(1.5 x1) + 0.4 x2, and y = R(o*(x)) x, the point x rotated by o*(x).
The trainer sees x and y only; it must find a model NN(x) ≈ o*(x) through F."""
import math
import random

random.seed(0)
with open("data.csv", "w") as out:
    out.write("x1,x2,y1,y2\n")
    for _ in range(400):
        x1, x2 = random.uniform(-2, 2), random.uniform(-2, 2)
        angle = 0.6 * math.sin(1.5 * x1) + 0.4 * x2
        c, s = math.cos(angle), math.sin(angle)
        out.write(f"{x1!r},{x2!r},{c * x1 - s * x2!r},{s * x1 + c * x2!r}\n")
