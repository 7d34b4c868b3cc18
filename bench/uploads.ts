// Uploads against the real built app (`next start`) on a real PostgreSQL:
// 1. /login latency while a worst-case file is previewed, as a ratio to its quiet latency;
// 2. the server's memory (RSS before, peak, after) during a 300 MB chunked upload (no Content-Length).
// Run: npx tsx bench/uploads.ts [--mb 20] [--upload-mb 300]   (TEST_PG_PORT, BENCH_PORT choose ports)
import path from "node:path";
import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { ensureBuild } from "../scripts/build-state.ts";
import { startWeb } from "./app.ts";

const { values } = parseArgs({
  options: { mb: { type: "string", default: "20" }, "upload-mb": { type: "string", default: "300" } },
});
const ROOT = path.resolve(import.meta.dirname, "..");
const PORT = Number(process.env.BENCH_PORT ?? process.env.E2E_PORT ?? 3190);
const BASE = `http://127.0.0.1:${PORT}`; // the address startWeb gives as NEXTAUTH_URL

ensureBuild();
const { readEnv } = await import("../lib/platform/env.ts");
const { startEmbeddedPostgres } = await import("../lib/runtime/embedded-postgres.ts");
const env = readEnv();
let stopPg = async () => {};
if (env.DATABASE_URL) process.env.TEST_SERVER_URL = env.DATABASE_URL;
else {
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(ROOT, env.SECONDREAD_DATA_DIR, "test-postgres"),
    port: Number(process.env.TEST_PG_PORT ?? 54339),
    database: "postgres",
    log: () => {},
  });
  process.env.TEST_SERVER_URL = pg.url;
  stopPg = pg.stop;
}
const { createEmptyDatabase } = await import("../test/helpers/db.ts");
const { migrate } = await import("../lib/runtime/migrate.ts");
const { createDb } = await import("../lib/platform/db.ts");
const { createUser } = await import("../lib/accounts/users.ts");
const { createStudy } = await import("../lib/studies/studies.ts");
const { chunkedUpload, memoryMb, pidListeningOn, resetPeak } = await import("../test/helpers/server-process.ts");

const database = await createEmptyDatabase("bench");
await migrate(database.url);
const db = createDb(database.url);
const admin = await createUser(db, null, {
  email: "bench@bench.secondread",
  name: "Bench",
  role: "ADMIN",
  password: "bench-password-1",
});
const study = await createStudy(db, admin, { name: "Upload bench" });

const server = await startWeb(PORT, database.url);
try {
  const pid = pidListeningOn(PORT)!;
  const cookie = await signIn("bench@bench.secondread", "bench-password-1");

  // ---- 1. /login during a worst-case preview -------------------------------------------
  const loginMs = async () => {
    const t = performance.now();
    await (await fetch(`${BASE}/login`)).arrayBuffer();
    return performance.now() - t;
  };
  for (let i = 0; i < 5; i++) await loginMs();
  const quiet: number[] = [];
  for (let i = 0; i < 30; i++) quiet.push(await loginMs());
  const quietMs = median(quiet);
  console.log(`/login quiet: median ${quietMs.toFixed(1)} ms (30 requests)`);

  const cols = Array.from({ length: 100_000 }, (_, i) => `c${i}`);
  const wide = `${cols.join(",")}\n${cols.map(() => "x").join(",")}\n`;
  const rows: string[] = [];
  let size = 0;
  for (let i = 1; size < Number(values.mb) * 1048576; i++) {
    const row = `${i},"Heart size normal, lungs clear, no effusion (${i}).",No acute disease ${i}.`;
    rows.push(row);
    size += row.length + 1;
  }
  const big = `uid,findings,impression\n${rows.join("\n")}\n`;
  await preview("uid,findings,impression\n1,a,b\n"); // the route's first call loads its code: not what is measured
  async function preview(text: string) {
    const form = new FormData();
    form.set("mode", "preview");
    form.set("file", new Blob([text], { type: "text/csv" }), "cases.csv");
    const r = await fetch(`${BASE}/api/studies/${study.id}/import`, {
      method: "POST",
      body: form,
      headers: { Cookie: cookie, Origin: BASE },
    });
    return { status: r.status, body: await r.text() };
  }
  for (const [label, text] of [
    ["100,000-column CSV", wide],
    [`${values.mb} MB CSV (${rows.length.toLocaleString("en-US")} rows)`, big],
  ] as const) {
    const t = performance.now();
    let done = false;
    const answer = preview(text).then((r) => {
      done = true;
      return r;
    });
    const during: number[] = [];
    while (!done) during.push(await loginMs());
    const r = await answer;
    const seconds = (performance.now() - t) / 1000;
    const summary = r.status === 200 ? `${JSON.parse(r.body).rowCount} rows` : JSON.parse(r.body).error;
    console.log(
      `/login during preview of a ${label}: ${during.length} requests, median ${median(during).toFixed(1)} ms (x${(median(during) / quietMs).toFixed(1)}), ` +
        `max ${Math.max(...during).toFixed(1)} ms (x${(Math.max(...during) / quietMs).toFixed(1)}); the preview answered ${r.status} in ${seconds.toFixed(1)} s: ${summary}`,
    );
  }

  // ---- 2. memory during a 300 MB chunked upload ------------------------------------------
  await sleep(1000);
  const before = memoryMb(pid);
  resetPeak(pid);
  let polledPeak = before.rss;
  const poll = setInterval(() => (polledPeak = Math.max(polledPeak, memoryMb(pid).rss)), 20);
  const up = await chunkedUpload(`${BASE}/api/studies/${study.id}/import`, {
    totalMb: Number(values["upload-mb"]),
    headers: { Cookie: cookie, Origin: BASE },
  });
  clearInterval(poll);
  const peak = Math.max(memoryMb(pid).peak, polledPeak);
  await sleep(2000);
  const after = memoryMb(pid);
  console.log(
    `${values["upload-mb"]} MB chunked upload: answered ${up.status} after ${up.sentMb.toFixed(0)} MB sent, in ${up.seconds.toFixed(1)} s (${JSON.parse(up.body).error}); ` +
      `server RSS before ${before.rss.toFixed(0)} MB, peak ${peak.toFixed(0)} MB (+${(peak - before.rss).toFixed(0)}), 2 s after ${after.rss.toFixed(0)} MB`,
  );
} finally {
  await server.stop();
  await db.$disconnect();
  await database.drop();
  await stopPg();
}

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)];
}

async function signIn(email: string, password: string): Promise<string> {
  const csrf = await fetch(`${BASE}/api/auth/csrf`);
  const jar = csrf.headers.getSetCookie().map((c) => c.split(";")[0]);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${BASE}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: jar.join("; "), Origin: BASE },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .find((c) => c.includes("session-token"));
  if (!session) throw new Error(`sign-in failed (${res.status})`);
  return [...jar, session].join("; ");
}
