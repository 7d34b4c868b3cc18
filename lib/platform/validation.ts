// The one way input is checked: a zod schema, and on failure one UserInputError whose message
// names each field ("Email: enter a valid email address. Role: must be ADMIN or RATER.").
import { z } from "zod";
import { UserInputError } from "./errors.ts";

/** Field labels as a form shows them; a field without one is named by its path ("scores.clarity"). */
export type FieldLabels = Record<string, string>;

export function inputError(error: z.ZodError, labels: FieldLabels = {}): UserInputError {
  return new UserInputError(
    error.issues
      .map((i) => {
        if (i.path.length === 0) return i.message;
        const name = labels[String(i.path[0])] ?? i.path.join(".");
        return `${name}: ${i.message}`;
      })
      .join(" "),
  );
}

/** The parsed value, or a UserInputError naming every field that is wrong. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, labels?: FieldLabels): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw inputError(parsed.error, labels);
  return parsed.data;
}

/** An uploaded file as domain functions take it (lib/web/form-fields.ts makes it from a form). */
export type FileInput = { bytes: Uint8Array; fileName?: string; maxBytes: number };

const isFileInput = (v: unknown): v is FileInput =>
  typeof v === "object" && v !== null && (v as { bytes?: unknown }).bytes instanceof Uint8Array;

export const uploadedFile = z.custom<FileInput>(isFileInput, "choose a file to upload (it is missing or empty).");

/** A form field that may be repeated (or absent): always a list. */
export const many = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]), z.array(item));

/** A text field where empty means not given. */
export const optionalText = z.preprocess((v) => (v === "" ? undefined : v), z.string().optional());
