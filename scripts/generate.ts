// npm run generate -- --study <id> --system <id> [--no-wait]
// Queues the missing outputs of an LLM system and shows a progress bar until they are done.
// The work itself is done by the worker (`npm start` runs one; `npm run worker` adds more).
import { parseArgs } from "node:util";
import { ensureClient } from "./build-state.ts";

ensureClient();
const { readEnv } = await import("../lib/platform/env.ts");
const { openDatabase } = await import("../lib/runtime/runtime.ts");
const { createDb } = await import("../lib/platform/db.ts");
const { closeQueues, generationProgress, queueFor, startGeneration } = await import("../lib/generation/generation.ts");
const { asAppError, NotFoundError } = await import("../lib/platform/errors.ts");

const { values } = parseArgs({
  options: { study: { type: "string" }, system: { type: "string" }, "no-wait": { type: "boolean" } },
});
if (!values.study || !values.system) {
  console.error("Usage: npm run generate -- --study <study id> --system <system id> [--no-wait]");
  process.exit(2);
}

const database = await openDatabase(readEnv(), { log: () => {} });
const db = createDb(database.url);
const boss = await queueFor(database.url);
let code = 0;
try {
  const system = await db.system.findFirst({ where: { id: values.system, studyId: values.study } });
  if (!system) throw new NotFoundError(`Study ${values.study} has no system ${values.system}.`);
  // The CLI acts as the operator of the machine: it needs no account, but the log says who.
  const { queued } = await startGeneration(db, boss, { id: "cli", role: "ADMIN" }, system.id);
  console.log(`${system.name}: queued ${queued} case(s).`);
  if (!values["no-wait"]) {
    const started = Date.now();
    for (;;) {
      const p = await generationProgress(db, system.id);
      const width = 30;
      const filled = Math.round((width * p.done) / Math.max(1, p.total));
      const line = `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${p.done}/${p.total}  failed ${p.failed}  ${p.tokensPerSecond ?? "—"} tok/s  ${p.secondsLeft ?? "—"} s left`;
      process.stdout.write(process.stdout.isTTY ? `\r${line}` : `${line}\n`);
      if (p.queued + p.running === 0) {
        process.stdout.write("\n");
        if (p.failed > 0) {
          console.error(`${p.failed} case(s) failed. Last error: ${p.lastError}`);
          code = 1;
        }
        break;
      }
      if (Date.now() - started > 10_000 && p.running === 0 && p.done === 0)
        process.stdout.write(
          process.stdout.isTTY
            ? ""
            : "(no worker has picked the jobs up yet: is `npm start` or `npm run worker` running?)\n",
        );
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
} catch (e) {
  const known = asAppError(e);
  if (known) {
    console.error(known.message);
    code = 1;
  } else throw e;
} finally {
  await closeQueues();
  await db.$disconnect();
  await database.stop();
}
process.exit(code);
