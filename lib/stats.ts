// Aggregate statistics for the dashboards: per-criterion summaries and inter-rater agreement.

export type Summary = {
  n: number;
  mean: number | null;
  sd: number | null;
  median: number | null;
  ci95: [number, number] | null;
  distribution: [number, number, number, number, number]; // counts of scores 1..5
};

// Two-sided 95% Student t quantiles t(0.975, df) for df = 1..30.
const T975 = [
  12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281, 2.201, 2.1788,
  2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.093, 2.086, 2.0796, 2.0739, 2.0687, 2.0639,
  2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
];

/** t(0.975, df): table for small df, Cornish–Fisher expansion beyond (error < 1e-4 for df > 30). */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new Error(`Degrees of freedom must be a positive integer, got ${df}`);
  if (df <= T975.length) return T975[df - 1];
  const z = 1.959963984540054;
  const z3 = z ** 3, z5 = z ** 5, z7 = z ** 7;
  return (
    z +
    (z3 + z) / (4 * df) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3)
  );
}

export function summarize(scores: number[]): Summary {
  const distribution: Summary["distribution"] = [0, 0, 0, 0, 0];
  for (const s of scores) {
    // A bad score means a data bug upstream; silently dropping it would bias the dashboard.
    if (!Number.isInteger(s) || s < 1 || s > 5) throw new Error(`Score must be an integer 1..5, got ${s}`);
    distribution[s - 1]++;
  }
  const n = scores.length;
  if (n === 0) return { n, mean: null, sd: null, median: null, ci95: null, distribution };
  const mean = scores.reduce((a, b) => a + b, 0) / n;
  const sorted = [...scores].sort((a, b) => a - b);
  const mid = n >> 1;
  const median = n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  if (n < 2) return { n, mean, sd: null, median, ci95: null, distribution };
  const sd = Math.sqrt(scores.reduce((a, s) => a + (s - mean) ** 2, 0) / (n - 1));
  const half = (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, median, ci95: [mean - half, mean + half], distribution };
}

/**
 * Krippendorff's alpha with the ordinal metric (Krippendorff 2011).
 * units[i] = the scores different raters gave item i; items with < 2 scores carry no
 * pairing information and are ignored. Null when it is undefined: < 2 pairable values,
 * or a single value used throughout (expected disagreement 0).
 */
export function krippendorffAlphaOrdinal(units: number[][]): number | null {
  const pairable = units.filter((u) => u.length >= 2);
  for (const u of pairable) {
    for (const v of u) if (!Number.isFinite(v)) throw new Error(`Rating must be a finite number, got ${v}`);
  }
  const values = [...new Set(pairable.flat())].sort((a, b) => a - b);
  const k = values.length;
  const pos = new Map(values.map((v, i) => [v, i]));

  // Coincidence matrix: each ordered pair of ratings within a unit weighs 1/(m_u - 1).
  const o = Array.from({ length: k }, () => new Float64Array(k));
  for (const u of pairable) {
    const w = 1 / (u.length - 1);
    for (let i = 0; i < u.length; i++) {
      for (let j = 0; j < u.length; j++) if (i !== j) o[pos.get(u[i])!][pos.get(u[j])!] += w;
    }
  }
  const nc = o.map((row) => row.reduce((a, b) => a + b, 0));
  const n = nc.reduce((a, b) => a + b, 0);
  if (n < 2 || k < 2) return null;

  // Ordinal distance depends on how many values lie between c and k, not on their labels.
  const cum = [0];
  for (const x of nc) cum.push(cum[cum.length - 1] + x);
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < k; c++) {
    for (let d = c + 1; d < k; d++) {
      const delta2 = (cum[d + 1] - cum[c] - (nc[c] + nc[d]) / 2) ** 2;
      observed += (o[c][d] + o[d][c]) * delta2;
      expected += 2 * nc[c] * nc[d] * delta2;
    }
  }
  return 1 - ((n - 1) * observed) / expected;
}
