// Edges of the upload parser (lib/tables/tables.ts) that the mutation run found unguarded: every
// name the column guesser knows, the encodings told apart by their first bytes, line numbers with
// CRLF and blank lines, and the messages for headers and JSONL lines.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ImportFileError } from "../../lib/platform/errors.ts";
import {
  extractCases,
  guessCaseMapping,
  guessOutputMapping,
  type ImportLimits,
  parseTable,
} from "../../lib/tables/tables.ts";

const MAX = 10 * 1024 * 1024;
const enc = (s: string) => new TextEncoder().encode(s);
const parse = (b: Uint8Array, fileName = "x.csv", limits?: Partial<ImportLimits>) =>
  parseTable(b, { fileName, maxBytes: MAX, limits });
const csv = (s: string, limits?: Partial<ImportLimits>) => parse(enc(s), "x.csv", limits);
const jsonl = (s: string, limits?: Partial<ImportLimits>) => parse(enc(s), "x.jsonl", limits);
const refused = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof ImportFileError && message.test(e.message));

test("every column name the guesser knows, in its order of preference", () => {
  const one = (names: string[], pick: (c: string[]) => string | undefined) =>
    names.map((n) => [n, pick(["other", n.toUpperCase()])]);
  const ids = ["uid", "id", "case_id", "caseid", "study_id", "accession"];
  assert.deepEqual(
    one(ids, (c) => guessCaseMapping(c).sourceId),
    ids.map((n) => [n, n.toUpperCase()]),
  );
  assert.deepEqual(
    one(["findings", "finding"], (c) => guessCaseMapping(c).findings),
    [
      ["findings", "FINDINGS"],
      ["finding", "FINDING"],
    ],
  );
  const impressions = ["impression", "impressions", "reference", "reference_impression"];
  assert.deepEqual(
    one(impressions, (c) => guessCaseMapping(c).impression),
    impressions.map((n) => [n, n.toUpperCase()]),
  );
  const outputIds = [...ids, "case", "source_id"];
  assert.deepEqual(
    one(outputIds, (c) => guessOutputMapping(c).sourceId),
    outputIds.map((n) => [n, n.toUpperCase()]),
  );
  const texts = ["text", "output", "impression", "prediction", "generated"];
  assert.deepEqual(
    one(texts, (c) => guessOutputMapping(c).text),
    texts.map((n) => [n, n.toUpperCase()]),
  );
  // The list's order decides, not the file's: "uid" before "id", "findings" before "finding".
  assert.deepEqual(guessCaseMapping(["id", "finding", "reference", "uid", "findings", "impression"]), {
    sourceId: "uid",
    findings: "findings",
    impression: "impression",
  });
  assert.deepEqual(guessOutputMapping(["generated", "case", "text", "id"]), { sourceId: "id", text: "text" });
  // Spaces and hyphens, one or several, around or inside, read as one underscore.
  assert.equal(guessCaseMapping([" Study  ID "]).sourceId, " Study  ID ");
  assert.equal(guessCaseMapping(["case-id"]).sourceId, "case-id");
  assert.equal(guessCaseMapping(["Reference - Impression"]).impression, "Reference - Impression");
  assert.equal(guessCaseMapping(["caseXid"]).sourceId, undefined);
});

test("the file's first bytes: UTF-16 in either byte order is named; a stray 0xFF or 0xFE is just not UTF-8", () => {
  // Big-endian CJK text: no NUL byte to give it away, only the byte-order mark.
  const body = [...Buffer.from("中文", "utf16le").swap16()];
  refused(() => parse(new Uint8Array([0xfe, 0xff, ...body])), /UTF-16 \(or binary\), not UTF-8\. Re-save it/);
  refused(() => parse(new Uint8Array([0xff, 0x41, 0x0a, 0x31, 0x0a])), /not UTF-8 \(first bad character near line 1\)/);
  refused(() => parse(new Uint8Array([0x41, 0xfe, 0x0a, 0x31, 0x0a])), /not UTF-8 \(first bad character near line 1\)/);
  refused(() => parse(new Uint8Array([0x41, 0xff, 0x0a, 0x31, 0x0a])), /not UTF-8 \(first bad character near line 1\)/);
  refused(() => parse(new Uint8Array([0x41, 0x0a, 0xfe, 0xff, 0x0a])), /not UTF-8 \(first bad character near line 2\)/);
});

