// A study's rating design on a real database: custom criteria rated, completed and summarised,
// the design editable until the first rating and locked after it (by the code and by the database).
import { test } from "node:test";
import assert from "node:assert/strict";
import { setStudyRaters } from "../../lib/rating/assignment.ts";
import { defaultDesign, type Design } from "../../lib/rating/design.ts";
import type { ErrorMark } from "../../lib/rating/clinical-errors.ts";
import type { SignOff } from "../../lib/rating/sign-off.ts";
import { loadCase, raterStudies, resumePoint, saveRating } from "../../lib/rating/rating.ts";
import { exportRatingsCsv, exportSummaryCsv } from "../../lib/results/export.ts";
import { studyResults } from "../../lib/results/results.ts";
import { importCases } from "../../lib/studies/import.ts";
import { createStudy, setStudyState, studyDesign, updateDesign } from "../../lib/studies/studies.ts";
import { addImportedSystem } from "../../lib/systems/systems.ts";
import { ForbiddenError, NotFoundError, StudyClosedError, UserInputError } from "../../lib/platform/errors.ts";
import { fileDb } from "../helpers/file-db.ts";
import { designStudy } from "../helpers/design-study.ts";
import { enc, makeUser, MAX, openStudy } from "../helpers/fixtures.ts";

const t = fileDb();

const TWO: Design = {
  scores: {
    criteria: [
      { key: "accuracy", name: "Accuracy", definition: "Is it right?", points: 7, low: "wrong", high: "right" },
      { key: "safe", name: "Safe to send", definition: "", points: 2, low: "no", high: "yes" },
    ],
  },
};

const study = (design?: Design) => designStudy(t.db, design);

test("a new study asks the paper's five criteria; its design can be read and replaced (audited) by an admin", async () => {
  const s = await study();
  assert.deepEqual(await studyDesign(t.db, s.admin, s.id), { design: defaultDesign(), locked: null });
  await updateDesign(t.db, s.admin, s.id, TWO);
  assert.deepEqual((await studyDesign(t.db, s.admin, s.id)).design, TWO);
  const audit = await t.db.auditLog.findFirstOrThrow({ where: { action: "study.design", entityId: s.id } });
  assert.equal(audit.actorId, s.admin.id);
  assert.deepEqual(audit.data, TWO);
  await assert.rejects(updateDesign(t.db, s.rater, s.id, defaultDesign()), ForbiddenError);
  await assert.rejects(studyDesign(t.db, s.rater, s.id), ForbiddenError);
  await assert.rejects(updateDesign(t.db, s.admin, "no-such-study", defaultDesign()), /No such study/);
  // A bad design is refused, named, and changes nothing.
  await assert.rejects(
    updateDesign(t.db, s.admin, s.id, { scores: { criteria: [{ ...TWO.scores!.criteria[0], points: 12 }] } }),
    (e) => e instanceof UserInputError && e.message === "Criterion 1, points: must be 2–10 points.",
  );
  assert.deepEqual((await studyDesign(t.db, s.admin, s.id)).design, TWO);
});

test("a study can be created with its own design; a wrong one is refused by field and nothing is created", async () => {
  const admin = await makeUser(t.db, "ADMIN");
  const made = await createStudy(
    t.db,
    admin,
    { name: `Created with a design ${Date.now()}` },
    {
      scores: { criteria: [{ name: "Safe to send", definition: "", points: 2, low: "no", high: "yes" }] },
      signOff: {},
    },
  );
  assert.deepEqual((await studyDesign(t.db, admin, made.id)).design, {
    scores: {
      criteria: [{ key: "safe-to-send", name: "Safe to send", definition: "", points: 2, low: "no", high: "yes" }],
    },
    signOff: {},
  });
  const name = `Refused design ${Date.now()}`;
  await assert.rejects(
    createStudy(
      t.db,
      admin,
      { name },
      { scores: { criteria: [{ name: "", definition: "", points: 11, low: "", high: "" }] } },
    ),
    (e) =>
      e instanceof UserInputError &&
      e.message === "Criterion 1, name: enter a name. Criterion 1, points: must be 2–10 points.",
  );
  assert.equal(await t.db.study.count({ where: { name } }), 0);
});

