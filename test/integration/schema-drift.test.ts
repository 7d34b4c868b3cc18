// prisma/schema.prisma (what the generated client believes) and prisma/migrations (what the
// database really is) are written by hand side by side. This file fails when they drift apart.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { migrate, MIGRATIONS_DIR } from "../../lib/runtime/migrate.ts";
import { createEmptyDatabase, freshDb, type TestDb } from "../helpers/db.ts";

const SCHEMA = path.join(import.meta.dirname, "..", "..", "prisma", "schema.prisma");

// ---- A small parser for the parts of the Prisma schema language this project uses ----------

export type PrismaField = { name: string; type: string; optional: boolean; list: boolean; attrs: string };
export type PrismaModel = {
  name: string;
  table: string;
  /** Scalar and enum fields: the ones that are columns. Relation fields are left out. */
  fields: PrismaField[];
  id: string[];
  uniques: string[][];
  indexes: string[][];
};
export type PrismaSchema = { models: PrismaModel[]; enums: Map<string, string[]> };

const SCALARS = new Set(["String", "Int", "BigInt", "Boolean", "DateTime", "Json", "Float", "Decimal", "Bytes"]);

function stripComments(src: string) {
  // `//` and `///` comments; the schema has no string literal containing "//".
  return src.replace(/\/\/.*$/gm, "");
}

function fieldList(s: string): string[] {
  return s
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean);
}

export function parsePrismaSchema(src: string): PrismaSchema {
  const text = stripComments(src);
  const enums = new Map<string, string[]>();
  for (const m of text.matchAll(/^enum\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    enums.set(
      m[1],
      m[2]
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith("@@"))
        .map((l) => l.split(/\s+/)[0]),
    );
  }
  const blocks = [...text.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)];
  const modelNames = new Set(blocks.map((b) => b[1]));
  const models: PrismaModel[] = [];
  for (const [, name, body] of blocks) {
    const model: PrismaModel = { name, table: name, fields: [], id: [], uniques: [], indexes: [] };
    for (const raw of body.split("\n")) {
      const line = raw.trim();
      if (!line) continue;
      if (line.startsWith("@@")) {
        const attr = /^@@(\w+)\(\s*\[([^\]]*)\]/.exec(line);
        const map = /^@@map\(\s*"([^"]+)"/.exec(line);
        if (map) model.table = map[1];
        else if (!attr) throw new Error(`Unparsed model attribute in ${name}: ${line}`);
        else if (attr[1] === "id") model.id = fieldList(attr[2]);
        else if (attr[1] === "unique") model.uniques.push(fieldList(attr[2]));
        else if (attr[1] === "index") model.indexes.push(fieldList(attr[2]));
        else throw new Error(`Unknown model attribute in ${name}: ${line}`);
        continue;
      }
      const f = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
      if (!f) throw new Error(`Unparsed field line in ${name}: ${line}`);
      const [, fname, type, list, opt, attrs] = f;
      if (modelNames.has(type)) continue; // relation field: no column
      if (!SCALARS.has(type) && !enums.has(type)) throw new Error(`Field ${name}.${fname} has unknown type ${type}`);
      if (/@map\(/.test(attrs)) throw new Error(`@map is not supported by this parser (${name}.${fname})`);
      model.fields.push({ name: fname, type, optional: Boolean(opt), list: Boolean(list), attrs });
      if (/(^|\s)@id\b/.test(attrs)) model.id = [fname];
      if (/(^|\s)@unique\b/.test(attrs)) model.uniques.push([fname]);
    }
    models.push(model);
  }
  return { models, enums };
}

// ---- What the database has -------------------------------------------------------------------

type DbColumn = {
  table: string;
  column: string;
  dataType: string;
  udtName: string;
  nullable: boolean;
  datetimePrecision: number | null;
};
type DbIndex = { table: string; name: string; unique: boolean; primary: boolean; columns: string[]; partial: boolean };

