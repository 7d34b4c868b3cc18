// The database layer: the migration runner (lib/runtime/migrate.ts), the constraints the SQL adds on
// top of the Prisma schema, and the embedded PostgreSQL server (lib/runtime/embedded-postgres.ts).
import { describe, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedServer } from "../../lib/runtime/embedded-postgres.ts";
import { migrate, MIGRATIONS_DIR } from "../../lib/runtime/migrate.ts";
import { createEmptyDatabase } from "../helpers/db.ts";
import { fileDb } from "../helpers/file-db.ts";
import { makeUser } from "../helpers/fixtures.ts";
import { defaultDesign } from "../../lib/rating/design.ts";
import { waitFor } from "../helpers/wait.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const tableExists = (c: pg.Client, name: string) =>
  c.query(`SELECT to_regclass($1) IS NOT NULL AS ok`, [`public."${name}"`]).then((r) => r.rows[0].ok as boolean);

function tempMigrations(files: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "secondread-migrations-"));
  for (const [name, sql] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

const t = fileDb();

describe("migrate()", () => {
  test("refuses a migration that was edited after it was applied, and changes nothing", async () => {
    const db = await createEmptyDatabase("edited");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "secondread-migrations-"));
    try {
      fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      const names = await migrate(db.url, { dir });
      assert.ok(names.length >= 1);
      const first = path.join(dir, names[0], "migration.sql");
      fs.appendFileSync(first, "\n-- a harmless-looking edit\n");
      await assert.rejects(migrate(db.url, { dir }), (e: Error) => {
        assert.match(
          e.message,
          new RegExp(`Migration ${names[0]} was changed after it was applied \\(checksum differs\\)`),
        );
        return true;
      });
      // A new migration after the edited one is not applied either.
      fs.mkdirSync(path.join(dir, "29990101000000_later"));
      fs.writeFileSync(path.join(dir, "29990101000000_later", "migration.sql"), `CREATE TABLE "Later" (id int);`);
      await assert.rejects(migrate(db.url, { dir }), /checksum differs/);
      await withClient(db.url, async (c) => {
        assert.equal(await tableExists(c, "Later"), false);
        const { rows } = await c.query(`SELECT migration_name FROM "_prisma_migrations" ORDER BY 1`);
        assert.deepEqual(
          rows.map((r) => r.migration_name),
          names,
        );
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  });

  test("a failing migration leaves nothing behind; the ones before it stay; fixed, it applies", async () => {
    const db = await createEmptyDatabase("failing");
    const dir = tempMigrations({
      "001_good": `CREATE TABLE "Good" (id int PRIMARY KEY);`,
      "002_bad": `CREATE TABLE "Half" (id int PRIMARY KEY);\nINSERT INTO "Good" VALUES (1);\nALTER TABLE "Good" ADD COLUMN "x" no_such_type;`,
      "003_after": `CREATE TABLE "After" (id int);`,
    });
    try {
      await assert.rejects(migrate(db.url, { dir }), (e: Error) => {
        assert.match(e.message, /^Migration 002_bad failed: .*no_such_type/);
        return true;
      });
      await withClient(db.url, async (c) => {
        assert.equal(await tableExists(c, "Good"), true);
        assert.equal(await tableExists(c, "Half"), false, "the failed migration's first statement was rolled back");
        assert.equal(await tableExists(c, "After"), false, "nothing after a failed migration runs");
        assert.equal((await c.query(`SELECT count(*)::int AS n FROM "Good"`)).rows[0].n, 0);
        const { rows } = await c.query(`SELECT migration_name, finished_at FROM "_prisma_migrations" ORDER BY 1`);
        assert.deepEqual(
          rows.map((r) => r.migration_name),
          ["001_good"],
        );
        assert.ok(rows[0].finished_at instanceof Date);
        // The advisory lock was released: another session can take it at once.
        const lock = await c.query(`SELECT pg_try_advisory_lock(727274001) AS ok`);
        assert.equal(lock.rows[0].ok, true);
        await c.query(`SELECT pg_advisory_unlock(727274001)`);
      });
      fs.writeFileSync(path.join(dir, "002_bad", "migration.sql"), `CREATE TABLE "Half" (id int PRIMARY KEY);`);
      assert.deepEqual(await migrate(db.url, { dir }), ["002_bad", "003_after"]);
      assert.deepEqual(await migrate(db.url, { dir }), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  });

  test("the rating-design migration moves every score of the five columns to its criterion, and none is lost", async () => {
    const db = await createEmptyDatabase("design");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "secondread-migrations-"));
    try {
      // The database as it was before: every migration up to the one under test.
      const before = fs
        .readdirSync(MIGRATIONS_DIR)
        .filter((n) => /^\d+_/.test(n) && n < "20261202100000_rating_design");
      for (const n of before) fs.cpSync(path.join(MIGRATIONS_DIR, n), path.join(dir, n), { recursive: true });
      await migrate(db.url, { dir });
      // Two studies' ratings as the old five columns held them: full, partial, empty.
      const old: [string, (number | null)[]][] = [
        ["r1", [1, 2, 3, 4, 5]],
        ["r2", [5, null, 4, null, 1]],
        ["r3", [null, null, null, null, null]],
        ["r4", [3, 3, 3, 3, 3]],
      ];
      await withClient(db.url, async (c) => {
        await c.query(`INSERT INTO "User" (id, email, name, role, "passwordHash", "updatedAt")
          VALUES ('u1', 'old@test.secondread', 'old', 'RATER', 'x', now())`);
        for (const st of ["s1", "s2"]) {
          await c.query(
            `INSERT INTO "Study" (id, name, seed, "updatedAt") VALUES ('${st}', 'Old ${st}', 'seed', now())`,
          );
          await c.query(`INSERT INTO "Case" (id, "studyId", position, "sourceId", findings, "referenceImpression")
            VALUES ('c${st}', '${st}', 1, '1', 'f', 'r')`);
          await c.query(
            `INSERT INTO "Assignment" (id, "caseId", "raterId", seed) VALUES ('a${st}', 'c${st}', 'u1', 1)`,
          );
        }
        for (const [i, [id, v]] of old.entries()) {
          const st = i < 3 ? "s1" : "s2";
          await c.query(
            `INSERT INTO "System" (id, "studyId", name, kind) VALUES ('y${id}', '${st}', 'sys ${id}', 'IMPORTED')`,
          );
          await c.query(
            `INSERT INTO "Output" (id, "caseId", "systemId", text) VALUES ('o${id}', 'c${st}', 'y${id}', 't${id}')`,
          );
          await c.query(
            `INSERT INTO "Rating" (id, "assignmentId", "outputId", understandability, coherence, relevance, conciseness,
              "clinicalUtility", comment, "timeSpentMs", "updatedAt") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'note', 1200, now())`,
            [id, `a${st}`, `o${id}`, ...v],
          );
        }
      });
      fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      assert.deepEqual(
        (await migrate(db.url, { dir })).filter((n) => n === "20261202100000_rating_design"),
        ["20261202100000_rating_design"],
      );
      await withClient(db.url, async (c) => {
        const { rows } = await c.query(`SELECT "ratingId", criterion, value FROM "Score" ORDER BY 1, 2`);
        const keys = ["understandability", "coherence", "relevance", "conciseness", "clinicalUtility"];
        const expected = old
          .flatMap(([id, v]) => keys.flatMap((k, j) => (v[j] === null ? [] : [[id, k, v[j]]])))
          .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1])));
        assert.deepEqual(
          rows.map((r) => [r.ratingId, r.criterion, r.value]),
          expected,
        );
        assert.equal(rows.length, 5 + 3 + 0 + 5, "13 scores before, 13 after");
        // The ratings themselves stay, with their notes and times; the old columns are gone.
        const ratings = await c.query(`SELECT * FROM "Rating" ORDER BY id`);
        assert.deepEqual(
          ratings.rows.map((r) => [r.id, r.comment, r.timeSpentMs]),
          old.map(([id]) => [id, "note", 1200]),
        );
        assert.ok(!("understandability" in ratings.rows[0]));
        // The answer history starts with each answer as it stood (migration 20261202150000_answer_history).
        const revisions = await c.query(`SELECT "ratingId", revision, answer FROM "AnswerRevision" ORDER BY 1`);
        assert.deepEqual(
          revisions.rows.map((r) => [r.ratingId, r.revision, r.answer.scores.length, r.answer.comment]),
          old.map(([id, v]) => [id, 1, v.filter((x) => x !== null).length, "note"]),
        );
        // Every study answered the paper's five on 1-5: that is its design now.
        const designs = await c.query(`SELECT design FROM "Study" ORDER BY id`);
        const { mergeIdentical, ...paper } = defaultDesign();
        assert.equal(mergeIdentical, true, "new studies merge identical texts; the migrated ones did not, and do not");
        for (const d of designs.rows) assert.deepEqual(d.design, paper);
        // New studies get their design from the application: the column has no default.
        await assert.rejects(
          c.query(`INSERT INTO "Study" (id, name, seed, "updatedAt") VALUES ('s3', 'New', 'seed', now())`),
          /null value in column "design"/,
        );
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  });

  test("refuses a database with a migration this version does not know, or one left unfinished", async () => {
    const db = await createEmptyDatabase("unknown");
    const dir = tempMigrations({ "001_good": `CREATE TABLE "Good" (id int);` });
    try {
      await migrate(db.url, { dir });
      await withClient(db.url, (c) =>
        c.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at) VALUES ('x1', 'abc', '002_from_the_future', now())`,
        ),
      );
      await assert.rejects(
        migrate(db.url, { dir }),
        /has migration 002_from_the_future, which this version of SecondRead does not know/,
      );
      await withClient(db.url, (c) =>
        c.query(
          `UPDATE "_prisma_migrations" SET finished_at = NULL, migration_name = '001_good', checksum = 'x' WHERE id = 'x1'`,
        ),
      );
      await withClient(db.url, (c) => c.query(`DELETE FROM "_prisma_migrations" WHERE id <> 'x1'`));
      await assert.rejects(migrate(db.url, { dir }), /Migration 001_good failed earlier and was not resolved/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  });

  test("concurrent migrate() calls against one empty database apply each migration once", async () => {
    const db = await createEmptyDatabase("concurrent");
    try {
      const results = await Promise.all([migrate(db.url), migrate(db.url), migrate(db.url)]);
      const all = results.flat();
      assert.equal(all.length, new Set(all).size, "no migration applied twice");
      assert.equal(
        all.length,
        fs.readdirSync(MIGRATIONS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).length,
      );
    } finally {
      await db.drop();
    }
  });
});

describe("constraints in the SQL", () => {
  test("the audit log is append-only: UPDATE and DELETE raise, INSERT works", async () => {
    await makeUser(t.db, "ADMIN"); // createUser writes an audit row
    const before = await t.db.auditLog.findMany();
    assert.ok(before.length >= 1);
    await withClient(t.url, async (c) => {
      await c.query(`INSERT INTO "AuditLog" (action, entity) VALUES ('test.insert', 'Test')`);
      await assert.rejects(c.query(`UPDATE "AuditLog" SET action = 'rewritten'`), /AuditLog is append-only/);
      await assert.rejects(c.query(`DELETE FROM "AuditLog"`), /AuditLog is append-only/);
      await assert.rejects(c.query(`DELETE FROM "AuditLog" WHERE action = 'test.insert'`), /AuditLog is append-only/);
    });
    // Through Prisma too.
    await assert.rejects(t.db.auditLog.updateMany({ data: { action: "rewritten" } }), /append-only/);
    await assert.rejects(t.db.auditLog.deleteMany({}), /append-only/);
    const now = await t.db.auditLog.findMany({ orderBy: { id: "asc" } });
    assert.equal(now.length, before.length + 1);
    assert.ok(!now.some((r) => r.action === "rewritten"));
  });

  test("a score must be on a criterion of its study's design and on that criterion's scale, whoever writes it", async () => {
    const rater = await makeUser(t.db, "RATER");
    const design = defaultDesign();
    design.scores!.criteria[1] = { ...design.scores!.criteria[1], points: 7 };
    const study = await t.db.study.create({ data: { name: "check constraint", seed: "s", design, state: "OPEN" } });
    const kase = await t.db.case.create({
      data: { studyId: study.id, position: 1, sourceId: "1", findings: "f", referenceImpression: "r" },
    });
    const system = await t.db.system.create({ data: { studyId: study.id, name: "sys", kind: "IMPORTED" } });
    const output = await t.db.output.create({ data: { caseId: kase.id, systemId: system.id, text: "x" } });
    const assignment = await t.db.assignment.create({ data: { caseId: kase.id, raterId: rater.id, seed: 1 } });
    const rating = await t.db.rating.create({ data: { assignmentId: assignment.id, outputId: output.id } });
    const score = (criterion: string, value: number) =>
      t.db.score.create({ data: { ratingId: rating.id, criterion, value } });
    for (const bad of [0, 6, -1])
      await assert.rejects(score("understandability", bad), /outside its scale 1-5/, `${bad}`);
    await assert.rejects(score("coherence", 8), /8 for "coherence" is outside its scale 1-7/);
    await assert.rejects(score("clarity", 3), /"clarity" is not a criterion of study "check constraint"/);
    assert.equal(await t.db.score.count({ where: { ratingId: rating.id } }), 0);
    await score("understandability", 1);
    await score("coherence", 7);
    await assert.rejects(
      t.db.score.update({
        where: { ratingId_criterion: { ratingId: rating.id, criterion: "coherence" } },
        data: { value: 8 },
      }),
      /outside its scale 1-7/,
    );
    assert.deepEqual(
      (await t.db.score.findMany({ where: { ratingId: rating.id }, orderBy: { criterion: "asc" } })).map((s) => [
        s.criterion,
        s.value,
      ]),
      [
        ["coherence", 7],
        ["understandability", 1],
      ],
    );
    // With a rating in the study, its design no longer changes, whoever writes it; its name still does.
    await assert.rejects(
      t.db.study.update({ where: { id: study.id }, data: { design: defaultDesign() } }),
      /Study "check constraint": the rating design is locked/,
    );
    await t.db.study.update({ where: { id: study.id }, data: { name: "check constraint, renamed" } });
    await assert.rejects(
      t.db.rating.create({ data: { assignmentId: assignment.id, outputId: output.id, timeSpentMs: -5 } }),
      /Rating_timeSpentMs_check|check constraint/i,
    );
    await assert.rejects(
      t.db.study.create({ data: { name: "zero raters", seed: "s", ratersPerCase: 0, design } }),
      /check constraint|Study_ratersPerCase_check/i,
    );
  });
});

// ---- Embedded PostgreSQL -------------------------------------------------------------------

/** A port no one listens on now, chosen by the system (so that parallel runs elsewhere do not pick it too). */
async function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function readPid(dataDir: string): number | null {
  try {
    return Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]) || null;
  } catch {
    return null;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Pids whose command line names the data directory (the postmaster runs as `postgres -D <dataDir>`). */
function processesFor(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (args.includes(dataDir)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Pids whose parent is `ppid` (a postmaster's backends and auxiliary processes). */
function childrenOf(ppid: number): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.split(") ")[1].split(" ")[1]) === ppid) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

let clusters = 0;
/**
 * A data directory and a free port of the test's own; after the test, whatever still runs
 * there is stopped and the directory removed.
 */
async function ownCluster(ctx: TestContext) {
  const root = path.join(ROOT, ".data", `test-embedded-${process.pid}-${Date.now().toString(36)}-${++clusters}`);
  const c = {
    root,
    dataDir: path.join(root, "pgdata"),
    port: await freePort(),
    logs: [] as string[],
    log: (l: string) => void c.logs.push(l),
    server: null as EmbeddedServer | null,
    /** The URL of database `database` of a server running in this directory, whoever started it. */
    url: (database: string) =>
      `postgresql://postgres:${encodeURIComponent(fs.readFileSync(path.join(root, "pg-password"), "utf8").trim())}@127.0.0.1:${c.port}/${database}`,
  };
  ctx.after(async () => {
    await c.server?.stop().catch(() => {});
    // Whatever happened, leave no server behind.
    for (const pid of processesFor(c.dataDir)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    fs.rmSync(root, { recursive: true, force: true });
  });
  return c;
}

describe("embedded PostgreSQL", { timeout: 240_000 }, () => {
  test("data survives a stop and a start", async (ctx) => {
    const c = await ownCluster(ctx);
    const { root, dataDir, port, logs, log } = c;
    c.server = await startEmbeddedPostgres({ dataDir: root, port, database: "survive", log });
    let server = c.server;
    assert.equal(server.dataDir, dataDir);
    assert.ok(
      logs.some((l) => /initialising a new database cluster/.test(l)),
      logs.join("\n"),
    );
    await withClient(server.url, async (db) => {
      await db.query(`CREATE TABLE kept (id int PRIMARY KEY, note text)`);
      await db.query(`INSERT INTO kept VALUES (1, 'written before the restart')`);
    });
    const pid = readPid(dataDir)!;
    assert.ok(pid && alive(pid));
    await server.stop();
    c.server = null;
    await waitFor("the server process ended", () => !alive(pid), { timeoutMs: 5_000, intervalMs: 100 });
    assert.equal(fs.existsSync(path.join(dataDir, "postmaster.pid")), false, "a clean shutdown removes the pid file");

    logs.length = 0;
    server = c.server = await startEmbeddedPostgres({ dataDir: root, port, database: "survive", log });
    assert.ok(!logs.some((l) => /initialising/.test(l)), "the existing cluster is reused");
    const { rows } = await withClient(server.url, (db) => db.query(`SELECT note FROM kept WHERE id = 1`));
    assert.deepEqual(rows, [{ note: "written before the restart" }]);
    await server.stop();
    c.server = null;
  });

  test("a server orphaned by a killed owner is stopped and replaced by the next start; stop() leaves no process", async (ctx) => {
    const c = await ownCluster(ctx);
    const { root, dataDir, port, logs, log } = c;
    assert.deepEqual(processesFor(dataDir), [], "no server running before the test");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join("test", "helpers", "start-embedded-and-hang.ts"), root, String(port), "survive"],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      await waitFor("the child starting its server", () => out.includes("ready") || child.exitCode !== null, {
        timeoutMs: 60_000,
        intervalMs: 100,
        state: () => `stderr: ${err}`,
      });
      assert.match(out, /ready/, err);
      const orphan = readPid(dataDir)!;
      assert.ok(orphan && alive(orphan));
      // Data written through the server that is about to lose its owner.
      await withClient(c.url("survive"), async (db) => {
        await db.query(`CREATE TABLE kept (id int PRIMARY KEY, note text)`);
        await db.query(`INSERT INTO kept VALUES (1, 'written before the owner was killed')`);
      });

      child.kill("SIGKILL");
      await exited;
      // The owner is gone; its server is not.
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(alive(orphan), "the postgres server outlives its killed owner");
      assert.notEqual(Number(fs.readFileSync(`/proc/${orphan}/stat`, "utf8").split(") ")[1].split(" ")[1]), child.pid);
      assert.deepEqual(processesFor(dataDir), [orphan]);

      logs.length = 0;
      const server = await startEmbeddedPostgres({ dataDir: root, port, database: "survive", log });
      c.server = server;
      assert.ok(
        logs.some((l) => new RegExp(`stopping an orphaned PostgreSQL server \\(pid ${orphan}\\)`).test(l)),
        logs.join("\n"),
      );
      assert.equal(alive(orphan), false, "the orphan was stopped");
      const ours = readPid(dataDir)!;
      assert.notEqual(ours, orphan);
      const { rows } = await withClient(server.url, (db) => db.query(`SELECT note FROM kept WHERE id = 1`));
      assert.deepEqual(rows, [{ note: "written before the owner was killed" }]);

      const helpers = childrenOf(ours);
      assert.ok(helpers.length > 0, "the postmaster has its auxiliary processes");
      await server.stop();
      c.server = null;
      await waitFor("every process of the data directory ending", () => processesFor(dataDir).length === 0, {
        timeoutMs: 10_000,
        intervalMs: 100,
        state: () => `left running: ${processesFor(dataDir).join(", ")}`,
      });
      await waitFor("every backend and auxiliary process ending", () => helpers.every((p) => !alive(p)), {
        timeoutMs: 10_000,
        intervalMs: 100,
      });
      assert.equal(fs.existsSync(path.join(dataDir, "postmaster.pid")), false);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
});