test("a character cut by the 1 MB decoding step is decoded whole; a NUL past the first megabyte is still found", () => {
  const head = "id,text\n1,";
  const pad = "a".repeat(1024 * 1024 - head.length - 1); // "é" (2 bytes) straddles the 1 MB mark
  const t = csv(`${head}${pad}é\n2,b\n`, { maxFieldChars: 2 * 1024 * 1024, maxRowChars: 2 * 1024 * 1024 });
  assert.equal(t.rows[0].text, `${pad}é`);
  assert.equal(t.rows[1].text, "b");
  const nul = new Uint8Array([...enc(`id,text\n1,${"a".repeat(1024 * 1024)}\n2,`), 0, 0x0a]);
  refused(() => parse(nul, "x.csv", { maxFieldChars: 2 * 1024 * 1024, maxRowChars: 2 * 1024 * 1024 }), /UTF-16/);
});

test("file names: the extension in any case; spreadsheets refused by name", () => {
  const t = enc('{"id":"1","text":"a"}\n');
  assert.equal(parse(t, "OUT.NDJSON").format, "jsonl");
  assert.equal(parse(t, "out.JSONL").format, "jsonl");
  assert.equal(parse(enc("id,text\n1,a\n"), "DATA.CSV").format, "csv");
  refused(() => parse(t, "sheet.xls"), /^\.xls files are not supported; export the sheet as CSV/);
  refused(() => parse(t, "sheet.XLSX"), /^\.xlsx files are not supported/);
  // A name without an extension sniffs the content.
  assert.equal(parse(t, "README").format, "jsonl");
  assert.equal(parse(enc("id,text\n1,a\n"), "csv").format, "csv");
});

test("line numbers in messages count CRLF once and skip blank lines as rows", () => {
  const long = "y".repeat(30);
  refused(
    () => csv(`id,text\r\n1,a\r\n\r\n2,${long}\r\n`, { maxRowChars: 20 }),
    /^Row 2 \(from line 4\) is longer than 20 characters, the limit \(IMPORT_MAX_ROW_CHARS\)\.$/,
  );
  refused(
    () => csv(`id,${long}\n1,a\n`, { maxRowChars: 20 }),
    /^The header row \(from line 1\) is longer than 20 characters/,
  );
  refused(() => csv("id,text\r\n1,a\r\n\r\n2,a,b\r\n"), /^Row 2 \(near line 4\) has 3 fields but the header has 2/);
  // A lone CR ends a line too.
  refused(() => csv("id,text\r1,a\r2,a,b\r"), /^Row 2 \(near line 3\) has 3 fields/);
});

test("header limits without a line break after the header; a header name over the field limit", () => {
  refused(() => csv("a,b,c", { maxColumns: 2 }), /^The header has 3 columns; the limit is 2 \(IMPORT_MAX_COLUMNS\)\.$/);
  assert.deepEqual(csv("a,b\n1,2\n", { maxColumns: 2 }).columns, ["a", "b"]);
  refused(
    () => csv(`id,${"n".repeat(11)}\n1,a\n`, { maxFieldChars: 10 }),
    /^Header column 2 has 11 characters; the limit is 10 \(IMPORT_MAX_FIELD_CHARS\)\.$/,
  );
  // Names are trimmed before they are checked.
  assert.deepEqual(csv(" id , text \n1,a\n").columns, ["id", "text"]);
  refused(() => csv("id, \n1,a\n"), /^Header column 2 has no name; every column needs one\.$/);
  refused(() => csv("id,id \n1,a\n"), /^The header names column "id" twice; column names must be unique\.$/);
});

test("CSV quote errors: each says what to do and where", () => {
  refused(
    () => csv('id,text\n1,a\n2,"a"b\n'),
    /^CSV is malformed near line 3: a quote inside a quoted field must be doubled \(""\)\.$/,
  );
  refused(
    () => csv('id,text\n1,a"b"\n'),
    /^CSV is malformed near line 2: a field containing quotes must itself be quoted, with inner quotes doubled \(""\)\.$/,
  );
  refused(() => csv('id,text\n1,a\n2,"b\n3,c\n'), /^CSV is malformed near line 3: unclosed quote\.$/);
  // A doubled quote inside a quoted field opens nothing.
  refused(() => csv('id,text\n1,"a ""b"" c"\n2,"x\n'), /near line 3: unclosed quote/);
});

