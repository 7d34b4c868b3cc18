// Big uploads (lib/tables/tables.ts): a hundred thousand columns refused at once, parsing linear in
// the columns, a 200,000-row file parsed in pieces while other work goes on. Kept apart from the
// caps' messages (import-limits.test.ts) because they are slow: mutation runs take them last.
import { test } from "node:test";
import { ImportFileError } from "../../lib/platform/errors.ts";
import assert from "node:assert/strict";
import { parseTable, parseTableAsync, type ImportLimits } from "../../lib/tables/tables.ts";

const MAX = 50 * 1024 * 1024;
const enc = (s: string) => new TextEncoder().encode(s);
const csv = (s: string, limits?: Partial<ImportLimits>) =>
  parseTable(enc(s), { fileName: "x.csv", maxBytes: MAX, limits });
const jsonl = (s: string, limits?: Partial<ImportLimits>) =>
  parseTable(enc(s), { fileName: "x.jsonl", maxBytes: MAX, limits });
const rejects = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof ImportFileError && message.test(e.message));

const wide = (n: number) => {
  const cols = Array.from({ length: n }, (_, i) => `c${i}`);
  return `${cols.join(",")}\n${cols.map(() => "x").join(",")}\n`;
};
// `npm run mutation` runs this file on code instrumented with every mutant at once (StrykerJS's
// global is there): its times say nothing about the shipped code, so only the results are checked.
const timed = !("__stryker__" in globalThis);
function seconds(fn: () => unknown) {
  const t = performance.now();
  fn();
  return (performance.now() - t) / 1000;
}

test("100,000 header columns are refused at once, naming the limit and the setting", () => {
  const text = wide(100_000);
  const t = performance.now();
  rejects(() => csv(text), /header has 100,000 columns; the limit is 200 \(IMPORT_MAX_COLUMNS\)/);
  if (timed) assert.ok(performance.now() - t < 1000, `refusing took ${performance.now() - t} ms`);
  rejects(
    () => jsonl(`{${Array.from({ length: 300 }, (_, i) => `"k${i}":1`).join(",")}}\n`),
    /Line 1 brings the number of distinct fields to 201; the limit is 200 \(IMPORT_MAX_COLUMNS\)/,
  );
});

test("parsing is linear in the number of columns (10x the columns: under 30x the time; the old header check was quadratic)", () => {
  const limits = { maxColumns: 1_000_000, maxRowChars: 10_000_000, maxCells: 10_000_000 };
  const small = wide(10_000),
    big = wide(100_000);
  csv(small, limits); // warm up
  const t1 = Math.min(
    seconds(() => csv(small, limits)),
    seconds(() => csv(small, limits)),
  );
  let columns = 0;
  const t10 = seconds(() => (columns = csv(big, limits).columns.length));
  assert.equal(columns, 100_000);
  if (timed)
    assert.ok(
      t10 / t1 < 30,
      `10,000 columns: ${(t1 * 1000).toFixed(1)} ms, 100,000: ${(t10 * 1000).toFixed(1)} ms (ratio ${(t10 / t1).toFixed(1)})`,
    );
});

test("a big file parses in pieces: line numbers stay right past the first piece, and the async parse gives other work a turn", async () => {
  const rows = Array.from({ length: 20_000 }, (_, i) => `${i + 1},"findings ${i}, with a comma",impression ${i}`);
  const text = `uid,findings,impression\n${rows.join("\n")}\n`;
  assert.ok(text.length > 3 * 256 * 1024);
  const table = csv(text);
  assert.equal(table.rows.length, 20_000);
  assert.deepEqual(table.rows[19_999], {
    uid: "20000",
    findings: "findings 19999, with a comma",
    impression: "impression 19999",
  });
  const broken = `uid,findings,impression\n${rows.slice(0, 15_000).join("\n")}\n15001,a,b,c\n`;
  rejects(() => csv(broken), /Row 15001 \(near line 15002\) has 4 fields but the header has 3/);
  const quote = `uid,findings,impression\n${rows.slice(0, 15_000).join("\n")}\n15001,a"b,c\n`;
  rejects(() => csv(quote), /CSV is malformed near line 15002: a field containing quotes/);

  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const many = enc(
    `uid,findings,impression\n${Array.from({ length: 200_000 }, (_, i) => `${i + 1},"f ${i}",i ${i}`).join("\n")}\n`,
  );
  const parsed = await parseTableAsync(many, { fileName: "x.csv", maxBytes: MAX });
  clearInterval(timer);
  assert.equal(parsed.rows.length, 200_000);
  assert.ok(ticks >= 3, `a 1 ms timer ran ${ticks} times during the parse`);
});
