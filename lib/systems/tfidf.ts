// Retrieval baseline: answer each query with the impression of the most similar
// library case (TF-IDF cosine over findings). Pure; no I/O.

import { UserInputError } from "../platform/errors.ts";

export type LibraryCase = { id: string; findings: string; impression: string };

// Function words only: negations ("no", "not", "without") are kept because they
// carry most of the meaning in radiology findings.
const STOPWORDS = new Set([
  "a",
  "an",
  "and",
  "are",
  "as",
  "at",
  "be",
  "been",
  "by",
  "for",
  "from",
  "has",
  "have",
  "in",
  "is",
  "it",
  "its",
  "of",
  "on",
  "or",
  "that",
  "the",
  "there",
  "these",
  "this",
  "to",
  "was",
  "were",
  "which",
  "with",
]);

export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 1 && t !== "xxxx" && !STOPWORDS.has(t));
}

type SparseVec = Map<string, number>;

function termCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tokenize(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

// Sublinear tf × idf, L2-normalised; terms without an idf (unseen in the library) are dropped.
function weigh(counts: Map<string, number>, idf: Map<string, number>): SparseVec {
  const vec: SparseVec = new Map();
  let norm = 0;
  for (const [term, tf] of counts) {
    const w = idf.get(term);
    if (w === undefined) continue;
    const v = (1 + Math.log(tf)) * w;
    vec.set(term, v);
    norm += v * v;
  }
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (const [term, v] of vec) vec.set(term, v * inv);
  }
  return vec;
}

export class TfIdfIndex {
  // Only cases with a usable impression are indexed; positions keep library order for tie-breaks.
  private readonly docs: LibraryCase[];
  private readonly idf = new Map<string, number>();
  private readonly postings = new Map<string, { doc: number; w: number }[]>();

  constructor(library: LibraryCase[]) {
    this.docs = library.filter((c) => c.impression.trim() !== "");
    if (this.docs.length === 0) {
      throw new UserInputError(
        `Retrieval library has no usable cases (${library.length} given, none with a non-empty impression).`,
      );
    }
    const counts = this.docs.map((c) => termCounts(c.findings));
    const df = new Map<string, number>();
    for (const c of counts) for (const term of c.keys()) df.set(term, (df.get(term) ?? 0) + 1);
    const n = this.docs.length;
    for (const [term, d] of df) this.idf.set(term, Math.log((1 + n) / (1 + d)) + 1);
    counts.forEach((c, doc) => {
      for (const [term, w] of weigh(c, this.idf)) {
        let list = this.postings.get(term);
        if (!list) {
          list = [];
          this.postings.set(term, list);
        }
        list.push({ doc, w });
      }
    });
  }

  /** Null only when every indexed case is excluded. */
  nearest(findings: string, opts: { excludeId?: string } = {}): { case: LibraryCase; score: number } | null {
    const { excludeId } = opts;
    const scores = new Float64Array(this.docs.length);
    for (const [term, qw] of weigh(termCounts(findings), this.idf)) {
      for (const { doc, w } of this.postings.get(term) ?? []) scores[doc] += qw * w;
    }
    let best = -1;
    for (let i = 0; i < this.docs.length; i++) {
      if (excludeId !== undefined && this.docs[i].id === excludeId) continue;
      // Strict ">" keeps the lowest index on ties. A first eligible case with score 0
      // is the fallback when nothing shares a term: every query must still get an answer
      // so the baseline arm has no missing cells.
      if (best === -1 || scores[i] > scores[best]) best = i;
    }
    return best === -1 ? null : { case: this.docs[best], score: scores[best] };
  }
}

export function retrieveImpressions(
  queries: { id: string; findings: string }[],
  library: LibraryCase[],
  opts: { leaveOneOut: boolean },
): Map<string, { impression: string; libraryId: string; score: number }> {
  const index = new TfIdfIndex(library);
  const out = new Map<string, { impression: string; libraryId: string; score: number }>();
  for (const q of queries) {
    const hit = index.nearest(q.findings, opts.leaveOneOut ? { excludeId: q.id } : {});
    if (!hit) {
      throw new UserInputError(
        `Retrieval library is empty after leave-one-out exclusion for case "${q.id}": add other cases with impressions.`,
      );
    }
    out.set(q.id, { impression: hit.case.impression, libraryId: hit.case.id, score: hit.score });
  }
  return out;
}
