import { test } from "node:test";
import { ImportFileError } from "../../lib/platform/errors.ts";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  extractCases,
  extractOutputs,
  guessCaseMapping,
  guessOutputMapping,
  parseTable,
  type ParsedTable,
} from "../../lib/tables/tables.ts";

const MAX = 10 * 1024 * 1024;
const OPENI = new URL("../../prisma/demo/indiana_reports.csv", import.meta.url);
const bytes = (s: string) => new TextEncoder().encode(s);
const csv = (s: string) => parseTable(bytes(s), { fileName: "x.csv", maxBytes: MAX });
const rejects = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof ImportFileError && message.test(e.message));

test("the OpenI reports import as is: 3,351 rows, 2,831 cases, 520 incomplete", () => {
  const table = parseTable(readFileSync(OPENI), { fileName: "indiana_reports.csv", maxBytes: MAX });
  assert.equal(table.format, "csv");
  assert.deepEqual(table.columns, [
    "uid",
    "MeSH",
    "Problems",
    "image",
    "indication",
    "comparison",
    "findings",
    "impression",
  ]);
  assert.equal(table.rows.length, 3351);

  const mapping = guessCaseMapping(table.columns);
  assert.deepEqual(mapping, { sourceId: "uid", findings: "findings", impression: "impression" });
  const { cases, incomplete } = extractCases(table, {
    findings: "findings",
    impression: "impression",
    sourceId: mapping.sourceId,
  });
  assert.equal(cases.length, 2831);
  assert.equal(incomplete.length, 520);
  // Checked against Python's csv module: data row 13 (uid 16) has neither, row 277 (uid 326) no impression.
  const byRow = new Map(incomplete.map((p) => [p.row, p]));
  assert.deepEqual(byRow.get(3), { row: 3, sourceId: "3", missing: ["findings"] });
  assert.deepEqual(byRow.get(13), { row: 13, sourceId: "16", missing: ["findings", "impression"] });
  assert.deepEqual(byRow.get(277), { row: 277, sourceId: "326", missing: ["impression"] });
  assert.deepEqual(byRow.get(3351), { row: 3351, sourceId: "3999", missing: ["findings"] });
  assert.equal(cases[0].sourceId, "1");
  assert.equal(cases[0].impression, "Normal chest x-XXXX.");
  assert.deepEqual(Object.keys(cases[0].metadata), ["MeSH", "Problems", "image", "indication", "comparison"]);
  // Quoted commas survive: uid 2's image field is "Chest, 2 views, frontal and lateral".
  assert.equal(cases[1].metadata.image, "Chest, 2 views, frontal and lateral");
});

test("CSV: quoted commas, newlines, doubled quotes, CRLF, blank lines", () => {
  const t = csv('id,findings,impression\r\n1,"a, b","line1\r\nline2"\r\n\r\n2,"say ""hi""",x\r\n\r\n');
  assert.equal(t.rows.length, 2);
  assert.deepEqual(t.rows[0], { id: "1", findings: "a, b", impression: "line1\r\nline2" });
  assert.equal(t.rows[1].findings, 'say "hi"');
});

test("a UTF-8 BOM is stripped, also before a quoted first header", () => {
  const bom = (s: string) => new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(s)]);
  assert.deepEqual(parseTable(bom("uid,findings\n1,a\n"), { maxBytes: MAX }).columns, ["uid", "findings"]);
  assert.deepEqual(parseTable(bom('"uid","findings"\n1,a\n'), { maxBytes: MAX }).columns, ["uid", "findings"]);
});

test("UTF-16 and Latin-1 files are rejected with a re-save hint", () => {
  const utf16 = new Uint8Array([0xff, 0xfe, ...Buffer.from("id,text\n1,a\n", "utf16le")]);
  rejects(() => parseTable(utf16, { fileName: "x.csv", maxBytes: MAX }), /UTF-16.*Re-save it as UTF-8/);
  const utf16NoBom = new Uint8Array(Buffer.from("id,text\n1,a\n", "utf16le")); // valid UTF-8, but full of NULs
  rejects(() => parseTable(utf16NoBom, { fileName: "x.csv", maxBytes: MAX }), /UTF-16/);
  const latin1 = new Uint8Array([...bytes("id,text\n1,ok\n2,"), ...Buffer.from([0x63, 0x61, 0x66, 0xe9]), 0x0a]);
  rejects(
    () => parseTable(latin1, { fileName: "x.csv", maxBytes: MAX }),
    /not UTF-8 \(first bad character near line 3\).*UTF-8/,
  );
});

test("empty and whitespace-only files are rejected", () => {
  rejects(() => parseTable(new Uint8Array(), { maxBytes: MAX }), /empty/);
  rejects(() => parseTable(bytes(" \r\n\t\n"), { maxBytes: MAX }), /empty/);
});

test("a file over the limit names its size and the limit in MB", () => {
  rejects(
    () => parseTable(new Uint8Array(3 * 1024 * 1024).fill(0x61), { maxBytes: 2 * 1024 * 1024 }),
    /3\.0 MB.*limit is 2\.0 MB/,
  );
});

test("an unclosed quote is reported at the line where it opened", () => {
  rejects(() => csv('id,text\n1,a\n2,"oops\n3,b\n4,c\n'), /CSV is malformed near line 3: unclosed quote/);
  rejects(() => csv('id,text\n1,"a"b\n'), /near line 2/);
});

test("a row with the wrong number of fields is named", () => {
  rejects(
    () => csv("id,findings,impression\n1,a,b\n2,a,b,c\n"),
    /Row 2 \(near line 3\) has 4 fields but the header has 3/,
  );
});

