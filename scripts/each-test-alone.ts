// Runs every test of the given files alone, one node process per test (by its whole name), to
// show that no test needs state made by another. Not part of `npm test` (it is slow: each test
// pays for its file's set-up). Integration files get the test database server as in `npm test`.
//
//   node scripts/bootstrap.mjs each-test-alone.ts test/integration/rating.test.ts test/unit/tiny-model.test.ts
//   (TEST_PG_PORT picks the embedded server's port, as for `npm test`.)
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ensureClient } from "./build-state.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const files = process.argv.slice(2).filter((a) => a !== "--");
if (!files.length) {
  console.error("Usage: node scripts/bootstrap.mjs each-test-alone.ts <test file>...");
  process.exit(2);
}

/** The names given to test(...) as plain string literals (a name built at run time is reported, not run). */
function testNames(file: string): { names: string[]; unreadable: number } {
  const source = fs.readFileSync(path.join(ROOT, file), "utf8");
  const names: string[] = [];
  let unreadable = 0;
  for (const m of source.matchAll(
    /(?<![.\w])test\(\s*(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\$]|\\.)*)`|([^\s"'`]))/g,
  )) {
    if (m[4] !== undefined) unreadable++;
    else if (m[1] !== undefined) names.push(JSON.parse(`"${m[1]}"`));
    else names.push((m[2] ?? m[3]).replace(/\\(.)/g, "$1"));
  }
  return { names, unreadable };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

ensureClient();
let serverUrl = "";
let stop = async () => {};
if (files.some((f) => f.includes("integration"))) {
  const { readEnv } = await import("../lib/platform/env.ts");
  const env = readEnv();
  if (env.DATABASE_URL) serverUrl = env.DATABASE_URL;
  else {
    const { startEmbeddedPostgres } = await import("../lib/runtime/embedded-postgres.ts");
    const server = await startEmbeddedPostgres({
      dataDir: path.join(ROOT, env.SECONDREAD_DATA_DIR, "test-postgres"),
      port: Number(process.env.TEST_PG_PORT ?? 54339),
      database: "postgres",
    });
    serverUrl = server.url;
    stop = server.stop;
  }
}

const results: { file: string; name: string; ok: boolean; seconds: number; note: string }[] = [];
try {
  for (const file of files) {
    const { names, unreadable } = testNames(file);
    if (unreadable)
      results.push({
        file,
        name: `(${unreadable} test(s) with a computed name)`,
        ok: false,
        seconds: 0,
        note: "not run",
      });
    const counts = new Map<string, number>();
    for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
    for (const name of names) {
      const started = Date.now();
      const r = spawnSync(
        process.execPath,
        ["--import", "tsx", "--test", "--test-reporter=tap", `--test-name-pattern=^${escapeRegExp(name)}$`, file],
        {
          cwd: ROOT,
          encoding: "utf8",
          env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", TEST_SERVER_URL: serverUrl, DATABASE_URL: "" },
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      const out = r.stdout + r.stderr;
      const count = (what: string) => Number(new RegExp(`^# ${what} (\\d+)$`, "m").exec(out)?.[1] ?? NaN);
      // Exactly this one test ran and passed: the others of the file were skipped by name.
      const ok = r.status === 0 && count("pass") === 1 && count("fail") === 0 && count("cancelled") === 0;
      const note =
        counts.get(name)! > 1
          ? "name not unique"
          : ok
            ? ""
            : `exit ${r.status}, pass ${count("pass")}, fail ${count("fail")}, cancelled ${count("cancelled")}`;
      results.push({ file, name, ok, seconds: Math.round((Date.now() - started) / 100) / 10, note });
      console.log(`${ok ? "PASS" : "FAIL"}  ${file}  ${name}  (${results.at(-1)!.seconds}s)${note ? `  ${note}` : ""}`);
      if (!ok)
        console.log(
          out
            .split("\n")
            .filter((l) => !/^\s*(duration_ms|\.\.\.|---)/.test(l))
            .slice(-60)
            .join("\n"),
        );
    }
  }
} finally {
  await stop();
}

const failed = results.filter((r) => !r.ok);
console.log(`\n${results.length - failed.length} of ${results.length} tests passed alone.`);
process.exit(failed.length ? 1 : 0);
