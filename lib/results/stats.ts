// Aggregate statistics for the dashboards: per-criterion summaries and inter-rater agreement.

export type Summary = {
  n: number;
  mean: number | null;
  sd: number | null;
  median: number | null;
  ci95: [number, number] | null;
  distribution: number[]; // counts of scores 1..points
};

// Two-sided 95% Student t quantiles t(0.975, df) for df = 1..30, to 12 decimals
// (scipy.stats.t.ppf(0.975, df), SciPy 1.10.1).
const T975 = [
  12.706204736432, 4.302652729911, 3.182446305284, 2.776445105198, 2.570581836615, 2.446911848792, 2.36462425101,
  2.306004135033, 2.262157162741, 2.228138851965, 2.200985160083, 2.178812829663, 2.160368656461, 2.144786687917,
  2.131449545559, 2.119905299221, 2.109815577833, 2.100922040241, 2.093024054408, 2.085963447266, 2.079613844728,
  2.073873067904, 2.068657610419, 2.063898561628, 2.059538552753, 2.055529438643, 2.05183051648, 2.048407141795,
  2.045229642133, 2.042272456301,
];

/** t(0.975, df): the table for small df, a Cornish–Fisher expansion beyond (error < 1e-4 for df > 30). */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new Error(`Degrees of freedom must be a positive integer, got ${df}`);
  if (df <= T975.length) return T975[df - 1];
  const z = 1.959963984540054;
  const z3 = z ** 3,
    z5 = z ** 5,
    z7 = z ** 7;
  return (
    z +
    (z3 + z) / (4 * df) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3)
  );
}

