// A study's rating design (lib/rating/design.ts): what an admin may set, and the messages when not.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  checkDesign,
  criteriaOf,
  defaultDesign,
  modulesOf,
  keysForNewCriteria,
  newCriterionKey,
  PAPER_CRITERIA,
  readDesign,
  scoresComplete,
} from "../../lib/rating/design.ts";
import { UserInputError } from "../../lib/platform/errors.ts";
import { type CandidateAnswer, candidateComplete, caseComplete } from "../../lib/rating/answer.ts";
import { asksPreference, pairOutcome, ranksProblem } from "../../lib/rating/preference.ts";
import { candidateEntries, mergeIdenticalTexts } from "../../lib/rating/assignment.ts";

const criterion = (over: Record<string, unknown> = {}) => ({
  key: "clarity",
  name: "Clarity",
  definition: "Is it clear?",
  points: 5,
  low: "unclear",
  high: "clear",
  ...over,
});
const design = (...criteria: unknown[]) => ({ scores: { criteria } });
const message = (input: unknown) => {
  try {
    checkDesign(input);
  } catch (e) {
    assert.ok(e instanceof UserInputError, String(e));
    return e.message;
  }
  assert.fail("accepted");
};

test("the default design is the paper's five criteria on 1–5, with their definitions and anchors", () => {
  const d = defaultDesign();
  assert.deepEqual(
    d.scores!.criteria.map((c) => [c.key, c.name, c.points]),
    [
      ["understandability", "Understandability", 5],
      ["coherence", "Coherence", 5],
      ["relevance", "Relevance", 5],
      ["conciseness", "Conciseness", 5],
      ["clinicalUtility", "Clinical utility", 5],
    ],
  );
  for (const c of d.scores!.criteria) assert.ok(c.definition && c.low && c.high, c.key);
  assert.deepEqual(checkDesign(d), d);
  // A fresh copy each time: editing one study's design never edits the default.
  d.scores!.criteria[0].points = 9;
  assert.equal(defaultDesign().scores!.criteria[0].points, 5);
  assert.equal(PAPER_CRITERIA[0].points, 5);
});

test("a criterion has a name, 2 to 10 points, and anchors; text is trimmed", () => {
  for (const points of [2, 10])
    assert.equal(checkDesign(design(criterion({ points }))).scores!.criteria[0].points, points);
  assert.equal(checkDesign(design(criterion({ name: "  Clarity  " }))).scores!.criteria[0].name, "Clarity");
  assert.equal(message(design(criterion({ points: 1 }))), "Criterion 1, points: must be 2–10 points.");
  assert.equal(message(design(criterion({ points: 11 }))), "Criterion 1, points: must be 2–10 points.");
  assert.match(message(design(criterion({ points: 4.5 }))), /^Criterion 1, points: /);
  assert.equal(message(design(criterion({ name: "   " }))), "Criterion 1, name: enter a name.");
  assert.equal(message(design(criterion({ low: "x".repeat(41) }))), "Criterion 1, low: must be at most 40 characters.");
  assert.equal(
    message(design(criterion(), criterion({ key: "c2", name: "clarity", points: 0 }))),
    'Criterion 2, points: must be 2–10 points. Criterion 2, name: "clarity" is used twice.',
  );
});

test("one to twelve criteria, with distinct keys; nothing else in a design", () => {
  const twelve = Array.from({ length: 12 }, (_, i) => criterion({ key: `k${i}`, name: `C${i}` }));
  assert.equal(checkDesign(design(...twelve)).scores!.criteria.length, 12);
  assert.equal(
    message(design(...twelve, criterion({ key: "k12", name: "C12" }))),
    "Criteria: a study has at most 12 criteria.",
  );
  assert.equal(message(design()), "Criteria: a study needs at least one criterion.");
  assert.equal(message(design(criterion(), criterion({ name: "Other" }))), "Criteria: two criteria share a key.");
  assert.equal(
    message(design(criterion({ key: "no spaces" }))),
    "Criterion 1, key: must be 1–40 letters, digits or hyphens.",
  );
  assert.match(message({ ...design(criterion()), colour: "red" }), /colour/);
  assert.match(message(design(criterion({ weight: 2 }))), /weight/);
});

test("a stored design that does not fit is named by its study", () => {
  assert.deepEqual(readDesign(defaultDesign(), "S"), defaultDesign());
  assert.throws(() => readDesign({ scores: {} }, "Pilot"), /Study "Pilot": its stored rating design does not fit/);
});