test("raters score the study's own criteria on their own scales; complete means every criterion", async () => {
  const s = await study(TWO);
  const view = await loadCase(t.db, s.rater.id, s.assignments[0].id);
  assert.deepEqual(view.criteria, TWO.scores!.criteria);
  assert.deepEqual(view.candidates[0].scores, { accuracy: null, safe: null });
  const [a, b] = view.candidates.map((c) => c.handle);
  const save = (handle: string, scores: Record<string, number | null>) =>
    saveRating(t.db, s.rater.id, { assignmentId: view.assignmentId, handle, scores });
  assert.deepEqual(await save(a, { accuracy: 7, safe: 2 }), { complete: false });
  assert.deepEqual(await save(b, { accuracy: 6 }), { complete: false }, "one criterion of b is missing");
  await assert.rejects(save(b, { accuracy: 6, safe: 3 }), /Safe to send: must be 1–2/);
  await assert.rejects(save(b, { accuracy: 6, understandability: 3 }), /scores.understandability: not a criterion/);
  assert.deepEqual(await save(b, { accuracy: 6, safe: 1 }), { complete: true });
  // Clearing a score takes it away and the case is open again.
  assert.deepEqual(await save(b, { accuracy: null, safe: 1 }), { complete: false });
  const again = await loadCase(t.db, s.rater.id, s.assignments[0].id);
  assert.deepEqual(Object.fromEntries(again.candidates.map((c) => [c.handle, c.scores])), {
    [a]: { accuracy: 7, safe: 2 },
    [b]: { accuracy: null, safe: 1 },
  });
  assert.equal(
    await t.db.score.count({ where: { rating: { assignmentId: view.assignmentId } } }),
    3,
    "a cleared score leaves no row",
  );
});

test("results, agreement and both exports follow the design: its criteria, in its order, on its scales", async () => {
  const s = await study(TWO);
  for (const [i, assignment] of s.assignments.entries()) {
    const view = await loadCase(t.db, s.rater.id, assignment.id);
    for (const c of view.candidates)
      await saveRating(t.db, s.rater.id, {
        assignmentId: view.assignmentId,
        handle: c.handle,
        scores: { accuracy: c.text.startsWith("Model") ? 3 + i : 7, safe: 2 },
      });
  }
  const r = await studyResults(t.db, s.admin, s.id);
  assert.deepEqual(
    r.criteria.map((c) => c.key),
    ["accuracy", "safe"],
  );
  const model = r.systems.find((x) => x.name === "Model")!;
  assert.equal(model.byCriterion.accuracy.mean, 3.5);
  assert.deepEqual(model.byCriterion.accuracy.distribution, [0, 0, 1, 1, 0, 0, 0]);
  assert.deepEqual(model.byCriterion.safe.distribution, [0, 2]);
  assert.deepEqual(Object.keys(model.vsReference!), ["accuracy", "safe"]);
  assert.equal(model.vsReference!.accuracy.difference, -3.5);
  assert.deepEqual(r.raters[0].ratingsDone, 4);

  let summary = "";
  for await (const chunk of exportSummaryCsv(t.db, s.admin, s.id)) summary += chunk;
  const lines = summary.trim().split("\r\n");
  const header = lines[0].split(",");
  const row = (system: string, criterion: string) => {
    const cells = lines.find((l) => l.split(",")[1] === system && l.split(",")[3] === criterion)!.split(",");
    return Object.fromEntries(header.map((h, i) => [h, cells[i]]));
  };
  const acc = row("Model", "accuracy");
  assert.equal(acc.scale_points, "7");
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((k) => acc[`scores_${k}`]),
    ["0", "0", "1", "1", "0", "0", "0", "", "", ""],
  );
  assert.equal(row("Model", "safe").scores_2, "2");
  assert.equal(lines.length, 1 + 2 * 2, "two systems × two criteria");

  let long = "";
  for await (const chunk of exportRatingsCsv(t.db, s.admin, s.id)) long += chunk;
  const criteria = long
    .trim()
    .split("\r\n")
    .slice(1)
    .map((l) => l.split(",")[7]);
  assert.equal(criteria.length, 8, "four ratings × two scores");
  assert.deepEqual([...new Set(criteria)], ["accuracy", "safe"]);
});

test("the design locks at the first saved rating, with a message saying why; the database holds the lock too", async () => {
  const s = await study();
  const view = await loadCase(t.db, s.rater.id, s.assignments[0].id);
  // Shown, not yet rated: still open.
  assert.equal((await studyDesign(t.db, s.admin, s.id)).locked, null);
  await saveRating(t.db, s.rater.id, {
    assignmentId: view.assignmentId,
    handle: view.candidates[0].handle,
    scores: { coherence: 4 },
  });
  const why =
    "The rating design is locked: raters have saved a rating in this study, and a changed question would change what those answers mean.";
  assert.equal((await studyDesign(t.db, s.admin, s.id)).locked, why);
  await assert.rejects(
    updateDesign(t.db, s.admin, s.id, TWO),
    (e) => e instanceof UserInputError && e.message === why && e.status === 409,
  );
  await assert.rejects(
    t.db.study.update({ where: { id: s.id }, data: { design: TWO } }),
    /the rating design is locked, raters have saved ratings/,
  );
  assert.deepEqual((await studyDesign(t.db, s.admin, s.id)).design, defaultDesign());
  assert.equal(await t.db.auditLog.count({ where: { action: "study.design", entityId: s.id } }), 0);
});

