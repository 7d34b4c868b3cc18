// Preference results: how often each system was preferred to each other one (win, tie, loss), and a
// Bradley–Terry ranking of all of them with a bootstrap interval that resamples cases. Checked
// against statsmodels (test/fixtures/oracles/make_preference.py).
import { mulberry32 } from "../platform/random.ts";
import { pairOutcome, type PreferenceMode } from "../rating/preference.ts";

/** One case's word on two systems: 1 a preferred, 0 b preferred, 0.5 equal. */
export type PairComparison = { caseId: string; a: string; b: string; outcome: 1 | 0 | 0.5 };

/** A rater's ranks in one case (one per system's output), as comparisons between each two systems. */
export function comparisonsOf(
  mode: PreferenceMode,
  ranked: readonly { assignmentId: string; caseId: string; systemId: string; rank: number | null }[],
): PairComparison[] {
  const byAssignment = new Map<string, typeof ranked>();
  for (const r of ranked) byAssignment.set(r.assignmentId, [...(byAssignment.get(r.assignmentId) ?? []), r]);
  return [...byAssignment.values()].flatMap((list) =>
    list.flatMap((x, i) =>
      list.slice(i + 1).flatMap((y) => {
        const outcome = pairOutcome(mode, x.rank, y.rank);
        return outcome === null ? [] : [{ caseId: x.caseId, a: x.systemId, b: y.systemId, outcome }];
      }),
    ),
  );
}

export type HeadToHead = { against: string; comparisons: number; win: number; tie: number; loss: number };
export type Strength = { systemId: string; strength: number; low: number; high: number; rank: number };

/** Per system, its record against each other system (shares of the comparisons between the two). */
export function headToHead(systems: readonly string[], comparisons: readonly PairComparison[]) {
  return new Map(
    systems.map((s) => [
      s,
      systems
        .filter((o) => o !== s)
        .map((o): HeadToHead => {
          // From s's side: an outcome of 1 for (s, o) is a win, for (o, s) a loss.
          const mine = comparisons.flatMap((c) =>
            c.a === s && c.b === o ? [c.outcome] : c.a === o && c.b === s ? [1 - c.outcome] : [],
          );
          const share = (v: number) => (mine.length ? mine.filter((x) => x === v).length / mine.length : 0);
          return { against: o, comparisons: mine.length, win: share(1), tie: share(0.5), loss: share(0) };
        }),
    ]),
  );
}

/**
 * Bradley–Terry strengths (log-odds scale, mean 0): P(i preferred to j) = 1 / (1 + e^-(b_i - b_j)), a
 * tie half a win each way, fitted by Newton's method. One virtual tie between every pair keeps the
 * strengths finite when a system wins or loses every comparison (and defines them for systems never
 * compared).
 */
export function bradleyTerry(systems: readonly string[], comparisons: Iterable<PairComparison>): number[] {
  return fitStrengths(tally(systems, comparisons));
}

/**
 * Per pair of systems i < j (at pairIndex(k, i, j)): wins, i's wins over j (a tie counts half), and
 * games, the comparisons of the two. Flat arrays: the bootstrap adds thousands of these per resample.
 */
type Tally = { k: number; wins: Float64Array; games: Float64Array };

const pairIndex = (k: number, i: number, j: number) => i * k - (i * (i + 1)) / 2 + (j - i - 1);

function tally(systems: readonly string[], comparisons: Iterable<PairComparison>): Tally {
  const k = systems.length;
  const index = new Map(systems.map((s, i) => [s, i]));
  const t = { k, wins: new Float64Array((k * (k - 1)) / 2), games: new Float64Array((k * (k - 1)) / 2) };
  for (const c of comparisons) {
    const [i, j] = [index.get(c.a)!, index.get(c.b)!];
    const p = i < j ? pairIndex(k, i, j) : pairIndex(k, j, i);
    t.wins[p] += i < j ? c.outcome : 1 - c.outcome;
    t.games[p] += 1;
  }
  return t;
}

