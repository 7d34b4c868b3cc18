import { test } from "node:test";
import assert from "node:assert/strict";
import { TfIdfIndex, retrieveImpressions, tokenize, type LibraryCase } from "../../lib/systems/tfidf.ts";

const library: LibraryCase[] = [
  {
    id: "cmg",
    findings: "The heart is enlarged. Cardiomegaly with pulmonary vascular congestion. No pleural effusion.",
    impression: "Cardiomegaly with mild vascular congestion.",
  },
  {
    id: "eff",
    findings: "Moderate left pleural effusion with blunting of the costophrenic angle and adjacent atelectasis.",
    impression: "Moderate left pleural effusion.",
  },
  {
    id: "ptx",
    findings: "Right apical pneumothorax with visible pleural line. No mediastinal shift.",
    impression: "Small right pneumothorax.",
  },
  {
    id: "nml",
    findings: "The lungs are clear. Heart size normal. No pneumothorax or effusion. XXXX are intact.",
    impression: "No acute cardiopulmonary abnormality.",
  },
];

test("tokenize lowercases, splits on punctuation, drops short tokens, xxxx and stopwords", () => {
  assert.deepEqual(tokenize("The heart is NORMAL, XXXX a 2-cm nodule; T4 no."), [
    "heart",
    "normal",
    "cm",
    "nodule",
    "t4",
    "no",
  ]);
  assert.deepEqual(tokenize(""), []);
});

test("identical findings retrieve that case with cosine 1", () => {
  const index = new TfIdfIndex(library);
  for (const c of library) {
    const hit = index.nearest(c.findings);
    assert.ok(hit);
    assert.equal(hit.case.id, c.id);
    assert.ok(Math.abs(hit.score - 1) < 1e-9);
  }
});

test("an effusion query retrieves the effusion case", () => {
  const out = retrieveImpressions(
    [{ id: "q1", findings: "Small right pleural effusion blunting the costophrenic angle. Heart size normal." }],
    library,
    { leaveOneOut: false },
  );
  assert.equal(out.get("q1")?.libraryId, "eff");
  assert.equal(out.get("q1")?.impression, "Moderate left pleural effusion.");
});

test("leave-one-out never returns the case itself", () => {
  const withSelf = retrieveImpressions(library, library, { leaveOneOut: false });
  const loo = retrieveImpressions(library, library, { leaveOneOut: true });
  assert.equal(loo.size, library.length);
  for (const c of library) {
    assert.equal(withSelf.get(c.id)?.libraryId, c.id);
    assert.notEqual(loo.get(c.id)?.libraryId, c.id);
  }
});

test("results are deterministic and ties go to the lowest library index", () => {
  const twins: LibraryCase[] = [
    { id: "a", findings: "left pleural effusion", impression: "A" },
    { id: "b", findings: "left pleural effusion", impression: "B" },
    ...library,
  ];
  const first = retrieveImpressions(library, twins, { leaveOneOut: true });
  const second = retrieveImpressions(library, twins, { leaveOneOut: true });
  assert.deepEqual([...first], [...second]);
  assert.equal(new TfIdfIndex(twins).nearest("left pleural effusion")?.case.id, "a");
  assert.equal(new TfIdfIndex(twins).nearest("left pleural effusion", { excludeId: "a" })?.case.id, "b");
});

test("no shared term falls back to the first eligible case with score 0", () => {
  const hit = new TfIdfIndex(library).nearest("zzz qqq", { excludeId: "cmg" });
  assert.deepEqual(hit && { id: hit.case.id, score: hit.score }, { id: "eff", score: 0 });
});

test("cases with an empty impression are never retrieved", () => {
  const lib: LibraryCase[] = [{ id: "blank", findings: "left pleural effusion", impression: "  " }, ...library];
  assert.equal(new TfIdfIndex(lib).nearest("left pleural effusion")?.case.id, "eff");
});

test("empty library throws, before and after exclusions", () => {
  assert.throws(() => new TfIdfIndex([]), /no usable cases/);
  assert.throws(() => new TfIdfIndex([{ id: "x", findings: "effusion", impression: "" }]), /no usable cases/);
  const one = [library[1]];
  assert.equal(new TfIdfIndex(one).nearest("effusion", { excludeId: "eff" }), null);
  assert.throws(() => retrieveImpressions([{ id: "eff", findings: "effusion" }], one, { leaveOneOut: true }), /"eff"/);
});
