// `npm run mutation [-- stryker options]`: mutation testing of the modules that hold the rules
// (test/mutation/stryker.config.mjs). The integration tests need a PostgreSQL server: a
// dedicated embedded one, so that databases left by tests a mutant broke never reach `npm test`'s.
// Examples: `npm run mutation -- --mutate lib/results/stats.ts`, `npm run mutation -- --incremental`.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ensureClient } from "./build-state.ts";
import { belowFloor } from "./lib/mutation-floor.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
ensureClient();
const { startEmbeddedPostgres } = await import("../lib/runtime/embedded-postgres.ts");

const dataDir = path.join(ROOT, ".data", "mutation-postgres");
fs.rmSync(dataDir, { recursive: true, force: true });
const server = await startEmbeddedPostgres({
  dataDir,
  port: Number(process.env.MUTATION_PG_PORT ?? 54371),
  database: "postgres",
});
let status = 1;
try {
  // Not spawnSync: PostgreSQL's log comes through a pipe this process must keep reading, or the
  // server blocks on it (every test that makes it log an error would make that likelier).
  const child = spawn(
    path.join(ROOT, "node_modules/.bin/stryker"),
    ["run", "test/mutation/stryker.config.mjs", ...process.argv.slice(2).filter((a) => a !== "--")],
    {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, TEST_SERVER_URL: server.url, DATABASE_URL: "", NEXT_TELEMETRY_DISABLED: "1" },
    },
  );
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
  status = (await new Promise<number | null>((resolve) => child.on("close", resolve))) ?? 1;
} finally {
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
console.log("\nReport: .data/mutation/report.html (scores per file: .data/mutation/report.json)");
const reportFile = path.join(ROOT, ".data", "mutation", "report.json");
if (status === 0 && fs.existsSync(reportFile)) {
  const under = belowFloor(JSON.parse(fs.readFileSync(reportFile, "utf8")));
  for (const line of under) console.error(line);
  if (under.length) status = 1;
}
process.exit(status);