test("header problems: duplicate name, empty name, no data rows", () => {
  rejects(() => csv("id,text,id\n1,a,b\n"), /"id" twice/);
  rejects(() => csv("id,,text\n1,a,b\n"), /column 2 has no name/);
  rejects(() => csv("id,text\r\n"), /header but no data rows/);
});

test("format comes from opts, then the extension, then sniffing", () => {
  const jsonl = bytes('{"id":"1","text":"a"}\n');
  assert.equal(parseTable(jsonl, { maxBytes: MAX }).format, "jsonl");
  assert.equal(parseTable(jsonl, { fileName: "out.ndjson", maxBytes: MAX }).format, "jsonl");
  assert.equal(parseTable(bytes("id,text\n1,a\n"), { fileName: "data.txt", maxBytes: MAX }).format, "csv");
  rejects(
    () => parseTable(jsonl, { fileName: "x.csv", maxBytes: MAX }),
    /CSV is malformed near line 1: a field containing quotes/,
  );
  assert.equal(
    parseTable(bytes("id,text\n1,a\n"), { fileName: "x.jsonl", maxBytes: MAX, format: "csv" }).format,
    "csv",
  );
  rejects(
    () => parseTable(bytes("id\tx\n1\ta\n"), { fileName: "x.tsv", maxBytes: MAX }),
    /\.tsv files are not supported/,
  );
});

test("JSONL: union of keys in first-seen order, scalars as strings, blank lines skipped", () => {
  const t = parseTable(bytes('{"id":1,"text":"a"}\r\n\n{"id":"2","flag":true,"text":null}\n'), { maxBytes: MAX });
  assert.deepEqual(t.columns, ["id", "text", "flag"]);
  assert.deepEqual(t.rows, [
    { id: "1", text: "a", flag: "" },
    { id: "2", text: "", flag: "true" },
  ]);
});

test("JSONL: bad lines and nested values name the line", () => {
  const jl = (s: string) => parseTable(bytes(s), { fileName: "x.jsonl", maxBytes: MAX });
  rejects(() => jl('{"id":1}\n\n{"id":2\n'), /Line 3 is not valid JSON/);
  rejects(() => jl('{"id":1}\n[1,2]\n'), /Line 2 is not a JSON object/);
  rejects(() => jl('{"id":1,"tags":["a"]}\n'), /Line 1: field "tags" is an array/);
  rejects(() => jl('{"id":1,"meta":{"a":1}}\n'), /field "meta" is an object/);
});

test("guessed mappings are case-insensitive", () => {
  assert.deepEqual(guessCaseMapping(["Case ID", "FINDINGS", "Reference_Impression"]), {
    sourceId: "Case ID",
    findings: "FINDINGS",
    impression: "Reference_Impression",
  });
  assert.deepEqual(guessCaseMapping(["foo"]), { sourceId: undefined, findings: undefined, impression: undefined });
  assert.deepEqual(guessOutputMapping(["source_id", "Prediction"]), { sourceId: "source_id", text: "Prediction" });
});

const small: ParsedTable = csv("uid,findings,impression,site\n7, f , i ,A\n8,f,,B\n9,,,C\n");

test("extractCases trims, keeps metadata, reports incomplete rows, uses row numbers without an id column", () => {
  const { cases, incomplete } = extractCases(small, {
    sourceId: "uid",
    findings: "findings",
    impression: "impression",
  });
  assert.deepEqual(cases, [{ row: 1, sourceId: "7", findings: "f", impression: "i", metadata: { site: "A" } }]);
  assert.deepEqual(incomplete, [
    { row: 2, sourceId: "8", missing: ["impression"] },
    { row: 3, sourceId: "9", missing: ["findings", "impression"] },
  ]);
  const noId = extractCases(small, { findings: "findings", impression: "impression", metadata: [] });
  assert.equal(noId.cases[0].sourceId, "1");
  assert.deepEqual(noId.cases[0].metadata, {});
});

test("extractCases rejects a missing column, duplicate ids and blank ids", () => {
  rejects(
    () => extractCases(small, { sourceId: "uid", findings: "Findings", impression: "impression" }),
    /Column "Findings" is not in the file\. Available columns: uid, findings, impression, site/,
  );
  const dup = csv("uid,findings,impression\n1,a,b\n2,a,b\n1,a,b\n");
  rejects(
    () => extractCases(dup, { sourceId: "uid", findings: "findings", impression: "impression" }),
    /Id "1" appears twice: rows 1 and 3/,
  );
  const blank = csv("uid,findings,impression\n1,a,b\n  ,a,b\n");
  rejects(
    () => extractCases(blank, { sourceId: "uid", findings: "findings", impression: "impression" }),
    /Row 2 has no value in the id column "uid"/,
  );
});

test("extractOutputs returns texts, lists empty rows, rejects duplicates and missing columns", () => {
  const t = parseTable(bytes('{"case":"a","output":" x "}\n{"case":"b","output":""}\n{"case":"c","output":"y"}\n'), {
    maxBytes: MAX,
  });
  const mapping = guessOutputMapping(t.columns);
  assert.deepEqual(mapping, { sourceId: "case", text: "output" });
  assert.deepEqual(extractOutputs(t, { sourceId: "case", text: "output" }), {
    outputs: [
      { row: 1, sourceId: "a", text: "x" },
      { row: 3, sourceId: "c", text: "y" },
    ],
    empty: [2],
  });
  rejects(() => extractOutputs(t, { sourceId: "case", text: "text" }), /Column "text" is not in the file/);
  const dup = csv("id,text\nz,1\nz,2\n");
  rejects(() => extractOutputs(dup, { sourceId: "id", text: "text" }), /Id "z" appears twice: rows 1 and 2/);
});
