import { arch, cpus, freemem, loadavg, platform, totalmem } from 'node:os';
/** Summary statistics over latency samples in milliseconds. Percentiles use the nearest-rank rule. */
export function summarize(samples) {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  if (n === 0) throw new Error('no samples');
  const rank = (p) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))];
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    n,
    min: sorted[0],
    median: rank(50),
    p90: rank(90),
    p99: rank(99),
    max: sorted[n - 1],
    mean: sum / n,
  };
}

/** Rounds for display and for the JSON summary: 3 decimals is 1 µs at millisecond scale. */
export function round(value, decimals = 3) {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

export function roundStats(stats) {
  return Object.fromEntries(Object.entries(stats).map(([key, value]) => [key, key === 'n' ? value : round(value)]));
}

export function ratio(numerator, denominator) {
  return round(numerator / denominator, 2);
}

/** The machine a run measured, for its JSON report: Node, CPUs, memory and the load when it started. */
export function machine() {
  const list = cpus();
  return {
    node: process.version,
    platform: `${platform()} ${arch()}`,
    cpus: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memoryGb: round(totalmem() / 2 ** 30, 1),
    freeMemoryGb: round(freemem() / 2 ** 30, 1),
    loadavg1mAtStart: round(loadavg()[0] ?? 0, 2),
  };
}