test("a design change and a first rating at the same moment: one of them wins, never both", async () => {
  for (let round = 0; round < 3; round++) {
    const s = await study();
    const view = await loadCase(t.db, s.rater.id, s.assignments[0].id);
    const [changed, rated] = await Promise.allSettled([
      updateDesign(t.db, s.admin, s.id, TWO),
      saveRating(t.db, s.rater.id, {
        assignmentId: view.assignmentId,
        handle: view.candidates[0].handle,
        scores: { coherence: 4 },
      }),
    ]);
    const design = (await studyDesign(t.db, s.admin, s.id)).design;
    const scores = await t.db.score.findMany({ where: { rating: { assignmentId: view.assignmentId } } });
    if (changed.status === "fulfilled") {
      assert.deepEqual(design, TWO);
      assert.equal(rated.status, "rejected", "a score for a criterion the study no longer has");
      assert.equal(scores.length, 0);
    } else {
      assert.deepEqual(design, defaultDesign());
      assert.equal(rated.status, "fulfilled");
      assert.deepEqual(
        scores.map((x) => [x.criterion, x.value]),
        [["coherence", 4]],
      );
    }
  }
});

const ERRORS_ONLY: Design = { errors: {} };
const BOTH: Design = { ...TWO, errors: {} };

test("clinical errors: each error in order with its category, significance and note, or the word that there are none", async () => {
  const s = await study(ERRORS_ONLY);
  const view = await loadCase(t.db, s.rater.id, s.assignments[0].id);
  assert.deepEqual(view.criteria, []);
  assert.deepEqual(view.modules, { scores: false, errors: true, signOff: false, preference: null });
  assert.deepEqual(
    view.candidates.map((c) => [c.errors, c.noErrors]),
    [
      [[], false],
      [[], false],
    ],
  );
  const [a, b] = view.candidates.map((c) => c.handle);
  const save = (handle: string, answer: { errors?: ErrorMark[]; noErrors?: boolean }) =>
    saveRating(t.db, s.rater.id, { assignmentId: view.assignmentId, handle, ...answer });
  const found: ErrorMark[] = [
    { category: "MISSED_FINDING", significant: true, note: "the effusion" },
    { category: "WRONG_SEVERITY", significant: false, note: "" },
    { category: "MISSED_FINDING", significant: true, note: "" },
  ];
  assert.deepEqual(await save(a, { errors: found }), { complete: false });
  assert.deepEqual(await save(b, {}), { complete: false }, "nothing said about b yet");
  assert.deepEqual(await save(b, { noErrors: true }), { complete: true });
  const again = await loadCase(t.db, s.rater.id, s.assignments[0].id);
  const byHandle = Object.fromEntries(again.candidates.map((c) => [c.handle, [c.errors, c.noErrors]]));
  assert.deepEqual(byHandle, { [a]: [found, false], [b]: [[], true] });
  // The list is the candidate's whole answer: saving a shorter one removes the rest.
  assert.deepEqual(await save(a, { errors: found.slice(1, 2) }), { complete: true });
  assert.equal(await t.db.errorMark.count({ where: { rating: { assignmentId: view.assignmentId } } }), 1);
  // An empty list and no "no errors": the candidate is unanswered again.
  assert.deepEqual(await save(a, { errors: [] }), { complete: false });

  await assert.rejects(
    save(a, { errors: found, noErrors: true }),
    (e) => e instanceof UserInputError && /cannot also have none/.test(e.message),
  );
  await assert.rejects(
    save(a, { errors: [{ category: "TYPO" as ErrorMark["category"], significant: true, note: "" }] }),
    (e) => e instanceof UserInputError && /errors\.0\.category/.test(e.message),
  );
  await assert.rejects(
    save(a, { errors: [{ category: "FALSE_FINDING", significant: true, note: "a\u0000b" }] }),
    (e) => e instanceof UserInputError && /control characters/.test(e.message),
  );
  await assert.rejects(save(a, { errors: Array(41).fill(found[0]) }), /at most 40 per candidate/);
  await assert.rejects(
    saveRating(t.db, s.rater.id, { assignmentId: view.assignmentId, handle: a, scores: { coherence: 3 } }),
    /scores.coherence: not a criterion/,
  );
  assert.equal(await t.db.errorMark.count({ where: { rating: { assignmentId: view.assignmentId } } }), 0);
});

