// The demo study `npm start` creates once: 20 OpenI cases, the reference, a retrieval baseline
// over the whole OpenI file, a demo admin and a demo rater.
import fs from "node:fs";
import path from "node:path";
import type { Db } from "../platform/db.ts";
import { setStudyRaters } from "../rating/assignment.ts";
import { importCases } from "../studies/import.ts";
import { generatePassword } from "../accounts/passwords.ts";
import { createStudy, setStudyState, updateDesign } from "../studies/studies.ts";
import { defaultDesign } from "../rating/design.ts";
import { addRetrievalSystem } from "../systems/systems.ts";
import { queueFor, startGeneration } from "../generation/generation.ts";
import { addLlamaSystem } from "../systems/systems.ts";
import { createUser } from "../accounts/users.ts";

export const DEMO_DIR = path.resolve(import.meta.dirname, "..", "..", "prisma", "demo");
export const DEMO_STUDY = "Demo: OpenI chest X-ray impressions";
type DemoCredentials = {
  admin: { email: string; password: string };
  rater: { email: string; password: string };
};

const MAX = 50 * 1024 * 1024;

/** The shipped model trained on the OpenI train split (models/radiology-mini.json). */
const DEMO_MODEL = { name: "Radiology-mini (bundled, trained on OpenI)", model: "radiology-mini.gguf" };
/** Twenty reports of the test split (never seen in training): the first ten normal and ten abnormal by uid. */
const DEMO_CASES = "openi-demo-test-20.csv";

/**
 * Seeds once. The raters are assigned last, so a demo study without raters is one an earlier
 * start did not finish: it is removed and made again. The credentials are handed to `save`
 * before the accounts exist, so they can never be lost.
 */
export async function seedDemo(
  db: Db,
  url: string,
  save: (c: DemoCredentials) => void,
): Promise<DemoCredentials | null> {
  const existing = await db.study.findUnique({
    where: { name: DEMO_STUDY },
    include: { _count: { select: { raters: true } } },
  });
  if (existing && existing._count.raters > 0) return null;
  if (existing) await db.study.delete({ where: { id: existing.id } });
  const creds: DemoCredentials = {
    admin: { email: "admin@demo.secondread", password: generatePassword() },
    rater: { email: "rater@demo.secondread", password: generatePassword() },
  };
  save(creds);
  // Accounts left by a seed that was interrupted.
  await db.user.deleteMany({ where: { email: { in: [creds.admin.email, creds.rater.email] } } });
  const admin = await createUser(db, null, {
    email: creds.admin.email,
    name: "Demo Admin",
    role: "ADMIN",
    password: creds.admin.password,
  });
  const rater = await createUser(db, admin.id, {
    email: creds.rater.email,
    name: "Demo Rater",
    role: "RATER",
    password: creds.rater.password,
  });
  const study = await createStudy(db, admin, {
    name: DEMO_STUDY,
    raterInstructions: [
      "Each case shows the findings of a chest X-ray report and several candidate impressions, labelled A, B, C in an order of their own. Some were written by radiologists, some by software. For each impression:",
      "",
      "1. **Score** it on understandability, coherence, relevance to the findings, conciseness and clinical utility, from 1 (poor) to 5 (excellent).",
      "2. **Clinical errors**: record each error you find (false or missed finding, wrong location, wrong severity, a comparison that is not there or one left out), marking whether it is clinically significant, or say there are none.",
      "3. **Sign-off**: would you sign it as it is, after minor edits, after major edits, or not at all? With edits, write the impression as you would sign it.",
      "",
      "Everything can be done by keyboard (the keys are listed beside the findings); every answer is saved as you give it.",
    ].join("\n"),
    adminNotes:
      "Twenty OpenI (Indiana University) chest X-ray reports from the test split, ten normal and ten abnormal. Candidates: the radiologist's impression, a TF-IDF retrieval baseline and radiology-mini, a small Llama-style model trained on the OpenI train split and run by SecondRead's worker.",
    ratersPerCase: 1,
  });
  // The paper's five criteria, ReXVal's clinical errors and a sign-off: the three kinds of question.
  await updateDesign(db, admin, study.id, { ...defaultDesign(), errors: {}, signOff: {} });
  await importCases(db, admin, study.id, {
    bytes: fs.readFileSync(path.join(DEMO_DIR, DEMO_CASES)),
    fileName: DEMO_CASES,
    maxBytes: MAX,
  });
  await addRetrievalSystem(db, admin, study.id, {
    name: "Retrieval baseline (TF-IDF, OpenI library)",
    library: {
      bytes: fs.readFileSync(path.join(DEMO_DIR, "indiana_reports.csv")),
      fileName: "indiana_reports.csv",
      maxBytes: MAX,
    },
  });
  // The worker generates its outputs with node-llama-cpp, as for any GGUF model.
  const llm = await addLlamaSystem(db, admin, study.id, { name: DEMO_MODEL.name, model: DEMO_MODEL.model });
  await startGeneration(db, await queueFor(url), admin, llm.id);
  await setStudyRaters(db, admin, study.id, { raterIds: [rater.id], ratersPerCase: 1 });
  await setStudyState(db, admin, study.id, "OPEN");
  return creds;
}
