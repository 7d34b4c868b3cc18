// Parsing and column mapping for admin uploads (cases, or outputs of an external system).
// Pure: bytes in, plain objects out. Every rejection is an ImportFileError whose message
// is shown to the admin as is, so it must say what is wrong and where.
import { CsvError, parse as parseCsv } from "csv-parse/sync";

export type TableFormat = "csv" | "jsonl";
export class ImportFileError extends Error {
  override name = "ImportFileError";
}
/** rows[i] is data row i + 1 (header excluded). */
export type ParsedTable = { format: TableFormat; columns: string[]; rows: Record<string, string>[] };

const MB = 1024 * 1024;

export function parseTable(bytes: Uint8Array, opts: { fileName?: string; maxBytes: number; format?: TableFormat }): ParsedTable {
  if (bytes.length === 0) throw new ImportFileError("The file is empty.");
  if (bytes.length > opts.maxBytes) {
    const mb = (n: number) => (n / MB).toFixed(1);
    throw new ImportFileError(`The file is ${mb(bytes.length)} MB; the limit is ${mb(opts.maxBytes)} MB.`);
  }
  const text = decodeUtf8(bytes);
  if (text.trim() === "") throw new ImportFileError("The file is empty (it contains only whitespace).");
  const format = opts.format ?? formatFromName(opts.fileName) ?? (text.trimStart().startsWith("{") ? "jsonl" : "csv");
  return format === "csv" ? parseCsvTable(text) : parseJsonl(text);
}

function formatFromName(fileName: string | undefined): TableFormat | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName ?? "")?.[1]?.toLowerCase();
  if (ext === "csv") return "csv";
  if (ext === "jsonl" || ext === "ndjson") return "jsonl";
  // Better to say so than to parse a spreadsheet or a tab-separated file into one odd column.
  if (ext === "tsv" || ext === "xls" || ext === "xlsx") {
    throw new ImportFileError(`.${ext} files are not supported; export the sheet as CSV (UTF-8, comma-separated) or JSONL.`);
  }
  return undefined;
}

function decodeUtf8(bytes: Uint8Array): string {
  const resave = "Re-save it as UTF-8 (e.g. \"CSV UTF-8\" in Excel) and upload again.";
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || bytes.includes(0)) {
    throw new ImportFileError(`The file is UTF-16 (or binary), not UTF-8. ${resave}`);
  }
  try {
    // ignoreBOM: true keeps a BOM in the text so we strip it ourselves, visibly.
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    // Point at the first bad byte's line: one stray "é" in 3,000 rows is otherwise hard to find.
    const lossy = new TextDecoder("utf-8").decode(bytes);
    const line = lossy.slice(0, lossy.indexOf("\uFFFD")).split("\n").length;
    throw new ImportFileError(`The file is not UTF-8 (first bad character near line ${line}). ${resave}`);
  }
}

function parseCsvTable(text: string): ParsedTable {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // Field counts are checked below ourselves so the message can name the row.
    records = parseCsv(text, { relax_column_count: true, skip_empty_lines: true, info: true }) as never;
  } catch (err) {
    throw csvError(err, text);
  }
  const columns = checkHeader(records[0]?.record.map((c) => c.trim()) ?? []);
  if (records.length < 2) throw new ImportFileError("The file has a header but no data rows.");
  const rows = records.slice(1).map(({ record, info }, i) => {
    if (record.length !== columns.length) {
      throw new ImportFileError(
        `Row ${i + 1} (near line ${info.lines}) has ${record.length} fields but the header has ${columns.length}; ` +
          "check for an unquoted comma or a missing field.",
      );
    }
    return Object.fromEntries(columns.map((c, j) => [c, record[j]]));
  });
  return { format: "csv", columns, rows };
}

function csvError(err: unknown, text: string): Error {
  if (!(err instanceof CsvError)) return err instanceof Error ? err : new Error(String(err));
  const e = err as CsvError & { lines?: number };
  if (e.code === "CSV_QUOTE_NOT_CLOSED") {
    // csv-parse reports the end of the file; the line where the stray quote opened is what helps.
    return new ImportFileError(`CSV is malformed near line ${openQuoteLine(text)}: unclosed quote.`);
  }
  if (e.code === "CSV_INVALID_CLOSING_QUOTE") {
    return new ImportFileError(`CSV is malformed near line ${e.lines}: a quote inside a quoted field must be doubled ("").`);
  }
  if (e.code === "INVALID_OPENING_QUOTE") {
    return new ImportFileError(`CSV is malformed near line ${e.lines}: a field containing quotes must itself be quoted, with inner quotes doubled ("").`);
  }
  return new ImportFileError(`CSV is malformed near line ${e.lines}: ${e.message}`);
}

function openQuoteLine(text: string): number {
  let line = 1, inQuote = false, openedAt = 1;
  for (const ch of text) {
    if (ch === "\n") line++;
    else if (ch === '"') {
      inQuote = !inQuote; // "" inside a field toggles twice, so it nets out.
      if (inQuote) openedAt = line;
    }
  }
  return openedAt;
}

function checkHeader(columns: string[]): string[] {
  const blank = columns.findIndex((c) => c === "");
  if (blank >= 0) throw new ImportFileError(`Header column ${blank + 1} has no name; every column needs one.`);
  const dup = columns.find((c, i) => columns.indexOf(c) !== i);
  if (dup !== undefined) throw new ImportFileError(`The header names column "${dup}" twice; column names must be unique.`);
  return columns;
}