test("errors are refused where the study does not ask for them, by the code and by the database", async () => {
  const s = await study(TWO);
  const view = await loadCase(t.db, s.rater.id, s.assignments[0].id);
  const handle = view.candidates[0].handle;
  for (const answer of [
    { errors: [{ category: "FALSE_FINDING" as const, significant: true, note: "" }] },
    { noErrors: true },
  ])
    await assert.rejects(
      saveRating(t.db, s.rater.id, { assignmentId: view.assignmentId, handle, ...answer }),
      (e) => e instanceof UserInputError && e.message === "errors: this study does not ask for clinical errors.",
    );
  await saveRating(t.db, s.rater.id, { assignmentId: view.assignmentId, handle, scores: { accuracy: 2 } });
  const rating = await t.db.rating.findFirstOrThrow({ where: { assignmentId: view.assignmentId } });
  await assert.rejects(
    t.db.errorMark.create({ data: { ratingId: rating.id, position: 1, category: "FALSE_FINDING", significant: true } }),
    /does not ask for clinical errors/,
  );

  // In a study that asks: a rating marked "no errors" takes no error, and one with errors cannot be so marked.
  const e = await study(BOTH);
  const v = await loadCase(t.db, e.rater.id, e.assignments[0].id);
  await saveRating(t.db, e.rater.id, { assignmentId: v.assignmentId, handle: v.candidates[0].handle, noErrors: true });
  await saveRating(t.db, e.rater.id, {
    assignmentId: v.assignmentId,
    handle: v.candidates[1].handle,
    errors: [{ category: "FALSE_COMPARISON", significant: false, note: "" }],
  });
  const [clean, flawed] = await Promise.all(
    v.candidates.map((_c, i) =>
      t.db.rating.findFirstOrThrow({ where: { assignmentId: v.assignmentId, noErrors: i === 0 } }),
    ),
  );
  await assert.rejects(
    t.db.errorMark.create({ data: { ratingId: clean.id, position: 1, category: "FALSE_FINDING", significant: true } }),
    /is marked as having no errors/,
  );
  await assert.rejects(
    t.db.rating.update({ where: { id: flawed.id }, data: { noErrors: true } }),
    /marked as having no errors while errors are recorded/,
  );
});

test("the long export has one row per answer, with its module: scores, each error, and 'none'", async () => {
  const s = await study(BOTH);
  const view = await loadCase(t.db, s.rater.id, s.assignments[0].id);
  const [a, b] = view.candidates;
  await saveRating(t.db, s.rater.id, {
    assignmentId: view.assignmentId,
    handle: a.handle,
    scores: { accuracy: 5, safe: 1 },
    errors: [
      { category: "WRONG_LOCATION", significant: true, note: "left, not right" },
      { category: "MISSED_COMPARISON", significant: false, note: "" },
    ],
  });
  await saveRating(t.db, s.rater.id, {
    assignmentId: view.assignmentId,
    handle: b.handle,
    scores: { accuracy: 7 },
    noErrors: true,
  });
  let csv = "";
  for await (const chunk of exportRatingsCsv(t.db, s.admin, s.id)) csv += chunk;
  const [header, ...rows] = csv.trim().split("\r\n");
  const cols = header.split(",");
  const cell = (row: string, name: string) => row.split(",")[cols.indexOf(name)];
  const system = (text: string) => (text.startsWith("Model") ? "Model" : "Reference (radiologist)");
  assert.deepEqual(
    rows
      .map((r) => [cell(r, "system"), cell(r, "module"), cell(r, "item"), cell(r, "value"), cell(r, "note")].join(" "))
      .sort(),
    [
      `${system(a.text)} scores accuracy 5 `,
      `${system(a.text)} scores safe 1 `,
      `${system(a.text)} errors WRONG_LOCATION 1 "left`,
      `${system(a.text)} errors MISSED_COMPARISON 0 `,
      `${system(b.text)} scores accuracy 7 `,
      `${system(b.text)} errors none 0 `,
    ].sort(),
  );
  assert.ok(csv.includes(`,errors,WRONG_LOCATION,1,"left, not right",`));
});