async function readDatabase(c: pg.Client) {
  const tables = (
    await c.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    )
  ).rows.map((r) => r.table_name);
  const columns = (
    await c.query(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, datetime_precision
         FROM information_schema.columns WHERE table_schema = 'public'`,
    )
  ).rows.map(
    (r): DbColumn => ({
      table: r.table_name,
      column: r.column_name,
      dataType: r.data_type,
      udtName: r.udt_name,
      nullable: r.is_nullable === "YES",
      datetimePrecision: r.datetime_precision,
    }),
  );
  const enumRows = (
    await c.query<{ typname: string; enumlabel: string }>(
      `SELECT t.typname, e.enumlabel FROM pg_type t
         JOIN pg_enum e ON e.enumtypid = t.oid
         JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = 'public' ORDER BY t.typname, e.enumsortorder`,
    )
  ).rows;
  const enums = new Map<string, string[]>();
  for (const r of enumRows) enums.set(r.typname, [...(enums.get(r.typname) ?? []), r.enumlabel]);
  const indexes = (
    await c.query(
      `SELECT t.relname::text AS table, i.relname::text AS name, ix.indisunique AS unique, ix.indisprimary AS primary,
              ix.indpred IS NOT NULL AS partial,
              ARRAY(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                     ORDER BY k.ord)::text[] AS columns,
              cardinality(ix.indkey) AS nkeys
         FROM pg_index ix
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_class i ON i.oid = ix.indexrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public'`,
    )
  ).rows.map((r): DbIndex => {
    // An expression column (attnum 0) has no pg_attribute row: mark it so it never matches.
    const columns: string[] = r.columns.length === r.nkeys ? r.columns : [...r.columns, "<expression>"];
    return { table: r.table, name: r.name, unique: r.unique, primary: r.primary, columns, partial: r.partial };
  });
  return { tables, columns, enums, indexes };
}

function typeMatches(field: PrismaField, col: DbColumn, enums: Map<string, string[]>): string | null {
  const want = (() => {
    if (enums.has(field.type)) return { dataType: "USER-DEFINED", udtName: field.type };
    switch (field.type) {
      case "String":
        return { dataType: "text", udtName: "text" };
      case "Int":
        return { dataType: "integer", udtName: "int4" };
      case "BigInt":
        return { dataType: "bigint", udtName: "int8" };
      case "Boolean":
        return { dataType: "boolean", udtName: "bool" };
      case "DateTime":
        return { dataType: "timestamp without time zone", udtName: "timestamp" };
      case "Json":
        return { dataType: "jsonb", udtName: "jsonb" };
      case "Float":
        return { dataType: "double precision", udtName: "float8" };
      case "Decimal":
        return { dataType: "numeric", udtName: "numeric" };
      case "Bytes":
        return { dataType: "bytea", udtName: "bytea" };
      default:
        return null;
    }
  })();
  if (!want) return `no known column type for ${field.type}`;
  const describe = `${col.dataType} (${col.udtName})`;
  if (field.list) {
    // Arrays: data_type ARRAY, udt_name is the element type with a leading underscore.
    if (col.dataType !== "ARRAY" || col.udtName !== `_${want.udtName}`)
      return `is ${describe}, expected an array of ${want.udtName}`;
    return null;
  }
  if (col.dataType !== want.dataType || col.udtName !== want.udtName)
    return `is ${describe}, expected ${want.dataType} (${want.udtName})`;
  if (field.type === "DateTime" && col.datetimePrecision !== 3)
    return `is timestamp(${col.datetimePrecision}), expected timestamp(3)`;
  return null;
}

const sameSet = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().join("\0") === [...b].sort().join("\0");