test("JSONL lines: empty field names, arrays, scalars and null are named with their line", () => {
  refused(() => jsonl('{"id":1}\n{" ":2}\n'), /^Line 2 has a field with an empty name\.$/);
  refused(() => jsonl('{"id":1}\n{"":2}\n'), /^Line 2 has a field with an empty name\.$/);
  refused(
    () => jsonl('[{"id":1}]\n'),
    /^Line 1 is not a JSON object \(a JSON array is not JSONL: put one object per line\)\.$/,
  );
  refused(() => jsonl('{"id":1}\n"text"\n'), /^Line 2 is not a JSON object\.$/);
  refused(() => jsonl('{"id":1}\n\nnull\n'), /^Line 3 is not a JSON object\.$/);
  refused(() => jsonl("  42  \n"), /^Line 1 is not a JSON object\.$/);
  refused(
    () => jsonl('{"id":1,"x":{}}\n'),
    /^Line 1: field "x" is an object; values must be text, numbers or booleans\.$/,
  );
  refused(
    () => jsonl('{"id":1,"x":[]}\n'),
    /^Line 1: field "x" is an array; values must be text, numbers or booleans\.$/,
  );
  // Numbers, booleans and null are kept as text; a last line without its line break counts.
  const t = jsonl('{"id":1.5,"ok":false,"n":null}\n{"id":2}');
  assert.deepEqual(t.rows, [
    { id: "1.5", ok: "false", n: "" },
    { id: "2", ok: "", n: "" },
  ]);
});

test("extractCases: findings and impression must be two columns; metadata is every other column, trimmed", () => {
  const t = csv("uid,findings,impression,site,age\n1,f,i, A , 40 \n");
  refused(
    () => extractCases(t, { sourceId: "uid", findings: "findings", impression: "findings" }),
    /^Findings and impression are both mapped to column "findings"; pick two different columns\.$/,
  );
  assert.deepEqual(extractCases(t, { sourceId: "uid", findings: "findings", impression: "impression" }).cases, [
    { row: 1, sourceId: "1", findings: "f", impression: "i", metadata: { site: "A", age: "40" } },
  ]);
  // Without an id column the id column is not left out of the metadata: it is data like any other.
  assert.deepEqual(extractCases(t, { findings: "findings", impression: "impression" }).cases[0].metadata, {
    uid: "1",
    site: "A",
    age: "40",
  });
  assert.deepEqual(
    extractCases(t, { sourceId: "uid", findings: "findings", impression: "impression", metadata: ["age"] }).cases[0]
      .metadata,
    { age: "40" },
  );
  refused(
    () => extractCases(t, { sourceId: "uid", findings: "findings", impression: "impression", metadata: ["sex"] }),
    /^Column "sex" is not in the file\. Available columns: uid, findings, impression, site, age\.$/,
  );
});

test("each cap takes a file exactly at its value and refuses one more", () => {
  const bytes = (s: string) => parseTable(enc(s), { fileName: "x.csv", maxBytes: 4 });
  assert.equal(bytes("a\nb\n").rows.length, 1);
  refused(() => bytes("a\nbc\n"), /The file is 0\.0 MB; the limit is 0\.0 MB/);
  // Field length: a value and a header name of exactly maxFieldChars pass; one more is refused.
  assert.equal(csv("abc,x\n123,y\n", { maxFieldChars: 3 }).rows[0].abc, "123");
  refused(() => csv("abc,x\n1234,y\n", { maxFieldChars: 3 }), /Row 1 \(near line 2\), column "abc" has 4 characters/);
  refused(() => csv("abcd,x\n1,y\n", { maxFieldChars: 3 }), /Header column 1 has 4 characters/);
  assert.equal(jsonl('{"a":"123"}\n', { maxFieldChars: 3 }).rows[0].a, "123");
  refused(() => jsonl('{"a":"1234"}\n', { maxFieldChars: 3 }), /Line 1, field "a" has 4 characters/);
  // A JSONL line of exactly maxRowChars passes.
  assert.equal(jsonl('{"a":"1"}\n', { maxRowChars: 9 }).rows.length, 1);
  refused(() => jsonl('{"a":"12"}\n', { maxRowChars: 9 }), /Line 1 is 10 characters long; the limit is 9/);
  // Cells: rows × columns may reach maxCells, not pass it.
  assert.equal(csv("a,b\n1,2\n3,4\n", { maxCells: 4 }).rows.length, 2);
  refused(() => csv("a,b\n1,2\n3,4\n5,6\n", { maxCells: 4 }), /more than 4 values .* reached at row 3 \(near line 4\)/);
  assert.equal(jsonl('{"a":1,"b":2}\n{"a":3,"b":4}\n', { maxCells: 4 }).rows.length, 2);
  refused(() => jsonl('{"a":1,"b":2}\n{"a":3,"b":4}\n{"a":5}\n', { maxCells: 4 }), /reached at line 3/);
});
