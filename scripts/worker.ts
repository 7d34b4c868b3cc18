// `npm run worker`: a generation worker. `npm start` runs one next to the web server; more can
// run on other machines with the same DATABASE_URL and share the work.
import { ensureClient } from "./build-state.ts";

ensureClient();
const { readEnv } = await import("../lib/env.ts");
const { openDatabase } = await import("../lib/runtime.ts");
const { createDb } = await import("../lib/db.ts");
const { Worker } = await import("../lib/worker.ts");
const { closeQueues } = await import("../lib/generation.ts");

const env = readEnv();
// Started by `npm start`, the worker is handed the database URL; alone, it opens the database itself.
const database = await openDatabase(env, { log: (l) => console.log(`[worker] ${l}`) });
const db = createDb(database.url);
const worker = new Worker(db, database.url);
await worker.start();

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  // The case being generated finishes; fetched ones go back. Past 10 s an unfinished job is retried elsewhere.
  const done = await Promise.race([worker.stop().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
  await closeQueues();
  await db.$disconnect();
  await database.stop();
  console.log(`[worker] stopped${done ? "" : " (a case was still generating: it runs again after GENERATION_JOB_TIMEOUT_S)"}; ${worker.returned} fetched case(s) went back to the queue`);
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
