// The fixed train/dev/test split of the OpenI reports, used by training (models/training) and by
// evaluation (npm run eval). One rule, by uid, so a report never changes sides when the file is
// re-ordered or filtered: the first byte of sha256("openi:" + uid), mod 10 — 0 is test, 1 is dev,
// the rest train (about 80/10/10). The test split is never used for training or for choices.
import crypto from "node:crypto";
import fs from "node:fs";
import { parse } from "csv-parse/sync";
import { normalizeText } from "../../lib/platform/text.ts";

export type Split = "train" | "dev" | "test";

export function splitOf(uid: string): Split {
  const b = crypto.createHash("sha256").update(`openi:${uid}`).digest()[0]! % 10;
  return b === 0 ? "test" : b === 1 ? "dev" : "train";
}

export type Report = { uid: string; findings: string; impression: string; split: Split };

/** The reports of an OpenI-style CSV (uid, findings, impression) that have both texts. */
export function readReports(csvPath: string): Report[] {
  const rows = parse(fs.readFileSync(csvPath), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string | undefined
  >[];
  const out: Report[] = [];
  for (const r of rows) {
    const uid = (r.uid ?? "").trim();
    const findings = (r.findings ?? "").trim();
    const impression = normalizeText(r.impression ?? "");
    if (uid && findings && impression) out.push({ uid, findings, impression, split: splitOf(uid) });
  }
  return out;
}
