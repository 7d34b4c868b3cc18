// Parsing and column mapping for admin uploads (cases, or outputs of an external system).
// Pure: bytes in, plain objects out. Every rejection is an ImportFileError whose message
// is shown to the admin as is, so it must say what is wrong and where.
import { CsvError, parse as parseCsv } from "csv-parse/sync";
import { env as settings } from "../platform/env.ts";
import { ImportFileError } from "../platform/errors.ts";

type TableFormat = "csv" | "jsonl";
/** rows[i] is data row i + 1 (header excluded). */
export type ParsedTable = { format: TableFormat; columns: string[]; rows: Record<string, string>[] };

/** Caps on a file's shape, so one upload cannot hold the server's memory or CPU. */
export type ImportLimits = {
  maxColumns: number;
  maxRowChars: number;
  maxFieldChars: number;
  maxCells: number;
  maxFindingsChars: number;
  maxImpressionChars: number;
};

/** The caps from the settings (lib/platform/env.ts), read at each call so a changed setting applies. */
export function importLimits(): ImportLimits {
  const env = settings();
  return {
    maxColumns: env.IMPORT_MAX_COLUMNS,
    maxRowChars: env.IMPORT_MAX_ROW_CHARS,
    maxFieldChars: env.IMPORT_MAX_FIELD_CHARS,
    maxCells: env.IMPORT_MAX_CELLS,
    maxFindingsChars: env.IMPORT_MAX_FINDINGS_CHARS,
    maxImpressionChars: env.IMPORT_MAX_IMPRESSION_CHARS,
  };
}

const MB = 1024 * 1024;
const num = (n: number) => n.toLocaleString("en-US");
// Names that mean something to JavaScript objects: as keys they could reach a prototype.
const RESERVED = new Set(["__proto__", "constructor", "prototype"]);

type ParseOptions = {
  fileName?: string;
  maxBytes: number;
  format?: TableFormat;
  limits?: Partial<ImportLimits>;
};

/** Parses in one go (scripts, tests). The server uses parseTableAsync. */
export function parseTable(bytes: Uint8Array, opts: ParseOptions): ParsedTable {
  const steps = parseSteps(bytes, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** The same parse, giving the event loop a turn every few milliseconds: other requests go on during a big upload. */
export async function parseTableAsync(bytes: Uint8Array, opts: ParseOptions): Promise<ParsedTable> {
  const steps = parseSteps(bytes, opts);
  let since = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - since > 3) {
      await new Promise((resolve) => setImmediate(resolve));
      since = performance.now();
    }
  }
}

// Each `yield` is a point where the work may pause; the parse is linear in the file's size.
function* parseSteps(bytes: Uint8Array, opts: ParseOptions): Generator<void, ParsedTable, void> {
  if (bytes.length === 0) throw new ImportFileError("The file is empty.");
  if (bytes.length > opts.maxBytes) {
    const mb = (n: number) => (n / MB).toFixed(1);
    throw new ImportFileError(`The file is ${mb(bytes.length)} MB; the limit is ${mb(opts.maxBytes)} MB.`);
  }
  const limits = { ...importLimits(), ...opts.limits };
  const text = yield* decodeUtf8(bytes);
  if (text.trim() === "") throw new ImportFileError("The file is empty (it contains only whitespace).");
  const format = opts.format ?? formatFromName(opts.fileName) ?? (text.trimStart().startsWith("{") ? "jsonl" : "csv");
  return format === "csv" ? yield* parseCsvTable(text, limits) : yield* parseJsonl(text, limits);
}

function formatFromName(fileName: string | undefined): TableFormat | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName ?? "")?.[1]?.toLowerCase();
  if (ext === "csv") return "csv";
  if (ext === "jsonl" || ext === "ndjson") return "jsonl";
  // Better to say so than to parse a spreadsheet or a tab-separated file into one odd column.
  if (ext === "tsv" || ext === "xls" || ext === "xlsx") {
    throw new ImportFileError(
      `.${ext} files are not supported; export the sheet as CSV (UTF-8, comma-separated) or JSONL.`,
    );
  }
  return undefined;
}

