// The dashboard's preference ranking with its bootstrap interval (1,000 resamples of the cases), for
// studies of growing size, against the first implementation run in the same process: refitting
// Bradley–Terry from every comparison of every case drawn. Both get the same resamples and must
// give the same interval.
// Run: npx tsx bench/preference.ts [--cases 300,3000] [--systems 4] [--raters 3]
import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import { mulberry32 } from "../lib/platform/random.ts";
import {
  BOOTSTRAP_RESAMPLES,
  bradleyTerry,
  type PairComparison,
  percentile,
  preferenceRanking,
} from "../lib/results/preference.ts";

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: "300,3000" },
    systems: { type: "string", default: "4" },
    raters: { type: "string", default: "3" },
  },
});
const k = Number(values.systems);
const raters = Number(values.raters);
const systems = Array.from({ length: k }, (_, i) => `system-${i + 1}`);

/** Every rater compares every pair in every case; later systems are a little better. */
function study(cases: number): PairComparison[] {
  const next = mulberry32(7);
  const out: PairComparison[] = [];
  for (let c = 0; c < cases; c++)
    for (let r = 0; r < raters; r++)
      for (let i = 0; i < k; i++)
        for (let j = i + 1; j < k; j++) {
          const u = next();
          const outcome = u < 0.3 ? 0.5 : u < 0.65 - 0.05 * (j - i) ? 1 : 0;
          out.push({ caseId: `case-${c}`, a: systems[i], b: systems[j], outcome });
        }
  return out;
}

/** The first implementation: each resample's comparisons listed again and refitted. */
function baseline(comparisons: PairComparison[], resamples: string[][]) {
  const byCase = new Map<string, PairComparison[]>();
  for (const c of comparisons) byCase.set(c.caseId, [...(byCase.get(c.caseId) ?? []), c]);
  const fits = resamples.map((d) =>
    bradleyTerry(
      systems,
      d.flatMap((c) => byCase.get(c) ?? []),
    ),
  );
  return systems.map((_, i) => [
    percentile(
      fits.map((f) => f[i]),
      0.025,
    ),
    percentile(
      fits.map((f) => f[i]),
      0.975,
    ),
  ]);
}

const time = <T>(f: () => T): [T, number] => {
  const t = performance.now();
  const value = f();
  return [value, performance.now() - t];
};

console.log(`${k} systems, ${raters} raters comparing every pair in every case, ${BOOTSTRAP_RESAMPLES} resamples`);
for (const n of values.cases.split(",").map(Number)) {
  const comparisons = study(n);
  const next = mulberry32(11);
  const ids = Array.from({ length: n }, (_, c) => `case-${c}`);
  const resamples = Array.from({ length: BOOTSTRAP_RESAMPLES }, () =>
    Array.from({ length: n }, () => ids[Math.floor(next() * n)]),
  );
  const [old, oldMs] = time(() => baseline(comparisons, resamples));
  const [now, nowMs] = time(() => preferenceRanking(systems, comparisons, resamples));
  const [, ownMs] = time(() => preferenceRanking(systems, comparisons)); // as the dashboard calls it
  now.forEach((s, i) => {
    assert.ok(Math.abs(s.low - old[i][0]) < 1e-9 && Math.abs(s.high - old[i][1]) < 1e-9, `${s.systemId}'s interval`);
  });
  console.log(
    `${n.toLocaleString("en-US")} cases (${comparisons.length.toLocaleString("en-US")} comparisons): ` +
      `first implementation ${oldMs.toFixed(0)} ms, now ${nowMs.toFixed(0)} ms (own resamples: ${ownMs.toFixed(0)} ms) ` +
      `→ ${(nowMs / oldMs).toFixed(3)}× the time; same intervals`,
  );
}
