/*
 * Our timing driver for Hansen's c-cmaes (bench/c-cmaes.ts compiles it at run time together with
 * c-cmaes's src/cmaes.c, fetched from github.com/CMA-ES/c-cmaes and never committed here).
 *
 * Usage: c-cmaes-driver <n> <generations> <eigen-interval> <seed>
 * Times `generations` generations of SamplePopulation + sphere + UpdateDistribution +
 * TestForTermination at c-cmaes's default λ = 4 + ⌊3 ln n⌋, x0 ~ U[-3, 3]^n, σ0 = 2. When c-cmaes
 * stops (it converges in a few hundred generations), it is re-initialised outside the timed
 * segments. eigen-interval > 0 forces an eigendecomposition exactly every that many generations
 * (updatecov = interval, no CPU-time cap); 0 keeps c-cmaes's own rule (every 1/(10·n·c_cov)
 * generations, but at most 20 % of the CPU time). Prints one JSON line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "cmaes_interface.h"

static double seconds(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double sphere(const double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += x[i] * x[i];
  return s;
}

static double *start(cmaes_t *evo, int n, double interval, long seed, double *x0, double *sd) {
  srand((unsigned)seed);
  for (int i = 0; i < n; i++) {
    x0[i] = -3 + 6 * ((double)rand() / RAND_MAX);
    sd[i] = 2;
  }
  cmaes_init_para(evo, n, x0, sd, seed, 0, "non");
  if (interval > 0) {
    evo->sp.updateCmode.modulo = interval;
    evo->sp.updateCmode.maxtime = 1.0;
  }
  return cmaes_init_final(evo);
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s <n> <generations> <eigen-interval> <seed>\n", argv[0]);
    return 2;
  }
  int n = atoi(argv[1]);
  long generations = atol(argv[2]);
  double interval = atof(argv[3]);
  long seed = atol(argv[4]);
  if (n < 1 || generations < 1 || interval < 0 || seed < 1) {
    fprintf(stderr, "expected n ≥ 1, generations ≥ 1, eigen-interval ≥ 0, seed ≥ 1\n");
    return 2;
  }
  double *x0 = malloc(sizeof(double) * n);
  double *sd = malloc(sizeof(double) * n);
  cmaes_t evo;
  double *fitness = start(&evo, n, interval, seed, x0, sd);
  int lambda = (int)cmaes_Get(&evo, "lambda");
  double modulo = evo.sp.updateCmode.modulo;
  double wall = 0, cpu = 0;
  long restarts = 0;
  double wall0 = seconds(CLOCK_MONOTONIC), cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
  for (long g = 0; g < generations; g++) {
    double *const *population = cmaes_SamplePopulation(&evo);
    for (int k = 0; k < lambda; k++) fitness[k] = sphere(population[k], n);
    cmaes_UpdateDistribution(&evo, fitness);
    if (cmaes_TestForTermination(&evo)) {
      wall += seconds(CLOCK_MONOTONIC) - wall0;
      cpu += seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
      cmaes_exit(&evo);
      fitness = start(&evo, n, interval, seed + ++restarts, x0, sd);
      wall0 = seconds(CLOCK_MONOTONIC);
      cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    }
  }
  wall += seconds(CLOCK_MONOTONIC) - wall0;
  cpu += seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
  printf(
      "{\"dimension\":%d,\"lambda\":%d,\"updatecov\":%g,\"generations\":%ld,\"restarts\":%ld,"
      "\"wallMicros\":%.4f,\"cpuMicros\":%.4f}\n",
      n, lambda, modulo, generations, restarts, 1e6 * wall / generations, 1e6 * cpu / generations);
  cmaes_exit(&evo);
  free(x0);
  free(sd);
  return 0;
}
