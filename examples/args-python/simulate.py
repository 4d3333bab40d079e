#!/usr/bin/env python3
"""A stand-in for a simulator that is started once per evaluation.

    simulate.py --gain G --offset O --rate R

prints progress chatter and then the cost on its last line. evobox reads the last
non-empty line of stdout, so the chatter does no harm. Only the standard library is used.
"""
import argparse
import math

parser = argparse.ArgumentParser()
parser.add_argument("--gain", type=float, required=True)
parser.add_argument("--offset", type=float, required=True)
parser.add_argument("--rate", type=float, required=True)
a = parser.parse_args()

print(f"simulating gain={a.gain} offset={a.offset} rate={a.rate}")
g = a.gain - 2.0
o = a.offset + 1.0
r = math.log10(a.rate) + 2.0  # optimum at rate = 0.01, which is why the problem uses a log scale
cost = g * g + 3.0 * o * o + r * r + 0.5 * g * o
print(cost)
