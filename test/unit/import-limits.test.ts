// Caps on an uploaded table's shape (lib/tables/tables.ts): limits that name the row, the column
// and the setting, and key names that could reach a prototype. Big inputs: import-scale.test.ts.
import { test } from "node:test";
import { ImportFileError } from "../../lib/platform/errors.ts";
import assert from "node:assert/strict";
import { extractCases, extractOutputs, parseTable, type ImportLimits } from "../../lib/tables/tables.ts";

const MAX = 50 * 1024 * 1024;
const enc = (s: string) => new TextEncoder().encode(s);
const csv = (s: string, limits?: Partial<ImportLimits>) =>
  parseTable(enc(s), { fileName: "x.csv", maxBytes: MAX, limits });
const jsonl = (s: string, limits?: Partial<ImportLimits>) =>
  parseTable(enc(s), { fileName: "x.jsonl", maxBytes: MAX, limits });
const rejects = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof ImportFileError && message.test(e.message));

test("a row, a field and the whole table have caps; the message names the row, the column and the setting", () => {
  const long = "y".repeat(101);
  rejects(
    () => csv(`id,text\n1,a\n2,${long}\n`, { maxFieldChars: 100 }),
    /Row 2 \(near line 3\), column "text" has 101 characters; the limit is 100 \(IMPORT_MAX_FIELD_CHARS\)/,
  );
  rejects(
    () => jsonl(`{"id":1}\n{"id":2,"text":"${long}"}\n`, { maxFieldChars: 100 }),
    /Line 2, field "text" has 101 characters; the limit is 100 \(IMPORT_MAX_FIELD_CHARS\)/,
  );
  rejects(
    () => csv(`id,text\n1,a\n2,${long}\n3,b\n`, { maxRowChars: 100 }),
    /Row 2 \(from line 3\) is longer than 100 characters, the limit \(IMPORT_MAX_ROW_CHARS\)/,
  );
  rejects(
    () => jsonl(`{"id":1}\n\n{"id":2,"text":"${long}"}\n`, { maxRowChars: 100 }),
    /Line 3 is 1\d\d characters long; the limit is 100 \(IMPORT_MAX_ROW_CHARS\)/,
  );
  // An unclosed quote turns the rest of the file into one row: the message points at the quote.
  rejects(
    () => csv(`id,text\n1,a\n2,"oops\n${"3,b\n".repeat(100)}`, { maxRowChars: 100 }),
    /Row 2 \(from line 3\) is longer .* look for an unclosed quote \("\) on line 3/,
  );
  rejects(
    () => csv(`id,text\n${"1,a\n".repeat(10)}`, { maxCells: 15 }),
    /more than 15 values \(rows × columns\), the limit \(IMPORT_MAX_CELLS\); it was reached at row 8 \(near line 9\)/,
  );
  rejects(
    () => jsonl(`{"a":1}\n{"b":1}\n{"c":1}\n{"d":1}\n`, { maxCells: 10 }),
    /IMPORT_MAX_CELLS\); it was reached at line 4/,
  );
});

test("findings, impressions and output texts have maximum lengths; one long one refuses the file", () => {
  const table = csv(`uid,findings,impression\n1,a,b\n7,${"f".repeat(20_001)},c\n`);
  rejects(
    () => extractCases(table, { sourceId: "uid", findings: "findings", impression: "impression" }),
    /Row 2 \(id "7"\): the findings text has 20,001 characters; the limit is 20,000 \(IMPORT_MAX_FINDINGS_CHARS\)/,
  );
  const imp = csv(`uid,findings,impression\n1,a,${"i".repeat(5_001)}\n`);
  rejects(
    () => extractCases(imp, { sourceId: "uid", findings: "findings", impression: "impression" }),
    /Row 1 \(id "1"\): the impression has 5,001 characters; the limit is 5,000 \(IMPORT_MAX_IMPRESSION_CHARS\)/,
  );
  rejects(
    () => extractOutputs(imp, { sourceId: "uid", text: "impression" }),
    /Row 1 \(id "1"\): the output text has 5,001 characters; the limit is 5,000 \(IMPORT_MAX_IMPRESSION_CHARS\)/,
  );
  // At the limit is fine.
  const ok = csv(`uid,findings,impression\n1,${"f".repeat(20_000)},${"i".repeat(5_000)}\n`);
  assert.equal(extractCases(ok, { sourceId: "uid", findings: "findings", impression: "impression" }).cases.length, 1);
});

test("__proto__, constructor and prototype as names are refused, naming the line or column; nothing reaches a prototype", () => {
  rejects(
    () =>
      jsonl(
        '{"uid":"1","findings":"a","impression":"b"}\n{"uid":"2","__proto__":{"polluted":1},"findings":"a","impression":"b"}\n',
      ),
    /Line 2: the field name "__proto__" is not allowed/,
  );
  rejects(() => jsonl('{"uid":"1","__proto__":"x"}\n'), /Line 1: the field name "__proto__" is not allowed/);
  rejects(() => jsonl('{"uid":"1","constructor":"x"}\n'), /Line 1: the field name "constructor" is not allowed/);
  rejects(() => csv("uid,prototype\n1,a\n"), /Header column 2 is named "prototype"/);
  rejects(() => csv("uid,__proto__\n1,a\n"), /Header column 2 is named "__proto__"/);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  // Other names that objects inherit are plain data (rows own every column).
  const t = jsonl('{"uid":"1","toString":"x"}\n{"uid":"2","valueOf":"y"}\n');
  assert.deepEqual(t.rows[0], { uid: "1", toString: "x", valueOf: "" });
  assert.equal(extractOutputs(t, { sourceId: "uid", text: "valueOf" }).empty[0], 1);
});

test("the caps are settings: read from the environment, a wrong value names the setting", async () => {
  const { ConfigError, readEnv, rereadEnv } = await import("../../lib/platform/env.ts");
  const { importLimits } = await import("../../lib/tables/tables.ts");
  assert.deepEqual(importLimits(), {
    maxColumns: 200,
    maxRowChars: 1_000_000,
    maxFieldChars: 100_000,
    maxCells: 5_000_000,
    maxFindingsChars: 20_000,
    maxImpressionChars: 5_000,
  });
  assert.throws(
    () => readEnv({ IMPORT_MAX_COLUMNS: "many" }),
    (e: unknown) => e instanceof ConfigError && /IMPORT_MAX_COLUMNS/.test(e.message),
  );
  process.env.IMPORT_MAX_COLUMNS = "2";
  rereadEnv();
  try {
    rejects(() => csv("a,b,c\n1,2,3\n"), /header has 3 columns; the limit is 2 \(IMPORT_MAX_COLUMNS\)/);
  } finally {
    delete process.env.IMPORT_MAX_COLUMNS;
    rereadEnv();
  }
});

test("a JSONL value or field name with an escaped NUL (valid JSON, unstorable) is refused naming the line and field", () => {
  assert.throws(
    () => jsonl('{"uid":"1","findings":"a","impression":"b"}\n{"uid":"2","findings":"x\\u0000y","impression":"b"}\n'),
    (e) => e instanceof ImportFileError && /^Line 2, field "findings": contains a NUL character/.test(e.message),
  );
  assert.throws(
    () => jsonl('{"uid":"1","find\\u0000ings":"a","impression":"b"}\n'),
    (e) => e instanceof ImportFileError && /^Line 1, field "findings": contains a NUL/.test(e.message),
  );
});
