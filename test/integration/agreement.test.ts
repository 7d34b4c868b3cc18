// The dashboard's inter-rater agreement (lib/results/results.ts): Krippendorff's ordinal alpha per
// criterion, each output (one case × one candidate) a unit, the scores its raters gave it the
// unit's values. Ratings are saved through the rater's path (loadCase, saveRating) and the alpha
// read back from studyResults is compared with one computed by hand below.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Db } from "../../lib/platform/db.ts";
import { setStudyRaters, type DisplayEntry } from "../../lib/rating/assignment.ts";
import { PAPER_KEYS, type PaperKey } from "../helpers/scores.ts";
import { importCases } from "../../lib/studies/import.ts";
import { loadCase, saveRating } from "../../lib/rating/rating.ts";
import { studyResults } from "../../lib/results/results.ts";
import { createStudy } from "../../lib/studies/studies.ts";
import { addImportedSystem } from "../../lib/systems/systems.ts";
import type { Actor } from "../../lib/accounts/users.ts";
import { fileDb } from "../helpers/file-db.ts";
import { enc, makeUser, MAX, openStudy } from "../helpers/fixtures.ts";
import { oracle } from "../helpers/oracles.ts";

let db: Db;
let admin: Actor;
let raters: Actor[];

fileDb(async (t) => {
  db = t.db;
  admin = await makeUser(db, "ADMIN");
  raters = [await makeUser(db, "RATER"), await makeUser(db, "RATER"), await makeUser(db, "RATER")];
});

type Kind = "REFERENCE" | "IMPORTED";
/** scores[caseSourceId][kind][criterion][rater index]: null is a score left empty. */
type Plan = Record<string, Record<Kind, Partial<Record<PaperKey, (number | null)[]>>>>;

/** A study of the cases in `plan` with the reference and one imported system, rated by the raters as planned. */
async function ratedStudy(name: string, plan: Plan, who: Actor[]) {
  const study = await createStudy(db, admin, { name });
  const ids = Object.keys(plan);
  await importCases(db, admin, study.id, {
    bytes: enc(`uid,findings,impression\n${ids.map((id) => `${id},Findings ${id}.,Impression ${id}.`).join("\n")}\n`),
    fileName: "cases.csv",
    maxBytes: MAX,
  });
  await addImportedSystem(db, admin, study.id, {
    name: `${name} model`,
    file: {
      bytes: enc(`uid,text\n${ids.map((id) => `${id},Model text ${id}.`).join("\n")}\n`),
      fileName: "model.csv",
      maxBytes: MAX,
    },
  });
  await setStudyRaters(db, admin, study.id, { raterIds: who.map((r) => r.id), ratersPerCase: who.length });
  await openStudy(db, admin, study.id);
  for (const [r, rater] of who.entries()) {
    for (const a of await db.assignment.findMany({
      where: { raterId: rater.id, case: { studyId: study.id } },
      include: { case: true },
    })) {
      const view = await loadCase(db, rater.id, a.id);
      const order = (await db.assignment.findUniqueOrThrow({ where: { id: a.id } })).displayOrder as DisplayEntry[];
      for (const c of view.candidates) {
        const output = await db.output.findUniqueOrThrow({
          where: { id: order.find((e) => e.handle === c.handle)!.outputId },
          include: { system: true },
        });
        const planned = plan[a.case.sourceId][output.system.kind as Kind];
        const scores = Object.fromEntries(PAPER_KEYS.map((k) => [k, planned[k] ? planned[k][r] : 3]));
        await saveRating(db, rater.id, { assignmentId: a.id, handle: c.handle, scores });
      }
    }
  }
  return study;
}

test("alpha groups the ratings by output and criterion: hand-computed on a small study", async () => {
  // understandability, raters 1, 2, 3 (null: left empty). Every other criterion is 3 throughout.
  const study = await ratedStudy(
    "Agreement",
    {
      c1: { REFERENCE: { understandability: [5, 5, 4] }, IMPORTED: { understandability: [2, 3, 2] } },
      c2: { REFERENCE: { understandability: [4, 5, 5] }, IMPORTED: { understandability: [1, 1, null] } },
    },
    raters,
  );
  // Ratings of another study, by the same raters, must not count: [1, 5] and [5, 1] on its outputs.
  await ratedStudy(
    "Elsewhere",
    { x1: { REFERENCE: { understandability: [1, 5] }, IMPORTED: { understandability: [5, 1] } } },
    raters.slice(0, 2),
  );

  const r = await studyResults(db, admin, study.id);
  assert.equal(r.totalRatings, 12, "2 cases × 2 candidates × 3 raters");

  // Units (one per output): [5, 5, 4], [2, 3, 2], [4, 5, 5], [1, 1].
  // Coincidences, each ordered pair of a unit weighing 1/(m_u - 1):
  //   [5, 5, 4] and [4, 5, 5] (weight 1/2, pairs 55 ×2, 54 ×2, 45 ×2): o55 += 1, o54 += 1, o45 += 1 each;
  //   [2, 3, 2]: o22 = 1, o23 = o32 = 1;  [1, 1] (weight 1): o11 = 2.
  //   So o45 = o54 = 2, o55 = 2; n_1 = 2, n_2 = 2, n_3 = 1, n_4 = 2, n_5 = 4; n = 11.
  // Ordinal delta²(c, k) = (n_c + … + n_k - (n_c + n_k)/2)²:
  //   (1,2) 2² = 4, (1,3) 3.5² = 12.25, (1,4) 5² = 25, (1,5) 8² = 64, (2,3) 1.5² = 2.25,
  //   (2,4) 3² = 9, (2,5) 6² = 36, (3,4) 1.5² = 2.25, (3,5) 4.5² = 20.25, (4,5) 3² = 9.
  // Observed Σ_{c<k} (o_ck + o_kc) δ² = 2 × 2.25 + 4 × 9 = 40.5.
  // Expected Σ_{c<k} 2 n_c n_k δ² = 32 + 49 + 200 + 1024 + 9 + 72 + 576 + 9 + 162 + 144 = 2277.
  // alpha = 1 - (n - 1) × 40.5 / 2277 = 1 - 405/2277 = 1872/2277 = 208/253 = 0.8221.
  assert.ok(Math.abs(r.agreement.understandability! - 208 / 253) < 1e-12, `alpha ${r.agreement.understandability}`);
  // The same from the independent implementation in test/fixtures/oracles/make_stats.py.
  const fixture = oracle("stats.json").alpha_ordinal;
  assert.ok(Math.abs(fixture.dashboard_by_output - 208 / 253) < 1e-12);
  // Grouped by case instead ([5, 5, 4, 2, 3, 2], [4, 5, 5, 1, 1]: systems mixed) it would be far lower.
  assert.ok(
    Math.abs(r.agreement.understandability! - fixture.dashboard_by_case) > 0.5,
    `by case: ${fixture.dashboard_by_case}`,
  );
  // Every other criterion: one value throughout, so alpha is undefined (not the understandability's).
  for (const k of PAPER_KEYS.filter((k) => k !== "understandability")) assert.equal(r.agreement[k], null, k);
});