function* decodeUtf8(bytes: Uint8Array): Generator<void, string, void> {
  const resave = 'Re-save it as UTF-8 (e.g. "CSV UTF-8" in Excel) and upload again.';
  const utf16 = () => new ImportFileError(`The file is UTF-16 (or binary), not UTF-8. ${resave}`);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) throw utf16();
  try {
    // ignoreBOM: true keeps a BOM in the text so we strip it ourselves, visibly. Decoded a MB at a time.
    const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    const parts: string[] = [];
    for (let at = 0; at < bytes.length; at += MB) {
      const part = bytes.subarray(at, at + MB);
      if (part.includes(0)) throw utf16();
      parts.push(decoder.decode(part, { stream: true }));
      yield;
    }
    parts.push(decoder.decode());
    return parts.join("").replace(/^\uFEFF/, "");
  } catch (e) {
    if (e instanceof ImportFileError) throw e;
    // Point at the first bad byte's line: one stray "é" in 3,000 rows is otherwise hard to find.
    const lossy = new TextDecoder("utf-8").decode(bytes);
    const line = lossy.slice(0, lossy.indexOf("\uFFFD")).split("\n").length;
    throw new ImportFileError(`The file is not UTF-8 (first bad character near line ${line}). ${resave}`);
  }
}

type Piece = { start: number; end: number; line: number };
const PIECE_CHARS = 32 * 1024; // csv-parse takes ~10 ms for this much: a slice of the event loop

/**
 * Cuts the text at record ends (line breaks outside quotes) into pieces of ~32k characters,
 * refusing a record over the row limit as soon as it gets there (an unclosed quote makes one).
 * piece.line: line breaks before the piece, counted as csv-parse counts them.
 */
function* cutPieces(text: string, limits: ImportLimits, pieces: Piece[]): Generator<void, void, void> {
  let inQuote = false,
    quoteLine = 1,
    line = 1,
    recStart = 0,
    recLine = 1,
    records = 0,
    pieceStart = 0,
    pieceLine = 0,
    headerCommas = 0;
  const tooLong = () => {
    const which = records === 0 ? "The header row" : `Row ${records}`;
    const hint = inQuote ? `; if it should not be, look for an unclosed quote (") on line ${quoteLine}` : "";
    return new ImportFileError(
      `${which} (from line ${recLine}) is longer than ${num(limits.maxRowChars)} characters, the limit (IMPORT_MAX_ROW_CHARS)${hint}.`,
    );
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      inQuote = !inQuote; // "" inside a field toggles twice, so it nets out.
      if (inQuote) quoteLine = line;
    } else if (c === 44 && !inQuote && records === 0) {
      headerCommas++;
    } else if (c === 10 || c === 13) {
      const breakAt = i;
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      line++;
      if (!inQuote) {
        // Counted here so a very wide header is refused before it is parsed.
        if (records === 0 && breakAt > recStart && headerCommas + 1 > limits.maxColumns)
          throw tooManyColumns(headerCommas + 1, limits);
        if (breakAt > recStart) records++; // empty lines are skipped, not rows
        recStart = i + 1;
        recLine = line;
        if (i + 1 - pieceStart >= PIECE_CHARS) {
          pieces.push({ start: pieceStart, end: i + 1, line: pieceLine });
          pieceStart = i + 1;
          pieceLine = line - 1;
        }
      }
    } else if (i - recStart > limits.maxRowChars) throw tooLong();
    if ((i & 0xffff) === 0) yield;
  }
  if (pieceStart < text.length) pieces.push({ start: pieceStart, end: text.length, line: pieceLine });
}