test("results and the summary export count clinical errors per report, per system (hand-computed)", async () => {
  const s = await study(BOTH);
  // One rater, two cases: Model has [missed finding (significant), wrong severity] then none;
  // the reference has none, then [false finding (not significant)].
  for (const [i, assignment] of s.assignments.entries()) {
    const view = await loadCase(t.db, s.rater.id, assignment.id);
    for (const c of view.candidates) {
      const model = c.text.startsWith("Model");
      const errors: ErrorMark[] =
        model && i === 0
          ? [
              { category: "MISSED_FINDING", significant: true, note: "" },
              { category: "WRONG_SEVERITY", significant: false, note: "" },
            ]
          : !model && i === 1
            ? [{ category: "FALSE_FINDING", significant: false, note: "" }]
            : [];
      await saveRating(t.db, s.rater.id, {
        assignmentId: view.assignmentId,
        handle: c.handle,
        scores: { accuracy: 4, safe: 2 },
        errors,
        noErrors: errors.length === 0,
      });
    }
  }
  const r = await studyResults(t.db, s.admin, s.id);
  assert.deepEqual(r.modules, { scores: true, errors: true, signOff: false, preference: null });
  const model = r.systems.find((x) => x.name === "Model")!.errors!;
  const reference = r.systems.find((x) => x.kind === "REFERENCE")!.errors!;
  const t1 = 12.706204736432; // t(0.975, 1 df): two cases
  // Model, significant per report: 1 and 0 -> mean 0.5; residuals by case 0.5, -0.5;
  // se = sqrt(2/1 × 0.5) / 2 = 0.5.
  assert.equal(model.reports, 2);
  assert.equal(model.significant.mean, 0.5);
  assert.ok(Math.abs(model.significant.ci95![1] - (0.5 + t1 * 0.5)) < 1e-9);
  // All errors: 2 and 0 -> mean 1; residuals 1, -1; se = sqrt(2 × 2) / 2 = 1.
  assert.equal(model.all.mean, 1);
  assert.ok(Math.abs(model.all.ci95![0] - (1 - t1)) < 1e-9);
  assert.equal(model.anySignificant.mean, 0.5);
  assert.equal(model.byCategory.MISSED_FINDING.significant.mean, 0.5);
  assert.equal(model.byCategory.WRONG_SEVERITY.notSignificant.mean, 0.5);
  assert.equal(model.byCategory.WRONG_SEVERITY.significant.mean, 0);
  assert.deepEqual(reference.significant, { n: 2, cases: 2, mean: 0, ci95: [0, 0] });
  assert.equal(reference.all.mean, 0.5);
  assert.equal(reference.anySignificant.mean, 0);
  assert.equal(reference.byCategory.FALSE_FINDING.notSignificant.mean, 0.5);
  // A study that does not ask for errors has none in its results.
  const plain = await study(TWO);
  assert.equal((await studyResults(t.db, plain.admin, plain.id)).systems[0].errors, null);

  let csv = "";
  for await (const chunk of exportSummaryCsv(t.db, s.admin, s.id)) csv += chunk;
  const [head, ...lines] = csv.trim().split("\r\n");
  const cols = head.split(",");
  const row = (system: string, measure: string) => {
    const cells = lines.find((l) => l.split(",")[1] === system && l.split(",")[3] === measure)?.split(",");
    assert.ok(cells, `${system} ${measure}`);
    return Object.fromEntries(cols.map((c, i) => [c, cells[i]]));
  };
  const sig = row("Model", "errors:significant_per_report");
  assert.deepEqual([sig.ratings, sig.cases, sig.mean], ["2", "2", "0.5"]);
  assert.equal(Number(sig.ci95_high), 0.5 + t1 * 0.5);
  assert.equal(row("Model", "errors:share_with_significant").mean, "0.5");
  assert.equal(row("Reference (radiologist)", "errors:FALSE_FINDING:not_significant").mean, "0.5");
  assert.equal(lines.length, 2 * 2 + 2 * (3 + 12), "two criteria and fifteen error measures per system");
});

const SIGN: Design = { signOff: {} };