function parseJsonl(text: string): ParsedTable {
  const columns: string[] = [];
  const objects: Record<string, string>[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    const where = `Line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new ImportFileError(`${where} is not valid JSON.`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      const hint = line.startsWith("[") ? " (a JSON array is not JSONL: put one object per line)" : "";
      throw new ImportFileError(`${where} is not a JSON object${hint}.`);
    }
    const row: Record<string, string> = {};
    for (const [key, v] of Object.entries(value)) {
      if (key.trim() === "") throw new ImportFileError(`${where} has a field with an empty name.`);
      if (typeof v === "object" && v !== null) {
        throw new ImportFileError(`${where}: field "${key}" is ${Array.isArray(v) ? "an array" : "an object"}; values must be text, numbers or booleans.`);
      }
      row[key] = v === null ? "" : String(v);
      if (!columns.includes(key)) columns.push(key);
    }
    objects.push(row);
  });
  const rows = objects.map((o) => Object.fromEntries(columns.map((c) => [c, o[c] ?? ""])));
  return { format: "jsonl", columns, rows };
}

// ---- Column mapping -------------------------------------------------------------------

const ID_NAMES = ["uid", "id", "case_id", "caseid", "study_id", "accession"];

function guess(columns: string[], names: string[]): string | undefined {
  const norm = (c: string) => c.trim().toLowerCase().replace(/[\s-]+/g, "_");
  for (const name of names) {
    const hit = columns.find((c) => norm(c) === name);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

export function guessCaseMapping(columns: string[]): { sourceId?: string; findings?: string; impression?: string } {
  return {
    sourceId: guess(columns, ID_NAMES),
    findings: guess(columns, ["findings", "finding"]),
    impression: guess(columns, ["impression", "impressions", "reference", "reference_impression"]),
  };
}

export function guessOutputMapping(columns: string[]): { sourceId?: string; text?: string } {
  return {
    sourceId: guess(columns, [...ID_NAMES, "case", "source_id"]),
    text: guess(columns, ["text", "output", "impression", "prediction", "generated"]),
  };
}

/** sourceId absent: the row number is the id. metadata: extra columns kept (default: all others). */
export type CaseMapping = { sourceId?: string; findings: string; impression: string; metadata?: string[] };
export type CaseRow = { row: number; sourceId: string; findings: string; impression: string; metadata: Record<string, string> };
export type RowProblem = { row: number; sourceId: string; missing: ("findings" | "impression")[] };
export type OutputRow = { row: number; sourceId: string; text: string };

function requireColumns(table: ParsedTable, wanted: (string | undefined)[]): void {
  for (const col of wanted) {
    if (col !== undefined && !table.columns.includes(col)) {
      throw new ImportFileError(`Column "${col}" is not in the file. Available columns: ${table.columns.join(", ")}.`);
    }
  }
}

/** Row ids, checked for blanks and duplicates: a later import step keys everything on them. */
function rowIds(table: ParsedTable, idColumn: string | undefined): string[] {
  const seen = new Map<string, number>();
  return table.rows.map((r, i) => {
    const id = idColumn === undefined ? String(i + 1) : (r[idColumn] ?? "").trim();
    if (id === "") throw new ImportFileError(`Row ${i + 1} has no value in the id column "${idColumn}".`);
    const first = seen.get(id);
    if (first !== undefined) throw new ImportFileError(`Id "${id}" appears twice: rows ${first} and ${i + 1}.`);
    seen.set(id, i + 1);
    return id;
  });
}

export function extractCases(table: ParsedTable, mapping: CaseMapping): { cases: CaseRow[]; incomplete: RowProblem[] } {
  requireColumns(table, [mapping.sourceId, mapping.findings, mapping.impression, ...(mapping.metadata ?? [])]);
  if (mapping.findings === mapping.impression) {
    throw new ImportFileError(`Findings and impression are both mapped to column "${mapping.findings}"; pick two different columns.`);
  }
  const mapped = [mapping.sourceId, mapping.findings, mapping.impression];
  const metaCols = mapping.metadata ?? table.columns.filter((c) => !mapped.includes(c));
  const ids = rowIds(table, mapping.sourceId);
  const cases: CaseRow[] = [];
  const incomplete: RowProblem[] = [];
  table.rows.forEach((r, i) => {
    const findings = (r[mapping.findings] ?? "").trim();
    const impression = (r[mapping.impression] ?? "").trim();
    const missing = [...(findings ? [] : ["findings" as const]), ...(impression ? [] : ["impression" as const])];
    if (missing.length > 0) return void incomplete.push({ row: i + 1, sourceId: ids[i], missing });
    const metadata = Object.fromEntries(metaCols.map((c) => [c, (r[c] ?? "").trim()]));
    cases.push({ row: i + 1, sourceId: ids[i], findings, impression, metadata });
  });
  return { cases, incomplete };
}

export function extractOutputs(table: ParsedTable, mapping: { sourceId: string; text: string }): { outputs: OutputRow[]; empty: number[] } {
  requireColumns(table, [mapping.sourceId, mapping.text]);
  const ids = rowIds(table, mapping.sourceId);
  const outputs: OutputRow[] = [];
  const empty: number[] = [];
  table.rows.forEach((r, i) => {
    const text = (r[mapping.text] ?? "").trim();
    if (text === "") empty.push(i + 1);
    else outputs.push({ row: i + 1, sourceId: ids[i], text });
  });
  return { outputs, empty };
}
