// `npm run worker`: a generation worker. `npm start` runs one next to the web server; more can
// run on other machines with the same DATABASE_URL and share the work.
import { ensureClient } from "./build-state.ts";

// Listened for first: a stop asked for while the worker is still starting (npm start stopped at
// once) is carried out in order once it has started, instead of killing it mid-start.
let askStop = () => {};
const stopAsked = new Promise<void>((resolve) => (askStop = resolve));
process.on("SIGINT", () => askStop());
process.on("SIGTERM", () => askStop());

ensureClient();
const { readEnv } = await import("../lib/platform/env.ts");
const { openDatabase } = await import("../lib/runtime/runtime.ts");
const { createDb } = await import("../lib/platform/db.ts");
const { Worker } = await import("../lib/generation/worker.ts");
const { closeQueues } = await import("../lib/generation/generation.ts");

const env = readEnv();
// Started by `npm start`, the worker is handed the database URL; alone, it opens the database itself.
const database = await openDatabase(env, { log: (l) => console.log(`[worker] ${l}`) });
const db = createDb(database.url);
const worker = new Worker(db, database.url);
await worker.start();

await stopAsked;
// The case being generated finishes; fetched ones go back. Past 10 s an unfinished job is retried elsewhere.
const done = await Promise.race([
  worker.stop().then(() => true),
  new Promise<boolean>((r) => setTimeout(() => r(false), 10_000)),
]);
await closeQueues();
await db.$disconnect();
await database.stop();
console.log(
  `[worker] stopped${done ? "" : " (a case was still generating: it runs again after GENERATION_JOB_TIMEOUT_S)"}; ${worker.returned} fetched case(s) went back to the queue`,
);
process.exit(0);