function* parseCsvTable(text: string, limits: ImportLimits): Generator<void, ParsedTable, void> {
  const pieces: Piece[] = [];
  yield* cutPieces(text, limits, pieces);
  let columns: string[] | null = null;
  const rows: Record<string, string>[] = [];
  for (const piece of pieces) {
    const pieceText = text.slice(piece.start, piece.end);
    let records: string[][];
    try {
      // Field counts are checked below ourselves so the message can name the row.
      records = parseCsv(pieceText, { relax_column_count: true, skip_empty_lines: true });
    } catch (err) {
      throw csvError(err, text, piece.line);
    }
    // Line numbers only for a message: the piece is parsed again with them (less garbage meanwhile).
    const lineOf = (k: number) => () => {
      const withInfo = parseCsv(pieceText, {
        relax_column_count: true,
        skip_empty_lines: true,
        info: true,
      }) as unknown as { info: { lines: number } }[];
      return piece.line + withInfo[k].info.lines;
    };
    records.forEach((record, k) => {
      if (columns === null)
        columns = checkHeader(
          record.map((c) => c.trim()),
          limits,
        );
      else rows.push(csvRow(record, columns, rows.length + 1, lineOf(k), limits));
    });
    yield;
  }
  if (columns === null) throw new ImportFileError("The file is empty (it contains only whitespace).");
  if (rows.length === 0) throw new ImportFileError("The file has a header but no data rows.");
  return { format: "csv", columns, rows };
}

function csvRow(
  record: string[],
  columns: string[],
  row: number,
  line: () => number,
  limits: ImportLimits,
): Record<string, string> {
  if (record.length !== columns.length) {
    throw new ImportFileError(
      `Row ${row} (near line ${line()}) has ${record.length} fields but the header has ${columns.length}; ` +
        "check for an unquoted comma or a missing field.",
    );
  }
  if (row * columns.length > limits.maxCells)
    checkCells(row * columns.length, `row ${row} (near line ${line()})`, limits);
  const out: Record<string, string> = {};
  for (let j = 0; j < columns.length; j++) {
    if (record[j].length > limits.maxFieldChars)
      throw fieldTooLong(`Row ${row} (near line ${line()}), column "${columns[j]}"`, record[j].length, limits);
    out[columns[j]] = record[j]; // safe: checkHeader refused the names that reach a prototype
  }
  return out;
}

const fieldTooLong = (where: string, length: number, limits: ImportLimits) =>
  new ImportFileError(
    `${where} has ${num(length)} characters; the limit is ${num(limits.maxFieldChars)} (IMPORT_MAX_FIELD_CHARS).`,
  );

/** Rows times columns: what the parsed table costs in memory, whatever the file's size. */
function checkCells(cells: number, where: string, limits: ImportLimits) {
  if (cells > limits.maxCells) {
    throw new ImportFileError(
      `The file has more than ${num(limits.maxCells)} values (rows × columns), the limit (IMPORT_MAX_CELLS); it was reached at ${where}.`,
    );
  }
}

function csvError(err: unknown, text: string, lineOffset: number): Error {
  if (!(err instanceof CsvError)) return err instanceof Error ? err : new Error(String(err));
  const e = err as CsvError & { lines?: number };
  const line = (e.lines ?? 0) + lineOffset;
  if (e.code === "CSV_QUOTE_NOT_CLOSED") {
    // csv-parse reports the end of the file; the line where the stray quote opened is what helps.
    return new ImportFileError(`CSV is malformed near line ${openQuoteLine(text)}: unclosed quote.`);
  }
  if (e.code === "CSV_INVALID_CLOSING_QUOTE") {
    return new ImportFileError(
      `CSV is malformed near line ${line}: a quote inside a quoted field must be doubled ("").`,
    );
  }
  if (e.code === "INVALID_OPENING_QUOTE") {
    return new ImportFileError(
      `CSV is malformed near line ${line}: a field containing quotes must itself be quoted, with inner quotes doubled ("").`,
    );
  }
  return new ImportFileError(`CSV is malformed near line ${line}: ${e.message}`);
}