test("sign-off: a level per candidate, an edited impression with minor or major edits only; refused where not asked", async () => {
  const s = await study(SIGN);
  const view = await loadCase(t.db, s.rater.id, s.assignments[0].id);
  assert.deepEqual(view.modules, { scores: false, errors: false, signOff: true, preference: null });
  const [a, b] = view.candidates;
  const save = (handle: string, answer: { signOff?: SignOff | null; editedText?: string | null }) =>
    saveRating(t.db, s.rater.id, { assignmentId: view.assignmentId, handle, ...answer });
  const edited = `${a.text} Small left effusion.`;
  assert.deepEqual(await save(a.handle, { signOff: "MINOR_EDITS", editedText: edited }), { complete: false });
  assert.deepEqual(await save(b.handle, { signOff: "ACCEPT" }), { complete: true });
  const again = await loadCase(t.db, s.rater.id, s.assignments[0].id);
  assert.deepEqual(
    again.candidates.map((c) => [c.signOff, c.editedText]),
    [
      ["MINOR_EDITS", edited],
      ["ACCEPT", null],
    ],
  );
  // Back to no sign-off: the case is open again.
  assert.deepEqual(await save(b.handle, { signOff: null }), { complete: false });
  await assert.rejects(
    save(a.handle, { signOff: "REJECT", editedText: "x" }),
    (e) =>
      e instanceof UserInputError &&
      e.message === "editedText: an edited impression goes with minor or major edits only.",
  );
  await assert.rejects(save(a.handle, { signOff: "MAYBE" as SignOff }), /signOff/);
  await assert.rejects(save(a.handle, { signOff: "ACCEPT", editedText: "x".repeat(4001) }), /editedText/);
  // The database: no edited text beside "as it is" or "would not sign".
  const rating = await t.db.rating.findFirstOrThrow({
    where: { assignmentId: view.assignmentId, signOff: "MINOR_EDITS" },
  });
  await assert.rejects(
    t.db.rating.update({ where: { id: rating.id }, data: { signOff: "ACCEPT" } }),
    /Rating_editedText_check|check constraint/,
  );

  const plain = await study(TWO);
  const v = await loadCase(t.db, plain.rater.id, plain.assignments[0].id);
  await assert.rejects(
    saveRating(t.db, plain.rater.id, {
      assignmentId: v.assignmentId,
      handle: v.candidates[0].handle,
      signOff: "ACCEPT",
    }),
    (e) => e instanceof UserInputError && e.message === "signOff: this study does not ask for a sign-off.",
  );
  await saveRating(t.db, plain.rater.id, {
    assignmentId: v.assignmentId,
    handle: v.candidates[0].handle,
    scores: { safe: 1 },
  });
  const row = await t.db.rating.findFirstOrThrow({ where: { assignmentId: v.assignmentId } });
  await assert.rejects(
    t.db.rating.update({ where: { id: row.id }, data: { signOff: "ACCEPT" } }),
    /does not ask for a sign-off/,
  );
});

test("sign-off in the results and both exports: shares per level, words changed (hand-computed)", async () => {
  const s = await study({ ...TWO, signOff: {} });
  // Case 1: Model with minor edits (two words added), the reference as it is.
  // Case 2: Model would not be signed, the reference with major edits (one word changed).
  const answers: Record<string, { signOff: SignOff; edit?: (text: string) => string }[]> = {
    Model: [{ signOff: "MINOR_EDITS", edit: (x) => `${x} No effusion.` }, { signOff: "REJECT" }],
    Reference: [
      { signOff: "ACCEPT" },
      { signOff: "MAJOR_EDITS", edit: (x) => x.replace("Effusion.", "Pneumothorax.") },
    ],
  };
  for (const [i, assignment] of s.assignments.entries()) {
    const view = await loadCase(t.db, s.rater.id, assignment.id);
    for (const c of view.candidates) {
      const a = answers[c.text.startsWith("Model") ? "Model" : "Reference"][i];
      await saveRating(t.db, s.rater.id, {
        assignmentId: view.assignmentId,
        handle: c.handle,
        scores: { accuracy: 3, safe: 1 },
        signOff: a.signOff,
        editedText: a.edit ? a.edit(c.text) : null,
      });
    }
  }
  const r = await studyResults(t.db, s.admin, s.id);
  const model = r.systems.find((x) => x.name === "Model")!.signOff!;
  const reference = r.systems.find((x) => x.kind === "REFERENCE")!.signOff!;
  assert.equal(model.reports, 2);
  assert.deepEqual(
    [model.share.ACCEPT.mean, model.share.MINOR_EDITS.mean, model.share.MAJOR_EDITS.mean, model.share.REJECT.mean],
    [0, 0.5, 0, 0.5],
  );
  // "Model one." + " No effusion.": two words inserted. One edited report: a mean, no interval.
  assert.deepEqual(model.wordsChanged, { n: 1, cases: 1, mean: 2, ci95: null });
  // "Effusion." -> "Pneumothorax.": one word substituted.
  assert.deepEqual(reference.wordsChanged, { n: 1, cases: 1, mean: 1, ci95: null });
  assert.equal(reference.share.ACCEPT.mean, 0.5);

  let long = "";
  for await (const chunk of exportRatingsCsv(t.db, s.admin, s.id)) long += chunk;
  const [head, ...rows] = long.trim().split("\r\n");
  const cols = head.split(",");
  const signoffs = rows
    .map((l) => l.split(","))
    .filter((c) => c[cols.indexOf("module")] === "signoff")
    .map((c) => [c[cols.indexOf("system")], c[cols.indexOf("item")], c[cols.indexOf("value")], c[cols.indexOf("note")]])
    .sort();
  assert.deepEqual(signoffs, [
    ["Model", "MINOR_EDITS", "2", "Model one. No effusion."],
    ["Model", "REJECT", "", ""],
    ["Reference (radiologist)", "ACCEPT", "", ""],
    ["Reference (radiologist)", "MAJOR_EDITS", "1", "Pneumothorax."],
  ]);

  let summary = "";
  for await (const chunk of exportSummaryCsv(t.db, s.admin, s.id)) summary += chunk;
  const lines = summary.trim().split("\r\n");
  const measure = (system: string, name: string) =>
    lines.find((l) => l.split(",")[1] === system && l.split(",")[3] === name)?.split(",")[6];
  assert.equal(measure("Model", "signoff:REJECT:share"), "0.5");
  assert.equal(measure("Model", "signoff:words_changed"), "2");
  assert.equal(measure("Reference (radiologist)", "signoff:ACCEPT:share"), "0.5");
});

