// ROUGE as the papers compute it (less stemming), abnormality mentions with negation, and the
// fixed OpenI split.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import {
  abnormalitiesNamed,
  formatTables,
  isNormal,
  rougeL,
  rougeN,
  rougeTokens,
  scoreSystem,
} from "../../scripts/lib/evaluation.ts";
import { readReports, splitOf } from "../../scripts/lib/openi-split.ts";
import { oracle } from "../helpers/oracles.ts";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} ≠ ${b}`);

test("ROUGE-1/2/L F1 on hand-computed pairs", () => {
  assert.deepEqual(rougeTokens("No acute cardio-pulmonary   Abnormality.  XXXX 3.5cm"), [
    "no",
    "acute",
    "cardio",
    "pulmonary",
    "abnormality",
    "xxxx",
    "3",
    "5cm",
  ]);
  const ref = "No acute cardiopulmonary abnormality.";
  const cand = "No acute disease.";
  close(rougeN(ref, cand, 1), 4 / 7); // 2 shared of 4 and 3
  close(rougeN(ref, cand, 2), 2 / 5); // "no acute" of 3 and 2 bigrams
  close(rougeL(ref, cand), 4 / 7);
  close(rougeN(ref, ref, 1), 1);
  close(rougeL("a b c d", "b a d c"), (2 * 2) / 8); // LCS 2 ("a c", "b d", …), not 4
  close(rougeN("the the the", "the", 1), (2 * 1) / 4); // clipped counts
  // The other way round: the candidate's three "the" match the reference's one only once: 2 × 1 / (1 + 3).
  close(rougeN("the", "the the the", 1), (2 * 1) / 4);
  // Bigrams of "a b a b a b" (ab ×3, ba ×2) against "a b" (ab ×1): overlap 1 of 5 and 1, F1 2/6.
  close(rougeN("a b", "a b a b a b", 2), (2 * 1) / 6);
  assert.equal(rougeN(ref, "", 1), 0);
  assert.equal(rougeL("", cand), 0);
});

test("abnormalities: named, negated in their sentence, normal impressions", () => {
  assert.deepEqual([...abnormalitiesNamed("Cardiomegaly without effusion.")], ["cardiomegaly"]);
  assert.deepEqual([...abnormalitiesNamed("No focal consolidation, effusion or pneumothorax.")], []);
  assert.deepEqual([...abnormalitiesNamed("1. Small right pleural effusion. 2. No pneumothorax.")], ["effusion"]);
  assert.deepEqual([...abnormalitiesNamed("Heart size is mildly enlarged. Left lower lobe pneumonia.")].sort(), [
    "cardiomegaly",
    "consolidation",
  ]);
  assert.deepEqual([...abnormalitiesNamed("9 mm left lower lobe pulmonary nodule")], ["nodule"]);
  assert.deepEqual([...abnormalitiesNamed("Resolved right pneumothorax.")], []);
  assert.ok(isNormal("No acute cardiopulmonary abnormality."));
  assert.ok(isNormal("Negative chest x-XXXX."));
  assert.ok(!isNormal("Cardiomegaly. No acute disease."));
  assert.ok(!isNormal("Stable right upper lobe granuloma."), "says nothing normal");
});

test("scoreSystem counts per abnormality and refuses missing outputs", () => {
  const cases = [
    { id: "1", reference: "Small left pleural effusion." },
    { id: "2", reference: "No acute cardiopulmonary abnormality." },
    { id: "3", reference: "Right pneumothorax." },
  ];
  const s = scoreSystem(
    cases,
    new Map([
      ["1", "Left pleural effusion."],
      ["2", "No acute disease."],
      ["3", "No pneumothorax."],
    ]),
  );
  assert.deepEqual(s.named.effusion, { cases: 1, named: 1 });
  assert.deepEqual(s.named.pneumothorax, { cases: 1, named: 0 });
  assert.deepEqual(s.normal, { cases: 1, normal: 1 });
  assert.equal(s.falseMentions, 0);
  // By hand, per case (reference | output tokens):
  //   1. small left pleural effusion | left pleural effusion: unigrams 3 of 4 and 3, F1 6/7;
  //      bigrams "left pleural", "pleural effusion" of 3 and 2, F1 4/5; LCS 3, F1 6/7.
  //   2. no acute cardiopulmonary abnormality | no acute disease: 4/7, 2/5, 4/7 (as above).
  //   3. right pneumothorax | no pneumothorax: unigram 1 of 2 and 2, F1 1/2; no shared bigram, 0; LCS 1, 1/2.
  // Means: ROUGE-1 (6/7 + 4/7 + 1/2) / 3 = (12 + 8 + 7) / 42 = 9/14; ROUGE-2 (4/5 + 2/5 + 0) / 3 = 2/5; ROUGE-L 9/14.
  close(s.rouge1, 9 / 14);
  close(s.rouge2, 2 / 5);
  close(s.rougeL, 9 / 14);
  assert.match(formatTables([{ system: "model", scores: s }]), /model\s+3\s+0\.\d{4}/);
  assert.throws(() => scoreSystem(cases, new Map([["1", "x"]])), /2 case\(s\) have no output, e.g. "2"/);
});

test("the OpenI split is fixed by uid and about 80/10/10", () => {
  // Counted from the CSV by test/fixtures/oracles/make_openi_split.py (Python's csv and hashlib,
  // the rule as written: first byte of sha256("openi:" + uid) mod 10; 0 test, 1 dev, else train).
  const { counts, examples, first_test_uids: first } = oracle("openi_split.json");
  // sha256("openi:19")[0] = 120 → 0, sha256("openi:1")[0] = 72 → 2, sha256("openi:457")[0] = 141 → 1.
  assert.deepEqual(
    Object.fromEntries(Object.entries(examples).map(([uid, e]) => [uid, (e as { first_byte: number }).first_byte])),
    { 1: 72, 19: 120, 457: 141 },
  );
  assert.equal(splitOf("19"), "test");
  assert.equal(splitOf("1"), "train");
  assert.equal(splitOf("457"), "dev");
  const reports = readReports(path.resolve(import.meta.dirname, "../../prisma/demo/indiana_reports.csv"));
  const n = (s: string) => reports.filter((r) => r.split === s).length;
  assert.deepEqual(
    [reports.length, n("train"), n("dev"), n("test")],
    [counts.reports, counts.train, counts.dev, counts.test],
  );
  assert.deepEqual([counts.reports, counts.train, counts.dev, counts.test], [2831, 2290, 254, 287]);
  // The first test-split reports, which test/unit/eval-cli.test.ts writes outputs for.
  assert.deepEqual(
    reports
      .filter((r) => r.split === "test")
      .slice(0, 3)
      .map((r) => r.uid),
    first,
  );
  assert.deepEqual(first, ["7", "19", "30"]);
});

test("edges a mutation run found unguarded: token boundaries in n-grams, the last token in the LCS, every word form", () => {
  assert.equal(rougeN("ab c", "a bc", 2), 0); // the bigrams "ab c" and "a bc" differ
  close(rougeL("a b c", "x c"), (2 * 1) / 5); // LCS "c", the reference's last token
  assert.equal(rougeL("a b", ""), 0);
  assert.equal(rougeN("", "", 1), 0);
  const forms: [string, string][] = [
    ["Heart enlarged.", "cardiomegaly"],
    ["Heart size is enlarged.", "cardiomegaly"],
    ["Cardiac silhouette is moderately enlarged.", "cardiomegaly"],
    ["Enlarged cardiac silhouette.", "cardiomegaly"],
    ["Bilateral effusions.", "effusion"],
    ["Bilateral pneumothoraces.", "pneumothorax"],
    ["Consolidative opacity at the left base.", "consolidation"],
    ["Airspace opacities at the right base.", "consolidation"],
    ["Airspace disease.", "consolidation"],
    ["Right upper lobe mass.", "nodule"],
    ["Bilateral pulmonary masses.", "nodule"],
    ["Nodular opacity.", "nodule"],
  ];
  for (const [text, name] of forms) assert.deepEqual([...abnormalitiesNamed(text)], [name], text);
  for (const text of [
    "No evidence of active disease.",
    "No radiographic evidence of disease.",
    "No significant abnormality.",
    "Unremarkable chest.",
    "Lungs are clear.",
  ]) {
    assert.ok(isNormal(text), text);
  }
});

test("scoreSystem: a normal reference with an abnormal output, and abnormalities the reference does not affirm", () => {
  const cases = [
    { id: "1", reference: "No acute disease." },
    { id: "2", reference: "Right pleural effusion." },
  ];
  const s = scoreSystem(
    cases,
    new Map([
      ["1", "Small right pneumothorax."],
      ["2", "Right pleural effusion and cardiomegaly."],
    ]),
  );
  assert.deepEqual(s.normal, { cases: 1, normal: 0 });
  assert.deepEqual(s.named.effusion, { cases: 1, named: 1 });
  assert.equal(s.falseMentions, 2); // pneumothorax in 1, cardiomegaly in 2
});

test("formatTables: the layout `npm run eval` prints, column by column", () => {
  const scores = (n: number, r: number, eff: [number, number], normal: [number, number], falseMentions: number) => ({
    n,
    rouge1: r,
    rouge2: r / 2,
    rougeL: r,
    falseMentions,
    normal: { cases: normal[0], normal: normal[1] },
    named: {
      cardiomegaly: { cases: 0, named: 0 },
      effusion: { cases: eff[0], named: eff[1] },
      pneumothorax: { cases: 0, named: 0 },
      consolidation: { cases: 0, named: 0 },
      nodule: { cases: 0, named: 0 },
    },
  });
  const text = formatTables([
    { system: "reference", scores: scores(3, 1, [2, 2], [1, 1], 0) },
    { system: "a-long-system-name", scores: scores(3, 0.41234, [2, 1], [1, 0], 3) },
  ]);
  // Name column: the longest name (18) + 2 = 20; numbers right-aligned in 9; percentages under their heads.
  const expected = [
    "System                      n  ROUGE-1  ROUGE-2  ROUGE-L",
    "reference                   3   1.0000   0.5000   1.0000",
    "a-long-system-name          3   0.4123   0.2062   0.4123",
    "",
    "Abnormality of the reference named in the output (cases with it), normal reference → normal output, abnormalities affirmed that the reference does not:",
    "System                cardiomegaly (0)  effusion (2)  pneumothorax (0)  consolidation (0)  nodule (0)  normal (1)  false mentions",
    "reference                            –          100%                 –                  –           –        100%               0",
    "a-long-system-name                   –           50%                 –                  –           –          0%               3",
  ];
  assert.deepEqual(text.split("\n"), expected);
  assert.match(formatTables([]), /^System {12}n/); // no system: heads only; the name column 8 + 2 wide, then "n" right-aligned in 9
});