function openQuoteLine(text: string): number {
  let line = 1,
    inQuote = false,
    openedAt = 1;
  for (const ch of text) {
    if (ch === "\n") line++;
    else if (ch === '"') {
      inQuote = !inQuote; // "" inside a field toggles twice, so it nets out.
      if (inQuote) openedAt = line;
    }
  }
  return openedAt;
}

const tooManyColumns = (n: number, limits: ImportLimits) =>
  new ImportFileError(`The header has ${num(n)} columns; the limit is ${num(limits.maxColumns)} (IMPORT_MAX_COLUMNS).`);

function checkHeader(columns: string[], limits: ImportLimits): string[] {
  if (columns.length > limits.maxColumns) throw tooManyColumns(columns.length, limits);
  const seen = new Set<string>();
  columns.forEach((c, i) => {
    if (c === "") throw new ImportFileError(`Header column ${i + 1} has no name; every column needs one.`);
    if (RESERVED.has(c))
      throw new ImportFileError(
        `Header column ${i + 1} is named "${c}", which is not allowed as a column name; rename it.`,
      );
    if (c.length > limits.maxFieldChars) throw fieldTooLong(`Header column ${i + 1}`, c.length, limits);
    if (seen.has(c)) throw new ImportFileError(`The header names column "${c}" twice; column names must be unique.`);
    seen.add(c);
  });
  return columns;
}

function* parseJsonl(text: string, limits: ImportLimits): Generator<void, ParsedTable, void> {
  const columns: string[] = [];
  const known = new Set<string>();
  // Maps, not objects: a key is data and never reaches a prototype.
  const objects: Map<string, string>[] = [];
  let start = 0;
  for (let n = 1; start <= text.length; n++) {
    const next = text.indexOf("\n", start);
    const end = next < 0 ? text.length : next;
    const raw = text.slice(start, end);
    start = end + 1;
    const where = `Line ${n}`;
    if (raw.length > limits.maxRowChars) {
      throw new ImportFileError(
        `${where} is ${num(raw.length)} characters long; the limit is ${num(limits.maxRowChars)} (IMPORT_MAX_ROW_CHARS).`,
      );
    }
    const line = raw.trim();
    if (line === "") continue;
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
    const row = new Map<string, string>();
    for (const [key, v] of Object.entries(value)) {
      if (key.trim() === "") throw new ImportFileError(`${where} has a field with an empty name.`);
      if (RESERVED.has(key))
        throw new ImportFileError(`${where}: the field name "${key}" is not allowed; rename the field.`);
      if (typeof v === "object" && v !== null) {
        throw new ImportFileError(
          `${where}: field "${key}" is ${Array.isArray(v) ? "an array" : "an object"}; values must be text, numbers or booleans.`,
        );
      }
      const s = v === null ? "" : String(v);
      if (s.length > limits.maxFieldChars) throw fieldTooLong(`${where}, field "${key}"`, s.length, limits);
      // "\u0000" is valid JSON but no database stores it.
      if (s.includes("\u0000") || key.includes("\u0000"))
        throw new ImportFileError(
          `${where}, field "${key.replaceAll("\u0000", "")}": contains a NUL character (\\u0000); remove it.`,
        );
      row.set(key, s);
      if (!known.has(key)) {
        known.add(key);
        columns.push(key);
        if (columns.length > limits.maxColumns) {
          throw new ImportFileError(
            `${where} brings the number of distinct fields to ${num(columns.length)}; the limit is ${num(limits.maxColumns)} (IMPORT_MAX_COLUMNS).`,
          );
        }
      }
    }
    objects.push(row);
    checkCells(objects.length * columns.length, `line ${n}`, limits);
    yield; // every line: lines may be long, and the caller decides by elapsed time whether to pause
  }
  const rows: Record<string, string>[] = [];
  for (const o of objects) {
    rows.push(Object.fromEntries(columns.map((c) => [c, o.get(c) ?? ""])));
    if (rows.length % 1000 === 0) yield;
  }
  return { format: "jsonl", columns, rows };
}

