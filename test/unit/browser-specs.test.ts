// Browser specs take `test` from test/browser/fixtures.ts, which fails a test on any CSP violation.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";

test("every browser spec imports test/expect from ./fixtures.ts, not @playwright/test", () => {
  const dir = path.resolve(import.meta.dirname, "..", "browser");
  const specs = fs.readdirSync(dir).filter((f) => f.endsWith(".spec.ts"));
  assert.ok(specs.length >= 6);
  const direct = specs.filter((f) =>
    /from\s+["']@playwright\/test["']/.test(fs.readFileSync(path.join(dir, f), "utf8")),
  );
  assert.deepEqual(direct, []);
});