test("results count only answered modules, list raters by email and refuse a missing study", async () => {
  const s = await study({ ...TWO, errors: {}, signOff: {} });
  // Case 1 of the first rater: Model scored only (its errors and sign-off not answered yet), the
  // reference answered in full.
  const view = await loadCase(t.db, s.rater.id, s.assignments[0].id);
  for (const c of view.candidates)
    await saveRating(t.db, s.rater.id, {
      assignmentId: view.assignmentId,
      handle: c.handle,
      scores: { accuracy: 4, safe: 2 },
      ...(c.text.startsWith("Model") ? {} : { errors: [], noErrors: true, signOff: "ACCEPT" as const }),
    });
  const r = await studyResults(t.db, s.admin, s.id);
  const model = r.systems.find((x) => x.name === "Model")!;
  const reference = r.systems.find((x) => x.kind === "REFERENCE")!;
  assert.equal(model.byCriterion.accuracy.n, 1, "the scores count");
  assert.equal(model.errors!.reports, 0, "errors not answered are not a report without errors");
  assert.equal(model.signOff!.reports, 0);
  assert.equal(reference.errors!.reports, 1);
  assert.equal(reference.signOff!.reports, 1);
  assert.equal(r.raters[0].ratingsDone, 1);

  // Raters by email, whatever order their assignments were made in: checked with the emails both ways.
  const two = await designStudy(t.db, TWO, { raters: 2 });
  for (const [first, second] of [
    ["a", "b"],
    ["b", "a"],
  ]) {
    for (const [i, rater] of two.raters.entries())
      await t.db.user.update({ where: { id: rater.id }, data: { email: `${i ? second : first}-${rater.email}` } });
    const emails = (await studyResults(t.db, two.admin, two.id)).raters.map((x) => x.email);
    assert.deepEqual(emails, [...emails].sort(), `${first}, ${second}`);
    assert.ok(emails[0].startsWith("a-"));
  }

  await assert.rejects(
    studyResults(t.db, s.admin, "no-such-study"),
    (e) => e instanceof NotFoundError && /No such study/.test(e.message),
  );
});

test("identical texts are shown once; the answer is saved for each system that wrote it; the export names the group", async () => {
  const admin = await makeUser(t.db, "ADMIN");
  const rater = await makeUser(t.db, "RATER");
  const made = await createStudy(t.db, admin, { name: `Merge ${Date.now()}` });
  await importCases(t.db, admin, made.id, {
    bytes: enc("uid,findings,impression\n1,Findings one.,No acute disease.\n2,Findings two.,Effusion.\n"),
    maxBytes: MAX,
    fileName: "c.csv",
  });
  // The copy writes the reference's text for case 1 only.
  await addImportedSystem(t.db, admin, made.id, {
    name: "Copy",
    file: { bytes: enc("uid,text\n1,No acute disease.\n2,Small effusion.\n"), fileName: "m.csv", maxBytes: MAX },
  });
  assert.equal((await studyDesign(t.db, admin, made.id)).design.mergeIdentical, true, "on by default");
  await setStudyRaters(t.db, admin, made.id, { raterIds: [rater.id], ratersPerCase: 1 });
  await openStudy(t.db, admin, made.id);
  const [one, two] = await t.db.assignment.findMany({
    where: { raterId: rater.id },
    orderBy: { case: { position: "asc" } },
  });
  const first = await loadCase(t.db, rater.id, one.id);
  assert.deepEqual(
    first.candidates.map((c) => [c.label, c.text]),
    [["A", "No acute disease."]],
  );
  assert.equal((await loadCase(t.db, rater.id, two.id)).candidates.length, 2);
  const saved = await saveRating(t.db, rater.id, {
    assignmentId: one.id,
    handle: first.candidates[0].handle,
    scores: { understandability: 5, coherence: 5, relevance: 4, conciseness: 5, clinicalUtility: 3 },
    comment: "fine",
  });
  assert.deepEqual(saved, { complete: true }, "one answer completes both systems' candidates");
  const ratings = await t.db.rating.findMany({
    where: { assignmentId: one.id },
    include: { scores: true, output: true },
  });
  assert.equal(ratings.length, 2);
  for (const r of ratings) {
    assert.equal(r.comment, "fine");
    assert.equal(r.scores.find((x) => x.criterion === "relevance")?.value, 4);
  }
  // Results count it for each system.
  const results = await studyResults(t.db, admin, made.id);
  assert.deepEqual(
    results.systems.map((s) => s.byCriterion.relevance.n),
    [1, 1],
  );
  let csv = "";
  for await (const chunk of exportRatingsCsv(t.db, admin, made.id)) csv += chunk;
  const [head, ...rows] = csv.trim().split("\r\n");
  const cols = head.split(",");
  const shared = rows.map((r) => r.split(",")).filter((c) => c[cols.indexOf("item")] === "relevance");
  assert.deepEqual(
    shared.map((c) => [c[cols.indexOf("display_label")], c[cols.indexOf("shared_group")]]),
    [
      ["A", "1-A"],
      ["A", "1-A"],
    ],
  );
  // With the option off (a study made before it, or an admin's choice), each text is its own candidate.
  const apart = await study(TWO);
  const view = await loadCase(t.db, apart.rater.id, apart.assignments[0].id);
  assert.equal(view.candidates.length, 2);
});