test("a new criterion's key comes from its name and differs from every key in use", () => {
  assert.equal(newCriterionKey("Clinical safety", []), "clinical-safety");
  assert.equal(newCriterionKey("Clinical safety", ["clinical-safety"]), "clinical-safety-2");
  assert.equal(newCriterionKey("Clinical safety", ["clinical-safety", "clinical-safety-2"]), "clinical-safety-3");
  assert.equal(newCriterionKey("  Ödem?  ", []), "odem");
  assert.equal(newCriterionKey("???", []), "criterion");
  assert.equal(newCriterionKey("x".repeat(60), []).length, 34);
});

test("scores are complete when every criterion of the design has one", () => {
  const criteria = [criterion(), criterion({ key: "b", name: "B" })];
  assert.equal(scoresComplete(criteria, { clarity: 1, b: 5 }), true);
  assert.equal(scoresComplete(criteria, { clarity: 1, b: null }), false);
  assert.equal(scoresComplete(criteria, { clarity: 1 }), false);
  assert.equal(scoresComplete(criteria, { clarity: 1, b: 2, other: null }), true);
});

test("new criteria (without a key) get keys from their names, unlike the kept ones and each other", () => {
  const input = design(
    criterion({ key: "safety" }),
    criterion({ key: "", name: "Safety" }),
    criterion({ key: undefined, name: "Safety" }),
  );
  assert.deepEqual(
    (keysForNewCriteria(input) as ReturnType<typeof defaultDesign>).scores!.criteria.map((c) => c.key),
    ["safety", "safety-2", "safety-3"],
  );
  // Anything else passes through for the schema to name.
  assert.equal(keysForNewCriteria(null), null);
  assert.deepEqual(keysForNewCriteria({ scores: {} }), { scores: {} });
});

test("a design turns on scores, clinical errors or both; never neither", () => {
  assert.deepEqual(checkDesign({ errors: {} }), { errors: {} });
  assert.deepEqual(modulesOf(checkDesign({ errors: {} })), {
    scores: false,
    errors: true,
    signOff: false,
    preference: null,
  });
  assert.deepEqual(modulesOf(checkDesign({ signOff: {} })), {
    scores: false,
    errors: false,
    signOff: true,
    preference: null,
  });
  assert.deepEqual(modulesOf(defaultDesign()), { scores: true, errors: false, signOff: false, preference: null });
  assert.deepEqual(criteriaOf(checkDesign({ errors: {} })), []);
  assert.equal(message({}), "Rating design: a study asks at least one thing: turn on a module.");
  assert.match(message({ errors: { categories: 3 } }), /categories/);
  assert.deepEqual(modulesOf(checkDesign({ preference: { mode: "RANK" } })).preference, "RANK");
  assert.equal(message({ preference: { mode: "BEST-OF" } }), "Rating design, preference: must be BEST or RANK.");
  assert.match(message({ preference: {} }), /^Rating design, preference: must be BEST or RANK\.$/);
});

test("a candidate is complete when every module the design turns on is answered", () => {
  const criteria = [criterion()];
  const answer = (over: Partial<CandidateAnswer> = {}): CandidateAnswer => ({
    scores: { clarity: 3 },
    errors: [],
    noErrors: false,
    signOff: null,
    editedText: null,
    rank: null,
    ...over,
  });
  const both = { scores: true, errors: true, signOff: false, preference: null };
  const error = { category: "FALSE_FINDING" as const, significant: false, note: "" };
  assert.equal(
    candidateComplete(criteria, { scores: true, errors: false, signOff: false, preference: null }, answer()),
    true,
  );
  assert.equal(candidateComplete(criteria, both, answer()), false, "errors not answered");
  assert.equal(candidateComplete(criteria, both, answer({ noErrors: true })), true);
  assert.equal(candidateComplete(criteria, both, answer({ errors: [error] })), true);
  assert.equal(candidateComplete(criteria, both, answer({ scores: {}, errors: [error] })), false, "a score missing");
  assert.equal(
    candidateComplete(
      [],
      { scores: false, errors: true, signOff: false, preference: null },
      answer({ scores: {}, noErrors: true }),
    ),
    true,
  );
  assert.equal(
    candidateComplete([], { scores: false, errors: true, signOff: false, preference: null }, answer({ scores: {} })),
    false,
  );
  const signing = { scores: false, errors: false, signOff: true, preference: null };
  assert.equal(candidateComplete([], signing, answer({ scores: {} })), false, "no sign-off yet");
  assert.equal(candidateComplete([], signing, answer({ scores: {}, signOff: "REJECT" })), true);

  // Preference is the case's: every candidate ranked, where the case has two or more of them.
  const preferring = { scores: false, errors: false, signOff: false, preference: "BEST" as const };
  const ranked = (...ranks: (number | null)[]) => ranks.map((rank) => answer({ scores: {}, rank }));
  assert.equal(caseComplete([], preferring, ranked(1, 2), 2), true);
  assert.equal(caseComplete([], preferring, ranked(1, null), 2), false, "a candidate without its rank");
  assert.equal(caseComplete([], preferring, ranked(null, null), 1), true, "one text shown: nothing to prefer");
  assert.equal(caseComplete([], preferring, ranked(null), 1), true);
  assert.equal(caseComplete(criteria, { ...preferring, scores: true }, ranked(1, 1), 2), false, "scores missing");
  assert.equal(caseComplete([], { ...preferring, preference: null }, ranked(null, null), 2), true);
});

