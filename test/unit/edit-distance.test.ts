// Edit distances (lib/results/edit-distance.ts) against pylev and python-Levenshtein
// (test/fixtures/oracles/make_edits.py), and a few by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { charEdits, levenshtein, wordEdits } from "../../lib/results/edit-distance.ts";

const oracle = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, "..", "fixtures", "oracles", "edits.json"), "utf8"),
) as { pairs: { original: string; edited: string; words: number; chars: number }[] };

test("words and characters changed match two independent Levenshtein implementations", () => {
  assert.ok(oracle.pairs.length >= 10);
  for (const p of oracle.pairs) {
    assert.equal(wordEdits(p.original, p.edited), p.words, `words: ${JSON.stringify(p)}`);
    assert.equal(charEdits(p.original, p.edited), p.chars, `chars: ${JSON.stringify(p)}`);
    // A distance is symmetric.
    assert.equal(wordEdits(p.edited, p.original), p.words);
  }
});

test("by hand: kitten → sitting is 3; a substitution is one edit, not two; nothing from nothing is 0", () => {
  assert.equal(levenshtein([..."kitten"], [..."sitting"]), 3);
  assert.equal(levenshtein(["a", "b"], ["a", "c"]), 1);
  assert.equal(levenshtein([], []), 0);
  assert.equal(levenshtein([], ["x", "y"]), 2);
  assert.equal(wordEdits("Small  right\neffusion.", "Small left effusion."), 1, "white space is not a word");
});
