// A sign-in flood must not stall everyone else: a rater's page latency while 200 wrong passwords for
// one account arrive 10 at a time, against the same page with nothing else going on (target <= 2x).
// Real parts: `next start` (built first if the sources changed, via scripts/build-state.ts) on an
// embedded PostgreSQL, the real sign-in endpoint with a CSRF token. Two runs: the default limits, and
// limits raised out of reach (every try hashes a password: what moving hashing off the JS thread buys).
// Run: npx tsx bench/login-flood.ts [--port 3390] [--pg-port 54369] [--tries 200] [--concurrency 10] [--only limits|hashing]
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { ensureBuild } from "../scripts/build-state.ts";
import { startWeb } from "./app.ts";
import { setStudyRaters } from "../lib/rating/assignment.ts";
import { createDb } from "../lib/platform/db.ts";
import { startEmbeddedPostgres } from "../lib/runtime/embedded-postgres.ts";
import { importCases } from "../lib/studies/import.ts";
import { migrate } from "../lib/runtime/migrate.ts";
import { createStudy } from "../lib/studies/studies.ts";
import { addRetrievalSystem } from "../lib/systems/systems.ts";
import { createUser } from "../lib/accounts/users.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.BENCH_PORT ?? "3390" },
    "pg-port": { type: "string", default: process.env.BENCH_PG_PORT ?? "54369" },
    tries: { type: "string", default: "200" },
    concurrency: { type: "string", default: "10" },
    only: { type: "string" }, // "limits" or "hashing": one of the two runs
  },
});
const PORT = Number(values.port);
const BASE = `http://127.0.0.1:${PORT}`;
const TRIES = Number(values.tries);
const CONCURRENCY = Number(values.concurrency);
const RATER = { email: "rater@bench.secondread", password: "rater-password-bench" };
const VICTIM = "victim@bench.secondread";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(1)} ms`;

ensureBuild();
const server = await startEmbeddedPostgres({
  dataDir: path.join(ROOT, ".data", "bench-postgres"),
  port: Number(values["pg-port"]),
  database: "postgres",
  log: () => {},
});

async function freshDatabase() {
  const name = `bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  const db = createDb(url.toString());
  const boss = await createUser(db, null, {
    email: "admin@bench.secondread",
    role: "ADMIN",
    password: "admin-password-bench",
  });
  const rater = await createUser(db, null, { email: RATER.email, role: "RATER", password: RATER.password });
  await createUser(db, null, { email: VICTIM, role: "RATER", password: "victim-password-bench" });
  const study = await createStudy(db, boss, { name: "Bench", ratersPerCase: 1 });
  await importCases(db, boss, study.id, {
    bytes: fs.readFileSync(path.join(ROOT, "prisma/demo/openi-demo-20.csv")),
    fileName: "demo.csv",
    maxBytes: 1e8,
  });
  await addRetrievalSystem(db, boss, study.id, { name: "Retrieval", library: null });
  await setStudyRaters(db, boss, study.id, { raterIds: [rater.id], ratersPerCase: 1 });
  const assignment = await db.assignment.findFirstOrThrow({
    where: { raterId: rater.id },
    orderBy: { case: { position: "asc" } },
  });
  await db.$disconnect();
  return {
    url: url.toString(),
    page: `/rate/case/${assignment.id}`,
    drop: async () => {
      const c = new pg.Client({ connectionString: server.url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A cookie jar good enough for next-auth's cookies. */
class Client {
  cookies = new Map<string, string>();
  async fetch(p: string, init: RequestInit = {}) {
    const res = await fetch(BASE + p, {
      ...init,
      redirect: "manual",
      headers: {
        Origin: BASE,
        ...(init.headers as Record<string, string>),
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  }
  async signIn(email: string, password: string, csrfToken?: string) {
    csrfToken ??= ((await (await this.fetch("/api/auth/csrf")).json()) as { csrfToken: string }).csrfToken;
    const res = await this.fetch("/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email, password, csrfToken, json: "true" }).toString(),
    });
    await res.arrayBuffer();
    return res;
  }
}

async function loadPage(rater: Client, page: string) {
  const t = performance.now();
  const res = await rater.fetch(page);
  const body = await res.text();
  if (res.status !== 200 || !body.includes("Findings")) throw new Error(`rater page answered ${res.status}`);
  return performance.now() - t;
}

async function scenario(label: string, env: Record<string, string>) {
  const database = await freshDatabase();
  const web = await startWeb(PORT, database.url, env);
  try {
    const rater = new Client();
    if ((await rater.signIn(RATER.email, RATER.password)).status !== 200)
      throw new Error("the rater could not sign in");
    for (let i = 0; i < 5; i++) await loadPage(rater, database.page); // warm up
    const quiet: number[] = [];
    for (let i = 0; i < 20; i++) quiet.push(await loadPage(rater, database.page));

    const attacker = new Client();
    const csrf = ((await (await attacker.fetch("/api/auth/csrf")).json()) as { csrfToken: string }).csrfToken;
    const statuses = new Map<string, number>();
    let next = 0;
    let done = false;
    const t0 = performance.now();
    const flood = Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < TRIES) {
          next++;
          const res = await attacker.signIn(VICTIM, `wrong-password-${next}`, csrf);
          const key = `${res.status}${res.headers.get("retry-after") ? " (Retry-After)" : ""}`;
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
        }
      }),
    ).finally(() => (done = true));
    const during: number[] = [];
    while (!done || during.length < 5) during.push(await loadPage(rater, database.page));
    await flood;
    const floodMs = performance.now() - t0;

    // What one try costs the server alone (for the limited run: a refused try).
    const single: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      await attacker.signIn(VICTIM, "wrong-password-alone", csrf);
      single.push(performance.now() - t);
    }
    const ratio = median(during) / median(quiet);
    console.log(`\n== ${label}`);
    console.log(
      `flood: ${TRIES} wrong passwords for one account, ${CONCURRENCY} at a time, in ${ms(floodMs)} (${((TRIES / floodMs) * 1000).toFixed(0)} tries/s); answers: ${[...statuses].map(([k, v]) => `${v}x ${k}`).join(", ")}`,
    );
    console.log(`one try alone:     median ${ms(median(single))}`);
    console.log(
      `rater page quiet:  median ${ms(median(quiet))}, worst ${ms(Math.max(...quiet))} (${quiet.length} loads)`,
    );
    console.log(
      `rater page flood:  median ${ms(median(during))}, worst ${ms(Math.max(...during))} (${during.length} loads)`,
    );
    console.log(`ratio flood/quiet: ${ratio.toFixed(2)}x (target <= 2x) ${ratio <= 2 ? "OK" : "OVER"}`);
    return ratio;
  } finally {
    await web.stop();
    await database.drop();
  }
}

try {
  if (values.only !== "hashing") await scenario("default limits (5 failures per account, 50 per address)", {});
  if (values.only !== "limits")
    await scenario("limits out of reach: every try hashes (scrypt on the libuv pool)", {
      SECONDREAD_SIGNIN_ACCOUNT_LIMIT: "1000",
      SECONDREAD_SIGNIN_ADDRESS_LIMIT: "100000",
    });
} finally {
  await server.stop();
}
