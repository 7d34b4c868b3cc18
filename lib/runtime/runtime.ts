// Set-up shared by `npm start`, `npm test` and the CLIs: which database, migrated, and the auth secret.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";
import type { Env } from "../platform/env.ts";
import { migrate } from "./migrate.ts";

export const PROJECT_DIR = path.resolve(import.meta.dirname, "..", "..");
export const dataDir = (env: Env) => path.resolve(PROJECT_DIR, env.SECONDREAD_DATA_DIR);

type Database = { url: string; embedded: boolean; stop: () => Promise<void> };

/** DATABASE_URL when set; otherwise the embedded server in the project's data directory. */
export async function openDatabase(
  env: Env,
  opts: { name?: string; log?: (l: string) => void } = {},
): Promise<Database> {
  const log = opts.log ?? ((l: string) => console.log(l));
  let db: Database;
  if (env.DATABASE_URL) {
    db = { url: env.DATABASE_URL, embedded: false, stop: async () => {} };
  } else {
    const server = await startEmbeddedPostgres({
      dataDir: path.join(dataDir(env), "embedded-postgres"),
      port: env.EMBEDDED_PG_PORT,
      database: opts.name ?? "secondread",
      log: (l) => log(`[postgres] ${l}`),
      detached: true, // npm start and npm run worker stop it themselves, after what uses it
    });
    db = { url: server.url, embedded: true, stop: server.stop };
  }
  try {
    for (const name of await migrate(db.url)) log(`[migrate] applied ${name}`);
  } catch (e) {
    await db.stop();
    throw e;
  }
  return db;
}

/** AUTH_SECRET when set; otherwise one generated on first start and kept in the data directory. */
export function authSecret(env: Env): string {
  if (env.AUTH_SECRET) return env.AUTH_SECRET;
  const file = path.join(dataDir(env), "auth-secret");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  }
  return fs.readFileSync(file, "utf8").trim();
}
