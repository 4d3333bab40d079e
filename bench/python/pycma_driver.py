"""Runs pycma for evobox's benchmarks, side by side with our own measurement.

This is evobox code, not pycma's: it imports `cma` from the checkout named by PYCMA_PATH
(never committed here) and prints JSON. The request is one JSON object on stdin:

  {"mode": "overhead", "dimension": 10, "diagonal": false, "generations": 600, "repetitions": 3}
      -> one JSON line: µs per generation of ask + sphere evaluation + tell at the default
         population size (median of the repetitions), wall and CPU, and the split; measured
         like bench/cma-overhead.ts (warm-up of 1/20 the generations, restart when stopped).
  {"mode": "quality", "cases": [{"function": "sphere", "dimension": 10, "variant": "default",
    "seeds": [1, 2], "budget": 100000, "target": 1e-8}], "rotations": {"10": [...]}}
      -> one JSON line per run: evaluations to the first f < target (null if never within
         the budget), evaluations used, best f.
  {"mode": "end-to-end", "dimension": 100, "evaluations": 30000, "x0": 1, "sigma0": 2,
   "bounds": [-5, 5] or null}
      -> one JSON line: seconds (wall and CPU) of pycma's ask-evaluate-tell loop on the
         ellipsoid in process (imports excluded), the evaluations done, the population; for
         bench/end-to-end.ts, which sets them beside a whole `evobox run`.

  {"mode": "bbob", "dimension": 5, "functions": [1, 2], "instances": [1, 2, 3, 4, 5], "repeats": 1,
    "budget_factor": 2000, "target": 1e-8, "seed": 7000000}
      -> one JSON line per run of IPOP pycma on COCO BBOB (cma.bbobbenchmarks, the values
         ../shared/reference/bbob/check_bbob_line.py matches against bbob_line) set up as
         ../shared/reference/bbob/README.md says: bounds [-5, 5] (BoundTransform), sigma0 = 2,
         x0 ~ U[-4, 4]^n drawn anew for every restart, incpopsize 2, budget budget_factor * n over
         all restarts: evaluations to the first f - f_opt <= target (null if never), used, restarts.

Counting as in ../shared/reference/pycma-4.4.0.md: every objective call counts, x0 ~ U[-3, 3]^n,
sigma0 = 2; IPOP = cma.fmin2 with 9 restarts doubling the population, budget over all restarts.
"""

import json
import math
import os
import sys
import time

sys.path.insert(0, os.environ["PYCMA_PATH"])
import cma  # noqa: E402  (path set just above)
import numpy as np  # noqa: E402


def ellipsoid_weights(n):
    if n == 1:
        return np.ones(1)
    return 10.0 ** (6.0 * np.arange(n) / (n - 1))


def make_function(name, n, rotations):
    """The same definitions as engine/objectives/builtin.ts (rotation passed in from there)."""
    if name == "sphere":
        return lambda x: float(np.dot(x, x))
    if name == "ellipsoid":
        w = ellipsoid_weights(n)
        return lambda x: float(np.dot(w, x * x))
    if name == "rotated-ellipsoid":
        w = ellipsoid_weights(n)
        r = np.array(rotations[str(n)], dtype=float).reshape(n, n)

        def rotated(x):
            y = r @ x
            return float(np.dot(w, y * y))

        return rotated
    if name == "rosenbrock":
        return lambda x: float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2))
    if name == "rastrigin":
        return lambda x: float(10.0 * n + np.sum(x * x - 10.0 * np.cos(2.0 * math.pi * x)))
    if name == "ackley":

        def ackley(x):
            value = (
                -20.0 * math.exp(-0.2 * math.sqrt(float(np.dot(x, x)) / n))
                - math.exp(float(np.sum(np.cos(2.0 * math.pi * x))) / n)
                + 20.0
                + math.e
            )
            return max(0.0, value)

        return ackley
    raise ValueError("unknown function " + name)


def quality_run(case, seed, rotations):
    n = case["dimension"]
    target = case["target"]
    budget = case["budget"]
    f = make_function(case["function"], n, rotations)
    count = [0, None, math.inf]  # evaluations, first success, best f

    def counted(x):
        value = f(np.asarray(x, dtype=float))
        count[0] += 1
        if value < count[2]:
            count[2] = value
        if count[1] is None and value < target:
            count[1] = count[0]
        return value

    x0 = np.random.default_rng(seed).uniform(-3.0, 3.0, n)
    options = {"seed": seed, "verbose": -9, "ftarget": target, "maxfevals": budget}
    restarts = 9 if case["variant"] == "ipop" else 0
    cma.fmin2(counted, x0, 2.0, options, restarts=restarts, incpopsize=2)
    first = count[1] if count[1] is not None and count[1] <= budget else None
    return {
        "function": case["function"],
        "dimension": n,
        "variant": case["variant"],
        "seed": seed,
        "evaluations": first,
        "used": count[0],
        "best": count[2],
    }