/** Summary of ratings taken as independent (see summarizeByCase for the interval to report). */
export function summarize(scores: number[], points = 5): Summary {
  const distribution = new Array<number>(points).fill(0);
  for (const s of scores) {
    // A bad score means a data bug upstream; silently dropping it would bias the dashboard.
    if (!Number.isInteger(s) || s < 1 || s > points) throw new Error(`Score must be an integer 1..${points}, got ${s}`);
    distribution[s - 1]++;
  }
  const n = scores.length;
  if (n === 0) return { n, mean: null, sd: null, median: null, ci95: null, distribution };
  const mean = scores.reduce((a, b) => a + b, 0) / n;
  const sorted = [...scores].sort((a, b) => a - b);
  const mid = n >> 1;
  const median = n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  if (n < 2) return { n, mean, sd: null, median, ci95: null, distribution };
  const { sd, ci95 } = tInterval(scores);
  return { n, mean, sd, median, ci95, distribution };
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
  if (k < 2) return null; // two values in pairable units: n >= 2 too

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

/**
 * Ratings of one case are not independent (the same findings, often the same raters), so the
 * interval a journal expects treats cases as clusters: the mean of all ratings with a
 * cluster-robust standard error, sqrt(C/(C-1) * sum over cases of (sum of residuals)^2) / N, and
 * Student t with C-1 degrees of freedom. With one rating per case it is the ordinary t interval.
 */
export function summarizeByCase(ratings: { caseId: string; score: number }[], points = 5): Summary & { cases: number } {
  const s = summarize(
    ratings.map((r) => r.score),
    points,
  );
  const { cases, ci95 } = clusteredMean(ratings.map((r) => ({ caseId: r.caseId, value: r.score })));
  return { ...s, ci95, cases };
}

export type Clustered = { n: number; cases: number; mean: number | null; ci95: [number, number] | null };

/**
 * The mean of values observed per case (errors per report, a 0/1 share), with the interval that
 * treats cases as clusters, as summarizeByCase explains: an intercept-only regression's CR1
 * cluster-robust standard error (for one coefficient CR1 is C/(C-1)) and Student t on C-1 df.
 */
export function clusteredMean(values: { caseId: string; value: number }[]): Clustered {
  const n = values.length;
  if (n === 0) return { n, cases: 0, mean: null, ci95: null };
  const mean = values.reduce((a, v) => a + v.value, 0) / n;
  const residuals = new Map<string, number>();
  for (const v of values) residuals.set(v.caseId, (residuals.get(v.caseId) ?? 0) + v.value - mean);
  const cases = residuals.size;
  if (cases < 2) return { n, cases, mean, ci95: null };
  const squares = [...residuals.values()].reduce((a, e) => a + e * e, 0);
  const se = Math.sqrt((cases / (cases - 1)) * squares) / n;
  const half = tQuantile975(cases - 1) * se;
  return { n, cases, mean, ci95: [mean - half, mean + half] };
}

function caseMeans(ratings: { caseId: string; score: number }[]): Map<string, number> {
  const sums = new Map<string, [number, number]>();
  for (const r of ratings) {
    const [sum, n] = sums.get(r.caseId) ?? [0, 0];
    sums.set(r.caseId, [sum + r.score, n + 1]);
  }
  return new Map([...sums].map(([id, [sum, n]]) => [id, sum / n]));
}

/** Sample SD and 95% Student t interval of the mean of at least two values. */
function tInterval(values: number[]): { sd: number; ci95: [number, number] } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const half = (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  return { sd, ci95: [mean - half, mean + half] };
}

export type Comparison = {
  cases: number;
  difference: number | null;
  ci95: [number, number] | null;
  p: number | null;
  method: "exact" | "normal" | null;
};

/**
 * A system against another on the cases both were rated on: the mean of the per-case
 * differences (case mean of a minus case mean of b) with its t interval, and the two-sided
 * Wilcoxon signed-rank p (zero differences dropped, tied magnitudes given mid-ranks; exact
 * given the ties up to 50 non-zero differences, normal approximation with tie correction beyond).
 */
export function compareByCase(
  a: { caseId: string; score: number }[],
  b: { caseId: string; score: number }[],
): Comparison {
  const ma = caseMeans(a);
  const mb = caseMeans(b);
  const d = [...ma].filter(([id]) => mb.has(id)).map(([id, v]) => v - mb.get(id)!);
  if (d.length === 0) return { cases: 0, difference: null, ci95: null, p: null, method: null };
  const difference = d.reduce((x, y) => x + y, 0) / d.length;
  const { p, method } = wilcoxonSignedRank(d);
  return { cases: d.length, difference, ci95: d.length >= 2 ? tInterval(d).ci95 : null, p, method };
}

export function wilcoxonSignedRank(differences: number[]): { p: number | null; method: "exact" | "normal" | null } {
  // Case means are multiples of simple fractions: round so that equal differences tie exactly.
  const d = differences.map((x) => Math.round(x * 1e9) / 1e9).filter((x) => x !== 0);
  const n = d.length;
  if (n === 0) return { p: null, method: null };
  const order = d.map((x, i) => ({ abs: Math.abs(x), i })).sort((x, y) => x.abs - y.abs);
  // Doubled mid-ranks stay integers, so the exact distribution can be counted.
  const rank2 = new Array<number>(n);
  let tieTerm = 0;
  for (let k = 0; k < n; ) {
    let j = k;
    while (j + 1 < n && order[j + 1].abs === order[k].abs) j++;
    for (let m = k; m <= j; m++) rank2[order[m].i] = k + j + 2; // 2 × mean of ranks k+1..j+1
    const t = j - k + 1;
    tieTerm += t ** 3 - t;
    k = j + 1;
  }
  const wPlus2 = d.reduce((s, x, i) => s + (x > 0 ? rank2[i] : 0), 0);
  const total2 = rank2.reduce((a, b) => a + b, 0);
  if (n <= 50) {
    // Number of sign patterns giving each doubled W+: every pattern is equally likely under H0.
    let counts = new Float64Array(total2 + 1);
    counts[0] = 1;
    for (const r of rank2) {
      const next = new Float64Array(total2 + 1);
      for (let s = 0; s <= total2; s++)
        if (counts[s]) {
          next[s] += counts[s];
          next[s + r] += counts[s];
        }
      counts = next;
    }
    const all = 2 ** n;
    const low = Math.min(wPlus2, total2 - wPlus2);
    let tail = 0;
    for (let s = 0; s <= low; s++) tail += counts[s];
    return { p: Math.min(1, (2 * tail) / all), method: "exact" };
  }
  const mean = (n * (n + 1)) / 4;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48;
  const z = (Math.abs(wPlus2 / 2 - mean) - 0.5) / Math.sqrt(variance); // continuity-corrected
  return { p: Math.min(1, 2 * (1 - normalCdf(Math.max(0, z)))), method: "normal" };
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf, error < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Holm's step-down adjustment over a family of p values (nulls stay null and do not count). */
export function holm(ps: (number | null)[]): (number | null)[] {
  const order = ps.flatMap((p, i) => (p === null ? [] : [{ p, i }])).sort((a, b) => a.p - b.p);
  const adjusted: (number | null)[] = ps.map(() => null);
  let running = 0;
  order.forEach(({ p, i }, k) => {
    running = Math.max(running, Math.min(1, (order.length - k) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