/** Every disagreement between the Prisma schema and the database at `url`, as readable lines; [] when they agree. */
export async function schemaDifferences(
  url: string,
  schemaSource = fs.readFileSync(SCHEMA, "utf8"),
): Promise<string[]> {
  const schema = parsePrismaSchema(schemaSource);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  let actual: Awaited<ReturnType<typeof readDatabase>>;
  try {
    actual = await readDatabase(c);
  } finally {
    await c.end();
  }
  const diffs: string[] = [];
  const tables = new Set(actual.tables.filter((t) => t !== "_prisma_migrations"));
  const modelTables = new Set(schema.models.map((m) => m.table));
  for (const t of tables) if (!modelTables.has(t)) diffs.push(`table "${t}" has no model in schema.prisma`);

  for (const m of schema.models) {
    if (!tables.has(m.table)) {
      diffs.push(`model ${m.name} has no table "${m.table}"`);
      continue;
    }
    const cols = new Map(actual.columns.filter((c) => c.table === m.table).map((c) => [c.column, c]));
    for (const f of m.fields) {
      const col = cols.get(f.name);
      if (!col) {
        diffs.push(`${m.name}.${f.name} has no column "${m.table}"."${f.name}"`);
        continue;
      }
      const typeProblem = typeMatches(f, col, schema.enums);
      if (typeProblem) diffs.push(`column "${m.table}"."${f.name}" ${typeProblem} for ${f.type}${f.list ? "[]" : ""}`);
      // Prisma's own migrations create list columns nullable; the client never writes NULL to them.
      if (!f.list && col.nullable !== f.optional) {
        diffs.push(
          `column "${m.table}"."${f.name}" is ${col.nullable ? "nullable" : "NOT NULL"} but the field is ${f.optional ? "optional" : "required"}`,
        );
      }
      if (f.list && f.optional) diffs.push(`${m.name}.${f.name}: Prisma does not allow optional lists`);
    }
    const fieldNames = new Set(m.fields.map((f) => f.name));
    for (const col of cols.keys())
      if (!fieldNames.has(col)) diffs.push(`column "${m.table}"."${col}" has no field in model ${m.name}`);

    const idx = actual.indexes.filter((i) => i.table === m.table && !i.partial);
    if (m.id.length === 0) diffs.push(`model ${m.name} has no @id or @@id`);
    else if (!idx.some((i) => i.primary && sameSet(i.columns, m.id)))
      diffs.push(`table "${m.table}" has no primary key on (${m.id.join(", ")})`);
    for (const u of m.uniques) {
      if (!idx.some((i) => i.unique && !i.primary && sameSet(i.columns, u)))
        diffs.push(`table "${m.table}" has no unique index on (${u.join(", ")})`);
    }
    for (const ix of m.indexes) {
      // Same columns in the same order: a composite index only serves its leading columns.
      if (!idx.some((i) => i.columns.join("\0") === ix.join("\0")))
        diffs.push(`table "${m.table}" has no index on (${ix.join(", ")})`);
    }
    // The other way round: a unique index the schema does not know makes the client's upserts
    // and error handling wrong.
    for (const i of idx.filter((i) => i.unique && !i.primary)) {
      if (!m.uniques.some((u) => sameSet(u, i.columns)))
        diffs.push(`unique index "${i.name}" on "${m.table}" (${i.columns.join(", ")}) is not in schema.prisma`);
    }
  }

  for (const [name, values] of schema.enums) {
    const dbValues = actual.enums.get(name);
    if (!dbValues) diffs.push(`enum ${name} has no type in the database`);
    else if (dbValues.join(",") !== values.join(","))
      diffs.push(`enum ${name}: schema has [${values.join(", ")}], database has [${dbValues.join(", ")}]`);
  }
  for (const name of actual.enums.keys())
    if (!schema.enums.has(name)) diffs.push(`database enum type ${name} is not in schema.prisma`);
  return diffs;
}

// ---- Tests ---------------------------------------------------------------------------------

let t: TestDb;
before(async () => {
  t = await freshDb();
});
after(async () => {
  await t?.close();
});

test("the parser reads every model and enum of schema.prisma", () => {
  const s = parsePrismaSchema(fs.readFileSync(SCHEMA, "utf8"));
  assert.deepEqual(s.models.map((m) => m.name).sort(), [
    "AnswerRevision",
    "Assignment",
    "AuditLog",
    "Case",
    "ErrorMark",
    "Output",
    "Rating",
    "Score",
    "SignInThrottle",
    "Study",
    "StudyRater",
    "System",
    "User",
  ]);
  assert.deepEqual(s.enums.get("SystemKind"), ["REFERENCE", "RETRIEVAL", "IMPORTED", "LLAMA", "OPENAI_COMPATIBLE"]);
  assert.deepEqual(s.enums.get("SignOff"), ["ACCEPT", "MINOR_EDITS", "MAJOR_EDITS", "REJECT"]);
  assert.equal(s.enums.get("ErrorCategory")?.length, 6);
  const rating = s.models.find((m) => m.name === "Rating")!;
  assert.deepEqual(
    rating.fields.find((f) => f.name === "timeSpentMs"),
    { name: "timeSpentMs", type: "Int", optional: false, list: false, attrs: "@default(0)" },
  );
  assert.ok(!rating.fields.some((f) => f.name === "flags"), "dropped by 20261202000000_drop_rating_flags");
  assert.ok(!rating.fields.some((f) => f.name === "coherence"), "moved to Score by 20261202100000_rating_design");
  assert.equal(rating.fields.find((f) => f.name === "signOff")!.optional, true);
  assert.equal(rating.fields.find((f) => f.name === "signOff")!.type, "SignOff");
  assert.deepEqual(s.models.find((m) => m.name === "Score")!.id, ["ratingId", "criterion"]);
  assert.ok(!rating.fields.some((f) => f.name === "assignment"), "relation fields are not columns");
  assert.deepEqual(rating.uniques, [["assignmentId", "outputId"]]);
  assert.deepEqual(s.models.find((m) => m.name === "StudyRater")!.id, ["studyId", "userId"]);
  assert.deepEqual(s.models.find((m) => m.name === "AuditLog")!.indexes, [["entity", "entityId"]]);
  assert.deepEqual(s.models.find((m) => m.name === "User")!.uniques, [["email"]]);
});