def overhead(request):
    n = request["dimension"]
    generations = request["generations"]
    options = {"seed": 1, "verbose": -9, "CMA_diagonal": bool(request["diagonal"])}

    def sphere(x):
        return float(np.dot(x, x))

    def one_repetition(seed, generations):
        rng = np.random.default_rng(seed)
        x0 = rng.uniform(-3.0, 3.0, n)
        es = cma.CMAEvolutionStrategy(x0, 2.0, dict(options, seed=seed))
        ask = evaluate = tell = 0.0
        cpu0 = time.process_time()
        for _ in range(generations):
            t0 = time.perf_counter()
            candidates = es.ask()
            t1 = time.perf_counter()
            fitness = [sphere(x) for x in candidates]
            t2 = time.perf_counter()
            es.tell(candidates, fitness)
            t3 = time.perf_counter()
            ask += t1 - t0
            evaluate += t2 - t1
            tell += t3 - t2
            # Like bench/cma-overhead.ts: keep timing a working strategy.
            if es.stop() or min(fitness) < 1e-100:
                es = cma.CMAEvolutionStrategy(x0, 2.0, dict(options, seed=seed + 1000))
        cpu = time.process_time() - cpu0
        per = 1e6 / generations
        return {
            "wall": (ask + evaluate + tell) * per,
            "cpu": cpu * per,
            "ask": ask * per,
            "evaluate": evaluate * per,
            "tell": tell * per,
            "popsize": es.sp.popsize,
        }

    one_repetition(99, max(1, generations // 20))  # warm-up (imports, caches), as ours
    timings = [one_repetition(seed, generations) for seed in range(1, request["repetitions"] + 1)]
    result = {}
    for key in timings[0]:
        values = sorted(t[key] for t in timings)
        result[key] = values[len(values) // 2]
    return result


def bbob_runs(request):
    from cma import bbobbenchmarks as bb

    n = request["dimension"]
    target = request["target"]
    for f in request["functions"]:
        for repeat in range(request["repeats"]):
            for instance in request["instances"]:
                function, f_opt = bb.instantiate(f, iinstance=instance)
                seed = request["seed"] + f * 10000 + n * 100 + instance + 1000 * repeat
                rng = np.random.default_rng(seed)
                tally = {"used": 0, "first": None}

                def objective(x):
                    value = float(function(np.asarray(x))) - f_opt
                    tally["used"] += 1
                    if tally["first"] is None and value <= target:
                        tally["first"] = tally["used"]
                    return value

                result = cma.fmin(
                    objective, lambda: rng.uniform(-4, 4, n), 2.0,
                    {"bounds": [-5, 5], "ftarget": target, "maxfevals": request["budget_factor"] * n,
                     "verbose": -9, "seed": seed, "verb_log": 0},
                    restarts=1000, incpopsize=2)
                restarts = len(cma.evolution_strategy.all_stoppings) - 1
                print(json.dumps({"f": f, "instance": instance, "repeat": repeat, "used": tally["used"],
                                  "first": tally["first"], "restarts": restarts,
                                  "best": float(result[1])}), flush=True)


def end_to_end(request):
    n = request["dimension"]
    budget = request["evaluations"]
    f = make_function("ellipsoid", n, {})
    options = {"seed": 1, "verbose": -9, "maxfevals": budget}
    if request.get("bounds"):
        options["bounds"] = list(request["bounds"])
    started = time.perf_counter()
    cpu_started = time.process_time()
    es = cma.CMAEvolutionStrategy(n * [float(request["x0"])], float(request["sigma0"]), options)
    evaluations = 0
    while evaluations < budget:
        candidates = es.ask()
        candidates = candidates[: budget - evaluations]
        fitness = [f(x) for x in candidates]
        evaluations += len(candidates)
        if len(candidates) == es.sp.popsize:
            es.tell(candidates, fitness)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    return {"seconds": seconds, "cpu": cpu, "evaluations": evaluations, "popsize": es.sp.popsize}


def main():
    request = json.loads(sys.stdin.read())
    if request["mode"] == "version":
        print(json.dumps({"pycma": cma.__version__, "numpy": np.__version__, "python": sys.version.split()[0]}))
    elif request["mode"] == "overhead":
        print(json.dumps(overhead(request)))
    elif request["mode"] == "end-to-end":
        print(json.dumps(end_to_end(request)))
    elif request["mode"] == "quality":
        rotations = request.get("rotations", {})
        for case in request["cases"]:
            for seed in case["seeds"]:
                print(json.dumps(quality_run(case, seed, rotations)), flush=True)
    elif request["mode"] == "bbob":
        bbob_runs(request)
    else:
        raise ValueError("unknown mode " + str(request["mode"]))


if __name__ == "__main__":
    main()