// ---- Column mapping -------------------------------------------------------------------

const ID_NAMES = ["uid", "id", "case_id", "caseid", "study_id", "accession"];

function guess(columns: string[], names: string[]): string | undefined {
  const norm = (c: string) =>
    c
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, "_");
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
type CaseRow = {
  row: number;
  sourceId: string;
  findings: string;
  impression: string;
  metadata: Record<string, string>;
};
export type RowProblem = { row: number; sourceId: string; missing: ("findings" | "impression")[] };
type OutputRow = { row: number; sourceId: string; text: string };

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

/** A text over its cap refuses the whole file (all or nothing), naming the row, its id and the setting. */
function checkLength(row: number, id: string, what: string, text: string, max: number, setting: string) {
  if (text.length > max) {
    throw new ImportFileError(
      `Row ${row} (id "${id}"): the ${what} has ${num(text.length)} characters; the limit is ${num(max)} (${setting}).`,
    );
  }
}

export function extractCases(
  table: ParsedTable,
  mapping: CaseMapping,
  limits: Pick<ImportLimits, "maxFindingsChars" | "maxImpressionChars"> = importLimits(),
): { cases: CaseRow[]; incomplete: RowProblem[] } {
  requireColumns(table, [mapping.sourceId, mapping.findings, mapping.impression, ...(mapping.metadata ?? [])]);
  if (mapping.findings === mapping.impression) {
    throw new ImportFileError(
      `Findings and impression are both mapped to column "${mapping.findings}"; pick two different columns.`,
    );
  }
  const mapped = [mapping.sourceId, mapping.findings, mapping.impression];
  const metaCols = mapping.metadata ?? table.columns.filter((c) => !mapped.includes(c));
  const ids = rowIds(table, mapping.sourceId);
  const cases: CaseRow[] = [];
  const incomplete: RowProblem[] = [];
  for (const [i, r] of table.rows.entries()) {
    const findings = (r[mapping.findings] ?? "").trim();
    const impression = (r[mapping.impression] ?? "").trim();
    const missing = [...(findings ? [] : ["findings" as const]), ...(impression ? [] : ["impression" as const])];
    if (missing.length > 0) {
      incomplete.push({ row: i + 1, sourceId: ids[i], missing });
      continue;
    }
    checkLength(i + 1, ids[i], "findings text", findings, limits.maxFindingsChars, "IMPORT_MAX_FINDINGS_CHARS");
    checkLength(i + 1, ids[i], "impression", impression, limits.maxImpressionChars, "IMPORT_MAX_IMPRESSION_CHARS");
    const metadata = Object.fromEntries(metaCols.map((c) => [c, (r[c] ?? "").trim()]));
    cases.push({ row: i + 1, sourceId: ids[i], findings, impression, metadata });
  }
  return { cases, incomplete };
}

export function extractOutputs(
  table: ParsedTable,
  mapping: { sourceId: string; text: string },
  limits: Pick<ImportLimits, "maxImpressionChars"> = importLimits(),
): { outputs: OutputRow[]; empty: number[] } {
  requireColumns(table, [mapping.sourceId, mapping.text]);
  const ids = rowIds(table, mapping.sourceId);
  const outputs: OutputRow[] = [];
  const empty: number[] = [];
  for (const [i, r] of table.rows.entries()) {
    const text = (r[mapping.text] ?? "").trim();
    if (text === "") {
      empty.push(i + 1);
      continue;
    }
    checkLength(i + 1, ids[i], "output text", text, limits.maxImpressionChars, "IMPORT_MAX_IMPRESSION_CHARS");
    outputs.push({ row: i + 1, sourceId: ids[i], text });
  }
  return { outputs, empty };
}
