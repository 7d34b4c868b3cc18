import fs from "node:fs";
import path from "node:path";
import { closeQueues, queueFor, startGeneration } from "../../lib/generation/generation.ts";
import { DEFAULT_TEMPLATE, renderPrompt } from "../../lib/systems/llm-config.ts";
import { addImportedSystem, addLlamaSystem, addOpenAiSystem } from "../../lib/systems/systems.ts";
import { addOutputs } from "../../lib/systems/outputs.ts";
import { expect, test } from "./fixtures.ts";
import { login, seedStudy, testDb, user } from "./helpers.ts";
import { defaultDesign } from "../../lib/rating/design.ts";
import { updateDesign } from "../../lib/studies/studies.ts";
import { setPractice } from "../../lib/studies/practice.ts";

const MODEL = "radiology-mini.gguf";
const MODEL_SHA256 = JSON.parse(
  fs.readFileSync(path.resolve(import.meta.dirname, "..", "..", "models", "radiology-mini.json"), "utf8"),
).sha256 as string;
const ENDPOINT = { baseUrl: "http://gpu-host.example.org:8000/v1", model: "radiology-llama2-7b-endpoint" };

/** The seeded study plus the two kinds of systems SecondRead generates: a local GGUF model (run by the
 * e2e worker) and an OpenAI-compatible endpoint (its outputs stored as the worker would store them). */
