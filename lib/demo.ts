// The demo study `npm start` creates once: 20 OpenI cases, the reference, a retrieval baseline
// over the whole OpenI file, a demo admin and a demo rater.
import fs from "node:fs";
import path from "node:path";
import type { Db } from "./db.ts";
import { setStudyRaters } from "./assignment.ts";
import { importCases } from "./import.ts";
import { generatePassword } from "./passwords.ts";
import { createStudy } from "./studies.ts";
import { addRetrievalSystem } from "./systems.ts";
import { createUser } from "./users.ts";

export const DEMO_DIR = path.resolve(import.meta.dirname, "..", "prisma", "demo");
export const DEMO_STUDY = "Demo: OpenI chest X-ray impressions";
export type DemoCredentials = { admin: { email: string; password: string }; rater: { email: string; password: string } };

const MAX = 50 * 1024 * 1024;

export async function seedDemo(db: Db): Promise<DemoCredentials | null> {
  if (await db.study.findUnique({ where: { name: DEMO_STUDY } })) return null;
  const creds: DemoCredentials = {
    admin: { email: "admin@demo.secondread", password: generatePassword() },
    rater: { email: "rater@demo.secondread", password: generatePassword() },
  };
  // Accounts left by a seed that was interrupted before the study was made.
  await db.user.deleteMany({ where: { email: { in: [creds.admin.email, creds.rater.email] } } });
  const admin = await createUser(db, null, { email: creds.admin.email, name: "Demo Admin", role: "ADMIN", password: creds.admin.password });
  const rater = await createUser(db, admin.id, { email: creds.rater.email, name: "Demo Rater", role: "RATER", password: creds.rater.password });
  const study = await createStudy(db, admin, {
    name: DEMO_STUDY,
    description: "Twenty OpenI (Indiana University) chest X-ray reports. Candidates: the radiologist's impression and a TF-IDF retrieval baseline.",
    ratersPerCase: 1,
  });
  await importCases(db, admin, study.id, { bytes: fs.readFileSync(path.join(DEMO_DIR, "openi-demo-20.csv")), fileName: "openi-demo-20.csv", maxBytes: MAX });
  await addRetrievalSystem(db, admin, study.id, {
    name: "Retrieval baseline (TF-IDF, OpenI library)",
    library: { bytes: fs.readFileSync(path.join(DEMO_DIR, "indiana_reports.csv")), fileName: "indiana_reports.csv", maxBytes: MAX },
  });
  await setStudyRaters(db, admin, study.id, { raterIds: [rater.id], ratersPerCase: 1 });
  return creds;
}
