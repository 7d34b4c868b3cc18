// `npm start`: database (embedded unless DATABASE_URL), migrations, demo study, build, web server.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ensureBuild } from "./build-state.ts";

ensureBuild(); // before importing lib/, which needs the generated Prisma client
const { ConfigError, readEnv } = await import("../lib/platform/env.ts");
const { authSecret, dataDir, openDatabase, PROJECT_DIR } = await import("../lib/runtime/runtime.ts");
const { createDb } = await import("../lib/platform/db.ts");
const { seedDemo } = await import("../lib/demo/demo.ts");
const { closeQueues } = await import("../lib/generation/generation.ts");

let env: ReturnType<typeof readEnv>;
try {
  env = readEnv();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(2);
  }
  throw e;
}

let database: Awaited<ReturnType<typeof openDatabase>> | null = null;
// Installed before the database starts: Ctrl+C during initdb or migrations still stops it.
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
let web: ReturnType<typeof spawn> | null = null;
let worker: ReturnType<typeof spawn> | null = null;
let stopping = false;
// Ctrl+C reaches this process only (the children run in process groups of their own), and it
// stops them in order: the worker while the database still serves it (fetched jobs go back to the
// queue), then the web server, then the database. One line per step.
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  await stopChild(worker); // prints its own "[worker] stopped; …" line
  if (await stopChild(web)) console.log("[web] stopped");
  if (database) {
    await database.stop();
    console.log("[database] stopped");
  }
  console.log("SecondRead stopped.");
  process.exit(code);
}

async function stopChild(child: ReturnType<typeof spawn> | null) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return false;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
  return true;
}

database = await openDatabase(env);
if (stopping) await new Promise(() => {}); // a signal came while it started: shutdown() exits
const credsFile = path.join(dataDir(env), "demo-credentials.json");
if (env.SECONDREAD_DEMO !== "0") {
  const db = createDb(database!.url);
  const creds = await seedDemo(db, database!.url, (c) => {
    fs.mkdirSync(path.dirname(credsFile), { recursive: true });
    fs.writeFileSync(credsFile, JSON.stringify(c, null, 2), { mode: 0o600 });
  });
  await closeQueues();
  await db.$disconnect();
  if (creds) console.log("Created the demo study, a demo admin and a demo rater.");
}

// The generation worker runs beside the web server, in its own process: a model that crashes
// while loading takes the worker down, never the web server. It leaves with its parent.
const childEnv = {
  ...process.env,
  NODE_OPTIONS:
    `${process.env.NODE_OPTIONS ?? ""} --require "${path.join(PROJECT_DIR, "scripts/exit-with-parent.cjs")}"`.trim(),
  DATABASE_URL: database!.url,
  NEXT_TELEMETRY_DISABLED: "1",
};
function startWorker() {
  worker = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_DIR, "scripts/worker.ts")], {
    cwd: PROJECT_DIR,
    stdio: ["ignore", "inherit", "inherit"],
    env: childEnv,
    detached: true,
  });
  worker.once("exit", (code, signal) => {
    if (stopping) return;
    console.error(`The generation worker stopped (${signal ?? `exit ${code}`}); restarting it in 2 s.`);
    setTimeout(() => !stopping && startWorker(), 2000);
  });
}
startWorker();

const url = `http://localhost:${env.PORT}`;
web = spawn(
  path.join(PROJECT_DIR, "node_modules/.bin/next"),
  ["start", "-p", String(env.PORT), ...(env.HOST ? ["-H", env.HOST] : [])],
  {
    cwd: PROJECT_DIR,
    stdio: ["ignore", "pipe", "inherit"],
    detached: true, // its own process group: a terminal's Ctrl+C reaches start.ts, which stops it in order
    env: {
      ...childEnv,
      NODE_ENV: "production",
      AUTH_SECRET: authSecret(env),
      NEXTAUTH_URL: env.NEXTAUTH_URL ?? url,
    },
  },
);
web.stdout!.on("data", (chunk: Buffer) => {
  const text = chunk.toString();
  process.stdout.write(
    text
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => `[web] ${l}\n`)
      .join(""),
  );
  if (text.includes("Ready")) announce();
});
web.once("exit", (code) => {
  if (!stopping) {
    console.error(`The web server stopped unexpectedly (exit ${code}).`);
    void shutdown(1);
  }
});

function announce() {
  console.log(`\nSecondRead is ready at ${url}`);
  if (fs.existsSync(credsFile)) {
    const c = JSON.parse(fs.readFileSync(credsFile, "utf8"));
    console.log(`  demo admin: ${c.admin.email}  password: ${c.admin.password}`);
    console.log(`  demo rater: ${c.rater.email}  password: ${c.rater.password}`);
  }
  // Changes are accepted from this one address (the same-origin rule): say so before a colleague
  // on another machine finds every save refused.
  if (!env.NEXTAUTH_URL)
    console.log(
      `  (open it as ${url}; for other machines, restart with NEXTAUTH_URL=http://<this machine's name>:${env.PORT})`,
    );
  console.log("Press Ctrl+C to stop.\n");
}
