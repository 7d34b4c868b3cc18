// Automatic metrics for impressions against the reference: ROUGE-1/2/L F1 as the papers report
// them, and whether the key abnormality of the reference is named. `npm run eval` prints them;
// the model card records them. They are the metrics SecondRead exists to look past: a constant
// normal sentence scores well on ROUGE, so the abnormality table sits next to it.

/**
 * Tokens as the Python rouge-score package makes them (lower case, runs of a–z/0–9, everything
 * else a separator) but without its optional Porter stemmer: "effusions" and "effusion" differ here.
 */
export function rougeTokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const f1 = (overlap: number, ref: number, cand: number) =>
  overlap === 0 || ref === 0 || cand === 0 ? 0 : (2 * overlap) / (ref + cand);

function ngramCounts(tokens: string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const k = tokens.slice(i, i + n).join(" ");
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

export function rougeN(reference: string, candidate: string, n: number): number {
  const r = ngramCounts(rougeTokens(reference), n);
  const c = ngramCounts(rougeTokens(candidate), n);
  let overlap = 0;
  for (const [k, v] of c) overlap += Math.min(v, r.get(k) ?? 0);
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  return f1(overlap, total(r), total(c));
}

/** ROUGE-L F1: longest common subsequence of the whole token sequences (rouge-score's "rougeL"). */
export function rougeL(reference: string, candidate: string): number {
  const a = rougeTokens(reference);
  const b = rougeTokens(candidate);
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++)
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    prev = cur;
  }
  return f1(prev[b.length]!, a.length, b.length);
}

// ------------------------------------------------------------------ abnormalities named

/** The abnormalities the issue names, each with the words that name it in OpenI impressions. */
export const ABNORMALITIES: { name: string; pattern: RegExp }[] = [
  {
    name: "cardiomegaly",
    pattern:
      /\bcardiomegaly\b|\benlarged (heart|cardiac silhouette)\b|\b(heart|cardiac silhouette|heart size) (is |are )?(mildly |moderately |markedly )?enlarged\b/,
  },
  { name: "effusion", pattern: /\beffusions?\b/ },
  { name: "pneumothorax", pattern: /\bpneumothora(x|ces)\b/ },
  { name: "consolidation", pattern: /\bconsolidat\w*|\bairspace (disease|opacit\w*)|\bpneumonia\b/ },
  { name: "nodule", pattern: /\bnodul\w*|\bmass(es)?\b/ },
];

// A mention is negated when its sentence says so before it: "No focal consolidation, effusion or
// pneumothorax", "Cardiomegaly without effusion" (cardiomegaly named, effusion negated).
const NEGATION = /\b(no|not|without|negative for|free of|clear of|resolved|resolution of|removal of)\b/;

/** The abnormalities a text affirms (named, not negated in its sentence). */
export function abnormalitiesNamed(text: string): Set<string> {
  const found = new Set<string>();
  for (const sentence of text.toLowerCase().split(/[.;]/)) {
    for (const a of ABNORMALITIES) {
      const m = a.pattern.exec(sentence);
      if (m && !NEGATION.test(sentence.slice(0, m.index))) found.add(a.name);
    }
  }
  return found;
}

const NORMAL =
  /\b(no acute|no active|normal|negative|no (radiographic |significant )?(evidence|abnormalit(y|ies))|unremarkable|clear)\b/i;

/** A normal impression: says so, and affirms none of the abnormalities. */
export function isNormal(text: string): boolean {
  return NORMAL.test(text) && abnormalitiesNamed(text).size === 0;
}

// ------------------------------------------------------------------ a system's scores

export type EvalCase = { id: string; reference: string };
export type SystemScores = {
  n: number;
  rouge1: number;
  rouge2: number;
  rougeL: number;
  /** Per abnormality: reference cases that affirm it, and how many of those the output names. */
  named: Record<string, { cases: number; named: number }>;
  /** Outputs that affirm an abnormality the reference does not (over all cases). */
  falseMentions: number;
  /** Reference normal: how many, and how many outputs are normal too. */
  normal: { cases: number; normal: number };
};

export function scoreSystem(cases: EvalCase[], outputs: Map<string, string>): SystemScores {
  const missing = cases.filter((c) => !outputs.has(c.id));
  if (missing.length) throw new Error(`${missing.length} case(s) have no output, e.g. "${missing[0]!.id}".`);
  const s: SystemScores = {
    n: cases.length,
    rouge1: 0,
    rouge2: 0,
    rougeL: 0,
    falseMentions: 0,
    normal: { cases: 0, normal: 0 },
    named: Object.fromEntries(ABNORMALITIES.map((a) => [a.name, { cases: 0, named: 0 }])),
  };
  for (const c of cases) {
    const out = outputs.get(c.id)!;
    s.rouge1 += rougeN(c.reference, out, 1) / cases.length;
    s.rouge2 += rougeN(c.reference, out, 2) / cases.length;
    s.rougeL += rougeL(c.reference, out) / cases.length;
    const ref = abnormalitiesNamed(c.reference);
    const got = abnormalitiesNamed(out);
    for (const a of ref) {
      s.named[a]!.cases++;
      if (got.has(a)) s.named[a]!.named++;
    }
    for (const a of got) if (!ref.has(a)) s.falseMentions++;
    if (isNormal(c.reference)) {
      s.normal.cases++;
      if (isNormal(out)) s.normal.normal++;
    }
  }
  return s;
}

const pct = (a: number, b: number) => (b ? `${Math.round((100 * a) / b)}%` : "–");
const pad = (s: string, n: number) => s.padEnd(n);

/** The tables `npm run eval` prints: ROUGE like the paper's, then abnormalities named. */
export function formatTables(results: { system: string; scores: SystemScores }[]): string {
  const w = Math.max(8, ...results.map((r) => r.system.length)) + 2;
  const lines = [`${pad("System", w)}${["n", "ROUGE-1", "ROUGE-2", "ROUGE-L"].map((h) => h.padStart(9)).join("")}`];
  for (const { system, scores: s } of results) {
    lines.push(
      `${pad(system, w)}${String(s.n).padStart(9)}${[s.rouge1, s.rouge2, s.rougeL].map((v) => v.toFixed(4).padStart(9)).join("")}`,
    );
  }
  const first = results[0]?.scores;
  const heads = ABNORMALITIES.map((a) => `${a.name} (${first?.named[a.name]?.cases ?? 0})`);
  lines.push(
    "",
    `Abnormality of the reference named in the output (cases with it), normal reference → normal output, abnormalities affirmed that the reference does not:`,
  );
  lines.push(
    `${pad("System", w)}${heads.map((h) => h.padStart(h.length + 2)).join("")}  ${`normal (${first?.normal.cases ?? 0})`}  false mentions`,
  );
  for (const { system, scores: s } of results) {
    const cells = ABNORMALITIES.map((a, i) =>
      pct(s.named[a.name]!.named, s.named[a.name]!.cases).padStart(heads[i]!.length + 2),
    );
    lines.push(
      `${pad(system, w)}${cells.join("")}  ${pct(s.normal.normal, s.normal.cases).padStart(`normal (${s.normal.cases})`.length)}  ${String(s.falseMentions).padStart(14)}`,
    );
  }
  return lines.join("\n");
}
