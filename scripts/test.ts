// `npm test`: unit tests, integration tests against a real PostgreSQL (embedded, or the server
// of DATABASE_URL: a throwaway database per test file), then Playwright in Debian's chromium.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ensureBuild, ensureClient } from "./build-state.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const option = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : null);
const only = option("--only");
const wants = (kind: string) => only === null || only === kind;
// `--name <pattern>` runs only the tests whose names match the regular expression (node's
// --test-name-pattern, Playwright's --grep), e.g. one test alone: --name '^its whole name$'.
const name = option("--name");
const extra = process.argv
  .slice(2)
  .filter((a, i, all) => !["--only", "--name", "--"].includes(a) && !["--only", "--name"].includes(all[i - 1]));
const nameArgs = name === null ? [] : [`--test-name-pattern=${name}`];

ensureClient();
const { readEnv } = await import("../lib/platform/env.ts");
const { startEmbeddedPostgres } = await import("../lib/runtime/embedded-postgres.ts");

const results: { kind: string; ok: boolean; seconds: number }[] = [];
// Not spawnSync: the embedded PostgreSQL's log reaches this process through a pipe, and a blocked
// event loop lets it fill until every server process that logs waits on it (a hung test run).
async function run(kind: string, cmd: string, args: string[], env: Record<string, string> = {}) {
  const t = Date.now();
  console.log(`\n=== ${kind} tests ===`);
  const child = spawn(cmd, args, {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
  });
  const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
  results.push({ kind, ok: status === 0, seconds: Math.round((Date.now() - t) / 1000) });
}
// `npm run test:integration -- generation` runs the files whose names contain "generation".
const testFiles = (dir: string) =>
  fs
    .readdirSync(path.join(ROOT, "test", dir))
    .filter((f) => f.endsWith(".test.ts") && (extra.length === 0 || extra.some((e) => f.includes(e))))
    .sort()
    .map((f) => path.join("test", dir, f));

if (wants("unit")) {
  // Next's route types (PageProps, RouteContext) must exist before tsc sees the app.
  spawnSync(path.join(ROOT, "node_modules/.bin/next"), ["typegen"], {
    cwd: ROOT,
    stdio: "ignore",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  await run("typecheck", path.join(ROOT, "node_modules/.bin/tsc"), ["--noEmit", "-p", "."]);
  // Formatting and lint (biome.jsonc): `npx biome check --write .` fixes what it can.
  await run("lint", path.join(ROOT, "node_modules/.bin/biome"), ["ci", "--colors=off", "."]);
}
if (wants("unit"))
  await run("unit", process.execPath, ["--import", "tsx", "--test", ...nameArgs, ...testFiles("unit")]);

if (wants("integration") || wants("browser")) {
  const env = readEnv();
  let serverUrl: string;
  let stop = async () => {};
  if (env.DATABASE_URL) {
    serverUrl = env.DATABASE_URL; // throwaway databases are created next to it, never in it
  } else {
    const server = await startEmbeddedPostgres({
      dataDir: path.join(ROOT, env.SECONDREAD_DATA_DIR, "test-postgres"),
      port: Number(process.env.TEST_PG_PORT ?? 54339),
      database: "postgres",
    });
    serverUrl = server.url;
    stop = server.stop;
  }
  try {
    const dbEnv = { TEST_SERVER_URL: serverUrl, DATABASE_URL: "" };
    if (wants("integration"))
      await run(
        "integration",
        process.execPath,
        ["--import", "tsx", "--test", "--test-concurrency=1", ...nameArgs, ...testFiles("integration")],
        dbEnv,
      );
    if (wants("browser")) {
      ensureBuild();
      process.env.TEST_SERVER_URL = serverUrl;
      const { prepareE2eDatabase } = await import("../test/browser/prepare.ts");
      const e2e = await prepareE2eDatabase();
      try {
        await run(
          "browser",
          path.join(ROOT, "node_modules/.bin/playwright"),
          ["test", ...(name === null ? [] : ["--grep", name]), ...extra],
          { ...dbEnv, E2E_DATABASE_URL: e2e.url },
        );
      } finally {
        await e2e.drop();
      }
    }
  } finally {
    await stop();
  }
}

console.log("\n=== summary ===");
for (const r of results) console.log(`${r.ok ? "PASS" : "FAIL"}  ${r.kind} (${r.seconds}s)`);
process.exit(results.every((r) => r.ok) && results.length > 0 ? 0 : 1);