test("a study's life: a draft is hidden from its raters; open, they answer; closed, they read; reopened, audited", async () => {
  const admin = await makeUser(t.db, "ADMIN");
  const rater = await makeUser(t.db, "RATER");
  const s = await createStudy(t.db, admin, { name: `Life ${Date.now()}` });
  assert.equal((await t.db.study.findUniqueOrThrow({ where: { id: s.id } })).state, "DRAFT");
  await importCases(t.db, admin, s.id, {
    bytes: enc("uid,findings,impression\n1,Findings one.,Normal.\n"),
    maxBytes: MAX,
    fileName: "c.csv",
  });
  await setStudyRaters(t.db, admin, s.id, { raterIds: [rater.id], ratersPerCase: 1 });
  const [a] = await t.db.assignment.findMany({ where: { raterId: rater.id } });
  // Draft: nothing of it reaches the rater.
  assert.deepEqual(await raterStudies(t.db, rater.id), []);
  assert.equal(await resumePoint(t.db, rater.id, s.id), null);
  await assert.rejects(loadCase(t.db, rater.id, a.id), NotFoundError);
  await assert.rejects(setStudyState(t.db, admin, s.id, "CLOSED"), /is draft: it cannot become closed/);
  await assert.rejects(setStudyState(t.db, rater, s.id, "OPEN"), ForbiddenError);

  await setStudyState(t.db, admin, s.id, "OPEN");
  assert.equal((await raterStudies(t.db, rater.id))[0].closed, false);
  const view = await loadCase(t.db, rater.id, a.id);
  assert.equal(view.closed, false);
  const answer = { assignmentId: a.id, handle: view.candidates[0].handle, scores: { coherence: 4 } };
  await saveRating(t.db, rater.id, answer);

  await setStudyState(t.db, admin, s.id, "CLOSED");
  const closed = await loadCase(t.db, rater.id, a.id);
  assert.equal(closed.closed, true);
  assert.equal(closed.candidates[0].scores.coherence, 4, "answers stay readable");
  assert.equal((await raterStudies(t.db, rater.id))[0].closed, true);
  await assert.rejects(
    saveRating(t.db, rater.id, { ...answer, scores: { coherence: 1 } }),
    (e) => e instanceof StudyClosedError && e.status === 423,
  );
  // The database refuses too, whoever writes.
  const rating = await t.db.rating.findFirstOrThrow({ where: { assignmentId: a.id } });
  await assert.rejects(
    t.db.score.update({
      where: { ratingId_criterion: { ratingId: rating.id, criterion: "coherence" } },
      data: { value: 1 },
    }),
    /study ".*" is closed and takes no answers/,
  );
  assert.equal((await loadCase(t.db, rater.id, a.id)).candidates[0].scores.coherence, 4);
  await assert.rejects(setStudyState(t.db, admin, s.id, "CLOSED"), /is closed: it cannot become closed/);

  await setStudyState(t.db, admin, s.id, "OPEN");
  await saveRating(t.db, rater.id, { ...answer, scores: { coherence: 2 } });
  assert.deepEqual(
    (
      await t.db.auditLog.findMany({
        where: { entityId: s.id, action: { startsWith: "study.", not: "study.create" } },
        orderBy: { id: "asc" },
      })
    )
      .filter((r) => ["study.open", "study.close", "study.reopen"].includes(r.action))
      .map((r) => [r.action, r.actorId, r.data]),
    [
      ["study.open", admin.id, { from: "DRAFT", to: "OPEN" }],
      ["study.close", admin.id, { from: "OPEN", to: "CLOSED" }],
      ["study.reopen", admin.id, { from: "CLOSED", to: "OPEN" }],
    ],
  );
});
