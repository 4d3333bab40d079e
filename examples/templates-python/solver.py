#!/usr/bin/env python3
"""A stand-in for a solver that reads an input deck from its working directory and
writes a results file there, as many simulators do. evobox renders deck.tmpl into a
fresh scratch directory per evaluation, runs this script in it, and picks the number out
of results.out with a regular expression.
"""
import math

deck = {}
with open("input.deck") as f:
    for line in f:
        line = line.split("#", 1)[0]
        if "=" in line:
            key, value = line.split("=", 1)
            deck[key.strip()] = float(value)

fins, thickness, airflow = deck["fin_count"], deck["fin_thickness_mm"], deck["airflow_m_s"]
# Thin fins conduct heat poorly; more fins and more air cool better but cost more.
fin_efficiency = thickness / (thickness + 0.8)
temperature_rise = 40.0 / (1.0 + 0.05 * fins * math.sqrt(airflow) * fin_efficiency)
manufacturing = 0.25 * fins + 0.5 * (thickness - 1.5) ** 2
fan_power = 0.08 * airflow ** 2
total = temperature_rise + manufacturing + fan_power

with open("results.out", "w") as out:
    out.write("converged after 12 iterations\n")
    out.write(f"temperature_rise = {temperature_rise:.12g}\n")
    out.write(f"total_cost = {total!r}\n")
print("solver finished")