test("schema.prisma and the migrated database agree", async () => {
  assert.deepEqual(await schemaDifferences(t.url), []);
});

test("the comparison reports drift: an extra column, a changed type, a lost index, a new enum value", async () => {
  const other = await createEmptyDatabase("drift");
  try {
    await migrate(other.url);
    assert.deepEqual(await schemaDifferences(other.url), [], "a fresh copy agrees before it is changed");
    const c = new pg.Client({ connectionString: other.url });
    await c.connect();
    try {
      await c.query(`ALTER TABLE "Case" ADD COLUMN "extra" text`);
      assert.deepEqual(await schemaDifferences(other.url), [`column "Case"."extra" has no field in model Case`]);
      await c.query(`ALTER TABLE "Study" ALTER COLUMN "adminNotes" DROP NOT NULL`);
      await c.query(`ALTER TABLE "Output" ALTER COLUMN "createdAt" TYPE timestamptz(3)`);
      await c.query(`DROP INDEX "Assignment_raterId_idx"`);
      await c.query(`DROP INDEX "Case_studyId_position_key"`);
      await c.query(`ALTER TYPE "Role" ADD VALUE 'OWNER'`);
      await c.query(`CREATE TABLE "Stray" (id text PRIMARY KEY)`);
    } finally {
      await c.end();
    }
    const diffs = await schemaDifferences(other.url);
    const expect = [
      /"Case"\."extra" has no field/,
      /"Study"\."adminNotes" is nullable but the field is required/,
      /"Output"\."createdAt" is timestamp with time zone/,
      /"Assignment" has no index on \(raterId\)/,
      /"Case" has no unique index on \(studyId, position\)/,
      /enum Role: schema has \[ADMIN, RATER\], database has \[ADMIN, RATER, OWNER\]/,
      /table "Stray" has no model/,
    ];
    for (const re of expect)
      assert.ok(
        diffs.some((d) => re.test(d)),
        `expected a difference matching ${re}; got:\n${diffs.join("\n")}`,
      );
    assert.equal(diffs.length, expect.length, diffs.join("\n"));
  } finally {
    await other.drop();
  }
});

test("the comparison reports a schema.prisma change the migrations lack", async () => {
  const src = fs.readFileSync(SCHEMA, "utf8");
  const edited = src
    .replace(/(model Study \{[^}]*?)(\n\s*createdAt)/, "$1\n  archived Boolean @default(false)$2")
    .replace('comment           String     @default("")', "comment           String?")
    .replace("  REFERENCE\n", "  REFERENCE\n  HUMAN\n");
  assert.notEqual(edited, src);
  const diffs = await schemaDifferences(t.url, edited);
  assert.ok(diffs.includes(`Study.archived has no column "Study"."archived"`), diffs.join("\n"));
  assert.ok(
    diffs.some((d) => /"Rating"\."comment" is NOT NULL but the field is optional/.test(d)),
    diffs.join("\n"),
  );
  assert.ok(
    diffs.some((d) => /enum SystemKind: schema has \[REFERENCE, HUMAN/.test(d)),
    diffs.join("\n"),
  );
});

test("_prisma_migrations: one finished row per migration folder, with the sha256 of its migration.sql", async () => {
  const folders = fs
    .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  assert.ok(folders.length >= 1);
  const c = new pg.Client({ connectionString: t.url });
  await c.connect();
  try {
    const { rows } = await c.query(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    assert.deepEqual(
      rows.map((r) => r.migration_name),
      folders,
    );
    for (const r of rows) {
      const sql = fs.readFileSync(path.join(MIGRATIONS_DIR, r.migration_name, "migration.sql"));
      assert.equal(r.checksum, createHash("sha256").update(sql).digest("hex"), r.migration_name);
      assert.ok(r.finished_at instanceof Date, `${r.migration_name} has finished_at`);
      assert.equal(r.rolled_back_at, null);
    }
  } finally {
    await c.end();
  }
});

test("migrating an up-to-date database again applies nothing and changes nothing", async () => {
  const logs: string[] = [];
  assert.deepEqual(await migrate(t.url, { log: (l) => logs.push(l) }), []);
  assert.deepEqual(logs, []);
  const c = new pg.Client({ connectionString: t.url });
  await c.connect();
  try {
    const { rows } = await c.query(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    assert.equal(
      rows[0].n,
      fs.readdirSync(MIGRATIONS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).length,
    );
  } finally {
    await c.end();
  }
  assert.deepEqual(await schemaDifferences(t.url), []);
});
