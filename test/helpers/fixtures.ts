import fs from "node:fs";
import path from "node:path";
import type { Db } from "../../lib/db.ts";
import { createUser } from "../../lib/users.ts";

export const DEMO_DIR = path.resolve(import.meta.dirname, "..", "..", "prisma", "demo");
export const openiBytes = () => fs.readFileSync(path.join(DEMO_DIR, "indiana_reports.csv"));
export const demoBytes = () => fs.readFileSync(path.join(DEMO_DIR, "openi-demo-20.csv"));
export const MAX = 50 * 1024 * 1024;
export const enc = (s: string) => new TextEncoder().encode(s);

let n = 0;
export async function makeUser(db: Db, role: "ADMIN" | "RATER", email = `${role.toLowerCase()}${++n}@test.secondread`) {
  return createUser(db, null, { email, name: email.split("@")[0], role, password: "correct horse battery" });
}
