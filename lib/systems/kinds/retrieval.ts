// The retrieval baseline: each case gets the impression of the most similar library case
// (TF-IDF cosine over findings, lib/systems/tfidf.ts), from the study's own cases (leave-one-out)
// or from a library file.
import { z } from "zod";
import type { Actor } from "../../accounts/users.ts";
import { assertAdmin } from "../../accounts/access.ts";
import type { Db } from "../../platform/db.ts";
import { UserInputError } from "../../platform/errors.ts";
import { type FileInput, parseInput, uploadedFile } from "../../platform/validation.ts";
import { extractCases, guessCaseMapping, parseTableAsync } from "../../tables/tables.ts";
import type { NewOutput } from "../outputs.ts";
import { saveSystem, sha256, studyCases, systemName } from "../save.ts";
import { type LibraryCase, retrieveImpressions } from "../tfidf.ts";
import { type KindModule, type MissingCase, storedConfig } from "./kind.ts";

const KIND = "RETRIEVAL" as const;

const retrievalConfig = z.discriminatedUnion("library", [
  z.object({
    method: z.literal("tfidf-cosine"),
    library: z.literal("file"),
    fileName: z.string().nullable(),
    sha256: z.string(),
    size: z.number(),
  }),
  z.object({
    method: z.literal("tfidf-cosine"),
    library: z.literal("study"),
    leaveOneOut: z.literal(true),
    size: z.number(),
  }),
]);
type RetrievalConfig = z.output<typeof retrievalConfig>;
const retrievalProvenance = z.object({ method: z.string() });
const retrievalOutput = z.object({
  librarySourceId: z.string(),
  cosine: z.number(),
  addedLater: z.boolean().optional(),
});

/** A retrieval library from a CSV/JSONL of reports (findings and impression columns). */
async function readLibrary(file: FileInput): Promise<LibraryCase[]> {
  const table = await parseTableAsync(file.bytes, { fileName: file.fileName, maxBytes: file.maxBytes });
  const guess = guessCaseMapping(table.columns);
  if (!guess.findings || !guess.impression)
    throw new UserInputError(
      `The library file needs findings and impression columns (it has: ${table.columns.join(", ")}).`,
    );
  const { cases: rows } = extractCases(table, {
    sourceId: guess.sourceId,
    findings: guess.findings,
    impression: guess.impression,
    metadata: [],
  });
  return rows.map((r) => ({ id: r.sourceId, findings: r.findings, impression: r.impression }));
}

const ownCases = (cases: { sourceId: string; findings: string; referenceImpression: string }[]) =>
  cases.map((c) => ({ id: c.sourceId, findings: c.findings, impression: c.referenceImpression }));

/** Each case's output: the impression of the most similar library case other than itself. */
function retrieve(cases: MissingCase[], library: LibraryCase[], addedLater?: true): NewOutput[] {
  const found = retrieveImpressions(
    cases.map((c) => ({ id: c.sourceId, findings: c.findings })),
    library,
    { leaveOneOut: true },
  );
  return cases.map((c) => {
    const hit = found.get(c.sourceId)!;
    const provenance: z.input<typeof retrievalOutput> = {
      librarySourceId: hit.libraryId,
      cosine: Number(hit.score.toFixed(4)),
      ...(addedLater ? { addedLater } : {}),
    };
    return { caseId: c.id, text: hit.impression, provenance };
  });
}

/**
 * Adds the baseline. A library case with the same source id as the query is never used, so an
 * OpenI study never retrieves its own report from the OpenI file.
 */
export async function addRetrievalSystem(
  db: Db,
  actor: Actor,
  studyId: string,
  input: { name: string; library: FileInput | null },
) {
  assertAdmin(actor);
  const name = parseInput(systemName, input.name);
  const cases = await studyCases(db, studyId);
  const library = input.library ? await readLibrary(input.library) : ownCases(cases);
  const config: RetrievalConfig = input.library
    ? {
        method: "tfidf-cosine",
        library: "file",
        fileName: input.library.fileName ?? null,
        sha256: sha256(input.library.bytes),
        size: library.length,
      }
    : { method: "tfidf-cosine", library: "study", leaveOneOut: true, size: library.length };
  const provenance: z.input<typeof retrievalProvenance> = {
    method: "TF-IDF cosine over findings, leave-one-out by source id",
  };
  return saveSystem(db, actor, studyId, { name, kind: KIND, config, provenance }, retrieve(cases, library));
}

const addFields = z.object({
  name: z.string().default(""),
  library: z.enum(["study", "file"]).default("study"),
  file: uploadedFile.optional(),
});

export const retrieval: KindModule = {
  kind: KIND,
  schemas: { config: retrievalConfig, provenance: retrievalProvenance, output: retrievalOutput },
  label: "Retrieval baseline",
  generated: false,
  adding: {
    choice: "Retrieval baseline (TF-IDF)",
    form: "library",
    defaultName: "Retrieval baseline",
    async add(db, actor, studyId, fields) {
      const { name, library, file } = parseInput(addFields, fields, {
        name: "Name",
        file: "Library file",
        library: "Case library",
      });
      if (library === "file" && !file) throw new UserInputError("Library file: choose a file to upload.");
      return addRetrievalSystem(db, actor, studyId, { name, library: library === "file" ? file! : null });
    },
  },
  completion: {
    action: "Retrieve for them",
    fileLabel: "Library file",
    // An unreadable configuration asks for the file: completing then says what is wrong.
    needsFile: (config) => retrievalConfig.safeParse(config).data?.library !== "study",
    async outputs(db, system, missing, file) {
      const config = storedConfig(retrievalConfig, system);
      if (config.library === "study") {
        // The study's cases as they are now: the new cases may be answered from each other too.
        return retrieve(missing, ownCases(await studyCases(db, system.studyId)), true);
      }
      if (!file) throw new UserInputError("Choose the library file this system was made with.");
      if (sha256(file.bytes) !== config.sha256)
        throw new UserInputError(
          `This is not the library file ${system.name} was made with (its sha256 is ${config.sha256.slice(0, 12)}…). Nothing was added.`,
        );
      return retrieve(missing, await readLibrary(file), true);
    },
  },
  // Its provenance (library case, cosine) has no column of the outputs export.
  outputFacts: () => ({}),
};