test("preference: which ranks a case may hold, per way of asking", () => {
  assert.equal(ranksProblem("BEST", [1, 2, 2]), null, "one best");
  assert.equal(ranksProblem("BEST", [1, 1, 1]), null, "equal");
  assert.equal(ranksProblem("BEST", [null, null, null]), null, "cleared");
  assert.match(ranksProblem("BEST", [1, 1, 2]) ?? "", /one best candidate/, "two best of three");
  assert.match(ranksProblem("BEST", [2, 2, 2]) ?? "", /one best candidate/, "no best");
  assert.match(ranksProblem("BEST", [1, null, 2]) ?? "", /whole case at once/);
  assert.match(ranksProblem("BEST", [1, 3, 2]) ?? "", /one best candidate/, "a 3 in BEST");
  assert.equal(ranksProblem("RANK", [1, 3, 2]), null);
  assert.equal(ranksProblem("RANK", [2, 2, null]), null, "ties, and a ranking given one at a time");
  assert.equal(ranksProblem("RANK", [3, 3, 3]), null);
  assert.match(ranksProblem("RANK", [1, 4, 2]) ?? "", /ranks must be 1–3/);
  assert.match(ranksProblem("RANK", [0, 1]) ?? "", /ranks must be 1–2/);
  assert.match(ranksProblem("RANK", [1.5, 1]) ?? "", /ranks must be 1–2/);
  assert.match(ranksProblem("BEST", [1]) ?? "", /one candidate/);
  assert.equal(asksPreference("RANK", 2), true);
  assert.equal(asksPreference("RANK", 1), false);
  assert.equal(asksPreference(null, 3), false);
});

test("preference: what a case says about two candidates", () => {
  assert.equal(pairOutcome("RANK", 1, 2), 1);
  assert.equal(pairOutcome("RANK", 3, 2), 0);
  assert.equal(pairOutcome("RANK", 2, 2), 0.5, "a tie in a ranking is a tie wherever it is");
  assert.equal(pairOutcome("BEST", 1, 1), 0.5, "all equal");
  assert.equal(pairOutcome("BEST", 2, 2), null, "neither was the best: not compared");
  assert.equal(pairOutcome("BEST", 2, 1), 0);
  assert.equal(pairOutcome("RANK", null, 1), null);
  assert.equal(pairOutcome("RANK", 1, null), null);
});

test("identical texts share the first one's handle and place; other texts keep their own", () => {
  const text: Record<string, string> = { o1: "No acute disease.", o2: "Effusion.", o3: "No acute disease.", o4: "x" };
  const order = [
    { handle: "h2", outputId: "o2" },
    { handle: "h3", outputId: "o3" },
    { handle: "h1", outputId: "o1" },
    { handle: "h4", outputId: "o4" },
  ];
  assert.deepEqual(
    mergeIdenticalTexts(order, (id) => text[id]),
    [
      { handle: "h2", outputId: "o2" },
      { handle: "h3", outputId: "o3" },
      { handle: "h3", outputId: "o1" },
      { handle: "h4", outputId: "o4" },
    ],
  );
  // The rater sees one candidate per handle, at the first place of its texts (the export's positions too).
  assert.deepEqual(
    candidateEntries(mergeIdenticalTexts(order, (id) => text[id])).map((e) => e.handle),
    ["h2", "h3", "h4"],
  );
  // Texts that differ in anything (here a trailing space, case) stay apart.
  const apart = { o1: "Normal.", o2: "Normal. ", o3: "normal." } as Record<string, string>;
  const three = ["o1", "o2", "o3"].map((outputId, i) => ({ handle: `h${i}`, outputId }));
  assert.deepEqual(
    mergeIdenticalTexts(three, (id) => apart[id]),
    three,
  );
});
