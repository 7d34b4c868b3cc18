import fs from "node:fs";
import path from "node:path";
import type { Db } from "../../lib/platform/db.ts";
import { hashPassword } from "../../lib/accounts/passwords.ts";
import { type Actor, createUser } from "../../lib/accounts/users.ts";
import { setStudyState } from "../../lib/studies/studies.ts";

export const DEMO_DIR = path.resolve(import.meta.dirname, "..", "..", "prisma", "demo");
export const openiBytes = () => fs.readFileSync(path.join(DEMO_DIR, "indiana_reports.csv"));
export const demoBytes = () => fs.readFileSync(path.join(DEMO_DIR, "openi-demo-20.csv"));
export const MAX = 50 * 1024 * 1024;
export const enc = (s: string) => new TextEncoder().encode(s);

let n = 0;
const PASSWORD = "correct horse battery";
export async function makeUser(db: Db, role: "ADMIN" | "RATER", email = `${role.toLowerCase()}${++n}@test.secondread`) {
  return createUser(db, null, { email, name: email.split("@")[0], role, password: PASSWORD });
}

let hashed: Promise<string> | undefined;
const hashedPassword = () => {
  hashed ??= hashPassword(PASSWORD);
  return hashed;
};
/**
 * A user as makeUser makes it (same password), for fixtures that need many: the password is
 * hashed once per file, not once per user (scrypt costs a few hundred ms here), and no audit
 * record is written.
 */
export async function quickUser(db: Db, role: "ADMIN" | "RATER") {
  const email = `${role.toLowerCase()}${++n}@test.secondread`;
  return db.user.create({
    data: { email, name: email.split("@")[0], role, passwordHash: await hashedPassword() },
  });
}

/**
 * A fixture made once, by whichever test asks first, then shared: only for state the tests that
 * share it read and never change, so that none of them depends on another having run.
 */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

/** Opens a study to its raters (studies start as drafts), if it is not open already. */
export async function openStudy(db: Db, admin: Actor, studyId: string) {
  const { state } = await db.study.findUniqueOrThrow({ where: { id: studyId }, select: { state: true } });
  if (state === "DRAFT") await setStudyState(db, admin, studyId, "OPEN");
}