async function seedWithGenerated() {
  const db = testDb();
  const study = await seedStudy("Blinding study", ["rater"]);
  const admin = await user("admin");
  // Every module the rater can answer is on, so that each one's page parts and saves are crawled.
  await updateDesign(db, admin, study.id, {
    ...defaultDesign(),
    errors: {},
    signOff: {},
    preference: { mode: "BEST" },
  });
  const llm = await addLlamaSystem(db, admin, study.id, { name: "Local model under test", model: MODEL });
  const boss = await queueFor(process.env.E2E_DATABASE_URL!);
  await startGeneration(db, boss, admin, llm.id);
  const remote = await addOpenAiSystem(db, admin, study.id, { name: "Endpoint model under test", ...ENDPOINT });
  const cases = await db.case.findMany({ where: { studyId: study.id } });
  // A system that writes the reference's own text: in every case two systems share one candidate,
  // and nothing may tell the rater so.
  await addImportedSystem(db, admin, study.id, {
    name: "Echo of the reference",
    file: {
      bytes: new TextEncoder().encode(
        cases.map((c) => JSON.stringify({ uid: c.sourceId, output: c.referenceImpression })).join("\n"),
      ),
      fileName: "echo.jsonl",
      maxBytes: 1e8,
    },
  });
  await addOutputs(
    db,
    remote.id,
    cases.map((c) => ({
      caseId: c.id,
      text: `No acute cardiopulmonary process; endpoint wording for ${c.sourceId}.`,
      provenance: {
        kind: "OPENAI_COMPATIBLE",
        ...ENDPOINT,
        prompt: renderPrompt(DEFAULT_TEMPLATE, c),
        responseId: `cmpl-${c.id}`,
      },
    })),
  );
  // A practice case, with expected scores for every candidate and a note: what the rater sees of
  // them once answered is crawled too.
  const practiceOutputs = await db.output.findMany({ where: { caseId: cases.find((c) => c.position === 2)!.id } });
  await setPractice(db, admin, study.id, {
    cases: [
      {
        position: 2,
        note: "Compare the impressions with the findings.",
        expected: Object.fromEntries(practiceOutputs.map((o, i) => [o.id, { coherence: 1 + (i % 5) }])),
      },
    ],
  });
  const deadline = Date.now() + 90_000;
  while ((await db.output.count({ where: { systemId: llm.id } })) < cases.length) {
    if (Date.now() > deadline)
      throw new Error(`the e2e worker did not generate ${cases.length} outputs of ${MODEL} within 90 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  await closeQueues();
  return study;
}

// Blinding is a security property: crawl everything a rater's browser receives and look for
// anything that names a system or can be joined back to one.
test("nothing a rater receives reveals which system wrote a text", async ({ page }) => {
  test.setTimeout(180_000);
  const study = await seedWithGenerated();
  const db = testDb();
  const systems = await db.system.findMany({ where: { studyId: study.id } });
  expect(systems.map((s) => s.kind).sort()).toEqual([
    "IMPORTED",
    "IMPORTED",
    "LLAMA",
    "OPENAI_COMPATIBLE",
    "REFERENCE",
    "RETRIEVAL",
  ]);
  const outputs = await db.output.findMany({ where: { system: { studyId: study.id } }, select: { id: true } });
  const instruction = DEFAULT_TEMPLATE.split("\n").find((l) => l.startsWith("Derive"))!;
  const forbidden = [
    ...systems.flatMap((s) => [s.name, s.id]),
    study.adminNotes,
    ...outputs.map((o) => o.id),
    "REFERENCE",
    "RETRIEVAL",
    "IMPORTED",
    "LLAMA",
    "OPENAI_COMPATIBLE",
    "systemId",
    "outputId",
    "Reference (radiologist)",
    MODEL,
    "radiology-mini",
    MODEL_SHA256,
    ENDPOINT.baseUrl,
    "gpu-host",
    ENDPOINT.model,
    instruction,
    "### Instruction",
    "provenance",
  ];

  // Every response passes through here before the page gets it, so every body is read (one that
  // cannot be fetched fails the test instead of passing as a clean empty body).
  const seen: { url: string; text: string }[] = [];
  const unreadable: string[] = [];
  await page.route("**/*", async (route) => {
    const url = route.request().url();
    if (url.includes("/_next/static/")) return route.continue(); // build-time code, identical for every user
    let res: Awaited<ReturnType<typeof route.fetch>>;
    try {
      res = await route.fetch({ maxRedirects: 0 });
    } catch (e) {
      unreadable.push(`${url}: ${(e as Error).message}`);
      return route.abort();
    }
    const body = await res.body();
    seen.push({ url, text: `${url}\n${JSON.stringify(res.headers())}\n${body.toString("utf8")}` });
    await route.fulfill({ response: res, body });
  });

  await login(page, "rater");
  await page.goto("/rate");
  // The study list shows the instructions written for raters (the admins' notes are in `forbidden`).
  await expect(page.locator("section", { hasText: "Blinding study" }).getByTestId("rater-instructions")).toHaveText(
    "Score each impression as a report you would sign.",
  );
  await page.locator("section", { hasText: "Blinding study" }).getByRole("link", { name: "Start" }).click();
  // Before the first score, the instructions come first (crawled like every other page).
  await expect(page.getByTestId("instructions-before-start")).toHaveText(
    "Score each impression as a report you would sign.",
  );
  await page.getByRole("link", { name: "Begin rating" }).click();
  const rater = await user("rater");
  const mine = await db.assignment.findMany({
    where: { raterId: rater.id, case: { studyId: study.id } },
    orderBy: [{ case: { practice: "desc" } }, { case: { position: "asc" } }],
  });
  const total = mine.length;
  // The practice case first, answered in full by keyboard (5 scores, no errors, sign as it is, per
  // candidate; then "equal"), so that its expected answers and note come too.
  await expect(page.getByRole("heading", { name: "Practice case 1 of 1" })).toBeVisible();
  const shown = await page.getByTestId("candidate").count();
  for (let c = 0; c < shown; c++) for (const key of ["3", "3", "3", "3", "3", "0", "1"]) await page.keyboard.press(key);
  await page.keyboard.press("0");
  await expect(page.getByTestId("practice-note")).toHaveText("Compare the impressions with the findings.");
  await expect(page.getByTestId("expected").first()).toBeVisible();
  await page.getByRole("button", { name: "Next case →" }).click();
  for (let i = 2; i <= total; i++) {
    await expect(page.getByRole("heading", { name: `Case ${i - 1} of ${total - 1}` })).toBeVisible();
    // One candidate per distinct text: the echo always shares the reference's.
    const texts = await db.output.findMany({ where: { caseId: mine[i - 1].caseId }, select: { text: true } });
    expect(new Set(texts.map((o) => o.text)).size).toBeLessThan(systems.length);
    await expect(page.getByTestId("candidate")).toHaveCount(new Set(texts.map((o) => o.text)).size);
    if (i === 2) {
      // Saving goes through a server action: its request and answer are crawled too.
      await page
        .getByTestId("candidate")
        .first()
        .getByRole("radiogroup")
        .first()
        .getByText("3", { exact: true })
        .click();
      await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
      await page
        .getByTestId("candidate")
        .first()
        .getByRole("button", { name: "Add a significant error: Missed finding" })
        .click();
      await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
      await page.getByTestId("candidate").first().getByText("Sign after minor edits").click();
      await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
      // The preference: every candidate's rank in one request, by handle.
      await page.getByTestId("preference").getByText("They are equal").click();
      await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
      await page.locator("label", { has: page.getByRole("radio", { name: "Candidate B" }) }).click();
      await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
      await page.reload(); // a full HTML load, not just RSC
      await expect(page.getByTestId("error-mark")).toHaveCount(1);
      await expect(page.getByRole("radio", { name: "Candidate B" })).toBeChecked();
    }
    await page.getByRole("button", { name: i < total ? "Next case →" : "Finish" }).click();
  }
  await expect(page.getByRole("heading", { name: /All done|Case 1 of/ })).toBeVisible(); // resumes at the unfinished case 1

  await page.waitForLoadState("networkidle");
  await page.unrouteAll({ behavior: "wait" }); // every handler has finished
  expect(unreadable).toEqual([]);
  expect(seen.length).toBeGreaterThan(total);
  for (const { url, text } of seen) {
    for (const word of forbidden) expect(text.includes(word), `${url} contains "${word}"`).toBe(false);
  }
});
