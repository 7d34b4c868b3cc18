// Expected values computed outside the code under test: test/fixtures/oracles/*.json, each made by
// the script named in its "made_by" (see that script's header for how to run it and with what).
import fs from "node:fs";
import path from "node:path";

export const ORACLES_DIR = path.resolve(import.meta.dirname, "..", "fixtures", "oracles");

// biome-ignore lint/suspicious/noExplicitAny: each fixture has its own shape; the tests read the fields they know
export function oracle(file: string): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(ORACLES_DIR, file), "utf8")) as Record<string, unknown>;
}