function fitStrengths({ k, wins, games }: Tally): number[] {
  const b = new Array<number>(k).fill(0);
  for (let iter = 0; iter < 100; iter++) {
    // Gradient and (negated) Hessian for b_1..b_{k-1}; b_0 stays 0 while fitting. The virtual tie
    // of each pair is the 0.5 win and the 1 game added here.
    const grad = new Array<number>(k).fill(0);
    const info = b.map(() => new Array<number>(k).fill(0));
    for (let i = 0; i < k; i++)
      for (let j = i + 1; j < k; j++) {
        const pair = pairIndex(k, i, j);
        const n = games[pair] + 1;
        const p = 1 / (1 + Math.exp(b[j] - b[i]));
        const surplus = wins[pair] + 0.5 - n * p; // i's wins beyond those expected
        grad[i] += surplus;
        grad[j] -= surplus;
        const w = n * p * (1 - p);
        info[i][i] += w;
        info[j][j] += w;
        info[i][j] -= w;
        info[j][i] -= w;
      }
    const step = solve(
      info.slice(1).map((row) => row.slice(1)),
      grad.slice(1),
    );
    for (let i = 1; i < k; i++) b[i] += step[i - 1];
    if (Math.max(0, ...step.map(Math.abs)) < 1e-12) break;
  }
  const mean = b.reduce((s, x) => s + x, 0) / k;
  return b.map((x) => x - mean);
}

/** Solves A x = y by Gaussian elimination with partial pivoting (A is small and positive definite). */
function solve(a: number[][], y: number[]): number[] {
  const n = y.length;
  const m = a.map((row, i) => [...row, y[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k];
    x[r] = s / m[r][r];
  }
  return x;
}

/** numpy's default percentile (linear interpolation between order statistics). */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo]);
}

export const BOOTSTRAP_RESAMPLES = 1000;
/** Fixed, so the dashboard shows the same interval at every visit. */
export const BOOTSTRAP_SEED = 20_230_816;

/**
 * The ranking with 95 % percentile intervals from resamples of the cases (each resample draws as
 * many cases as there are, with replacement, and keeps every comparison of a case drawn). Tests
 * pass their own resamples (lists of case ids).
 */
export function preferenceRanking(
  systems: readonly string[],
  comparisons: readonly PairComparison[],
  resamples?: readonly (readonly string[])[],
): Strength[] {
  const byCase = new Map<string, PairComparison[]>();
  for (const c of comparisons) byCase.set(c.caseId, [...(byCase.get(c.caseId) ?? []), c]);
  const cases = [...byCase.keys()].sort();
  const caseIndex = new Map(cases.map((id, c) => [id, c]));
  // Case indices of each resample: the tests' own, or drawn here (a plain loop: this runs a million
  // times for a study of a thousand cases).
  const given = resamples?.map((d) => d.flatMap((id) => caseIndex.get(id) ?? []));
  const next = mulberry32(BOOTSTRAP_SEED);
  const n = cases.length;
  const draw = (r: number): ArrayLike<number> => {
    if (given) return given[r];
    const d = new Int32Array(n);
    for (let q = 0; q < n; q++) d[q] = Math.floor(next() * n);
    return d;
  };
  const resampleCount = given ? given.length : n ? BOOTSTRAP_RESAMPLES : 0;
  const point = bradleyTerry(systems, comparisons);
  // Each case's comparisons are summed once, so a resample adds two numbers per pair of systems
  // and case drawn instead of going through every comparison again (bench/preference.ts).
  const cells = (systems.length * (systems.length - 1)) / 2;
  const caseWins = new Float64Array(cases.length * cells);
  const caseGames = new Float64Array(cases.length * cells);
  cases.forEach((id, c) => {
    const t = tally(systems, byCase.get(id)!);
    caseWins.set(t.wins, c * cells);
    caseGames.set(t.games, c * cells);
  });
  const fits = Array.from({ length: resampleCount }, (_, r) => {
    const d = draw(r);
    const [wins, games] = [new Float64Array(cells), new Float64Array(cells)];
    for (let q = 0; q < d.length; q++)
      for (let x = 0, at = d[q] * cells; x < cells; x++) {
        wins[x] += caseWins[at + x];
        games[x] += caseGames[at + x];
      }
    return fitStrengths({ k: systems.length, wins, games });
  });
  const order = point.map((_, i) => i).sort((x, y) => point[y] - point[x]);
  return systems.map((systemId, i) => ({
    systemId,
    strength: point[i],
    low: fits.length
      ? percentile(
          fits.map((f) => f[i]),
          0.025,
        )
      : Number.NaN,
    high: fits.length
      ? percentile(
          fits.map((f) => f[i]),
          0.975,
        )
      : Number.NaN,
    rank: order.indexOf(i) + 1,
  }));
}
