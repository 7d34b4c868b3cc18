// `npm run eval` as a user runs it: the table like the paper's, the baselines, another system's
// outputs file, and clear errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const evalCli = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "scripts/eval.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
  });

test("npm run eval: model and baselines on the test split, plus an outputs file", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "eval-"));
  try {
    // uid 7, 19 and 30 are the first test-split reports; an outputs file that is perfect on them.
    const mine = path.join(tmp, "mine.csv");
    fs.writeFileSync(
      mine,
      'uid,output\n7,"Basilar atelectasis. No confluent lobar consolidation or pleural effusion."\n19,"No acute cardiopulmonary process."\n30,"Negative acute cardiopulmonary abnormality."\n',
    );
    const out = path.join(tmp, "outputs.csv");
    const r = evalCli("--limit", "3", "--system", `perfect=${mine}`, "--out", out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /split test: 3 cases/);
    for (const name of ["radiology-mini", "constant normal", "TF-IDF retrieval", "copy findings"])
      assert.match(r.stdout, new RegExp(`${name}\\s+3\\s+0\\.\\d{4}`));
    assert.match(r.stdout, /perfect\s+3\s+1\.0000\s+1\.0000\s+1\.0000/);
    assert.match(r.stdout, /stopped by itself \(EOS\) in 3 of 3 cases/);
    assert.equal(fs.readFileSync(out, "utf8").trim().split("\n").length, 1 + 3 * 5);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test("npm run eval: a missing output or a bad option is a clear error", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "eval-"));
  try {
    const partial = path.join(tmp, "partial.csv");
    fs.writeFileSync(partial, "uid,output\n7,No acute disease.\n");
    const r = evalCli("--model", "none", "--limit", "3", "--system", `partial=${partial}`);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /2 case\(s\) have no output, e\.g\. "19"/);
    assert.match(evalCli("--split", "validation").stderr, /--split must be test, dev, train or all/);
    fs.writeFileSync(partial, "name,score\nx,1\n");
    assert.match(
      evalCli("--model", "none", "--system", `x=${partial}`).stderr,
      /needs a case id column \(e\.g\. uid\) and a text column/,
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
