// The layering of docs/ARCHITECTURE.md, checked on the real source tree: lib/ in areas, each
// importing only the areas below it; app code never importing tooling or tests; no import cycle.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { areaOf, cycles, importGraph, layerViolations, type Graph } from "../helpers/import-graph.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** Lowest first: an area may import itself and the areas before it. */
const LAYERS = [
  "platform",
  "runtime",
  "accounts",
  "tables",
  "rating",
  "systems",
  "studies",
  "generation",
  "results",
  "web",
  "demo",
] as const;
const graph = importGraph(ROOT, [
  "lib",
  "app",
  "components",
  "scripts",
  "bench",
  "proxy.ts",
  "instrumentation.ts",
  "next.config.ts",
]);

test("every file of lib/ sits in an area folder, and every area is one of the documented layers", () => {
  const loose = fs.readdirSync(path.join(ROOT, "lib")).filter((f) => /\.tsx?$/.test(f));
  assert.deepEqual(loose, [], "files directly in lib/");
  const areas = [...new Set([...graph.keys()].map(areaOf).filter((a) => a !== null))].sort();
  assert.deepEqual(areas, [...LAYERS].sort());
  const doc = fs.readFileSync(path.join(ROOT, "docs/ARCHITECTURE.md"), "utf8");
  for (const area of LAYERS) assert.match(doc, new RegExp(`lib/${area}/`), `docs/ARCHITECTURE.md names lib/${area}/`);
});

test("imports go down the layers only, and the app never imports tooling or tests", () => {
  assert.ok(graph.get("lib/rating/rating.ts")?.includes("lib/rating/assignment.ts"), "the graph sees imports");
  assert.deepEqual(layerViolations(graph, LAYERS), []);
});

test("there is no import cycle", () => {
  assert.deepEqual(cycles(graph), []);
});

test("the checks find a cycle and an upward import when there is one", () => {
  const bad: Graph = new Map([
    ["lib/platform/db.ts", ["lib/rating/rating.ts"]],
    ["lib/rating/rating.ts", ["lib/platform/db.ts", "lib/generated/prisma/client.ts"]],
    ["lib/rating/criteria.ts", ["scripts/lib/evaluation.ts"]],
    ["app/page.tsx", ["scripts/lib/evaluation.ts", "lib/rating/rating.ts"]],
  ]);
  assert.deepEqual(cycles(bad), ["lib/platform/db.ts -> lib/rating/rating.ts -> lib/platform/db.ts"]);
  assert.deepEqual(layerViolations(bad, LAYERS), [
    "lib/platform/db.ts imports lib/rating/rating.ts: platform is below rating",
    "lib/rating/criteria.ts imports scripts/lib/evaluation.ts: lib/ imports only lib/",
    "app/page.tsx imports scripts/lib/evaluation.ts: the app never imports tooling or tests",
  ]);
});

test("app/ holds no database query: pages, routes and actions call lib/", () => {
  const QUERY = /\bdb\(\)\s*\.\s*(\$?\w+)\s*\.|\.\$(queryRaw|executeRaw|transaction)\b|\bprisma\./;
  const offenders = [...graph.keys()]
    .filter((f) => f.startsWith("app/"))
    .flatMap((f) =>
      fs
        .readFileSync(path.join(ROOT, f), "utf8")
        .split("\n")
        .flatMap((line, i) => (QUERY.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
  assert.deepEqual(offenders, []);
  assert.ok(QUERY.test("const u = await db().user.findMany({"), "the pattern sees a query");
});
