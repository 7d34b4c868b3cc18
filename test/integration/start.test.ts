// `npm start` as a user runs it: embedded database, demo seeded once, clean stop on SIGTERM and
// SIGINT, and recovery after the whole thing was killed with SIGKILL.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { waitFor } from "../helpers/wait.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const DATA = path.join(ROOT, ".data", `it-start-${process.pid}`);
const PORT = 3211;
const PG_PORT = 54381;

type Run = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

function start(): Run {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: "",
      AUTH_SECRET: "",
      SECONDREAD_DATA_DIR: DATA,
      PORT: String(PORT),
      EMBEDDED_PG_PORT: String(PG_PORT),
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // a process group of its own, as a terminal gives `npm start`: Ctrl+C goes to the whole group
  });
  let out = "";
  child.stdout!.on("data", (c) => (out += c));
  child.stderr!.on("data", (c) => (out += c));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, output: () => out, exited };
}

const until = (check: () => boolean | Promise<boolean>, what: string, ms = 180_000) =>
  waitFor(what, check, { timeoutMs: ms, intervalMs: 250 });

const serving = () =>
  fetch(`http://localhost:${PORT}/login`).then(
    (r) => r.status === 200,
    () => false,
  );
const postgresPids = () =>
  fs
    .readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return fs.readFileSync(`/proc/${p}/cmdline`, "utf8").includes(DATA);
      } catch {
        return false;
      }
    });

after(() => {
  for (const pid of postgresPids()) process.kill(Number(pid), "SIGKILL");
  fs.rmSync(DATA, { recursive: true, force: true });
});

test("npm start serves the demo, stops cleanly, restarts without reseeding, and recovers from kill -9", {
  timeout: 600_000,
}, async () => {
  const first = start();
  await until(() => first.output().includes("SecondRead is ready at"), "the first start");
  assert.match(first.output(), /Created the demo study/);
  assert.match(first.output(), /demo admin: admin@demo\.secondread {2}password: \S{16}/);
  assert.ok(await serving());
  first.child.kill("SIGTERM");
  assert.equal(await first.exited, 0);
  assert.match(first.output(), /SecondRead stopped\./);
  assert.deepEqual(postgresPids(), [], "the database stopped with it");
  assert.equal(await serving(), false);

  const second = start();
  await until(() => second.output().includes("SecondRead is ready at"), "the second start");
  assert.doesNotMatch(second.output(), /Created the demo study/, "the demo is seeded once");
  assert.match(second.output(), /demo rater: rater@demo\.secondread/);
  second.child.kill("SIGKILL");
  await second.exited;
  await until(async () => !(await serving()), "the web server leaving with its parent", 15_000);
  assert.ok(postgresPids().length > 0, "kill -9 leaves an orphaned database server");

  const third = start();
  await until(() => third.output().includes("SecondRead is ready at"), "the start after kill -9");
  assert.match(third.output(), /orphaned PostgreSQL server/);
  assert.ok(await serving());
  // The worker starts beside the web server and may report ready after it: the stop is measured from there.
  await until(() => third.output().includes("[worker] ready"), "the worker after kill -9");
  // Ctrl+C in a terminal signals the whole foreground process group, not only start.ts.
  const before = third.output().length;
  process.kill(-third.child.pid!, "SIGINT");
  assert.equal(await third.exited, 0);
  assert.deepEqual(postgresPids(), []);
  const stopLines = third
    .output()
    .slice(before)
    .split("\n")
    .map((l) => l.trim())
    // A model load the worker had begun before the signal may finish during the stop: work, not stopping.
    .filter((l) => l && !l.startsWith("[worker] loaded "));
  assert.deepEqual(
    stopLines.map((l) => l.replace(/^\[worker\] stopped.*$/, "[worker] stopped")),
    ["[worker] stopped", "[web] stopped", "[database] stopped", "SecondRead stopped."],
    `stopped in order, one line per step, nothing else:\n${stopLines.join("\n")}`,
  );
  assert.match(stopLines[0], /fetched case\(s\) went back to the queue/);
});
