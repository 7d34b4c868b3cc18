import "server-only";
import { UserInputError } from "../platform/errors.ts";
import type { FileInput } from "../platform/validation.ts";

type FieldValue = string | FileInput;
/** A form as plain values for a zod schema: a repeated name becomes a list, a file its bytes. */
export type Fields = Record<string, FieldValue | FieldValue[]>;

/** The one place FormData is read. An empty file input counts as not given; a file over the limit is refused. */
export async function formFields(form: FormData, maxFileBytes = 0): Promise<Fields> {
  // A Map, not an object: a field named "__proto__" or "constructor" is just a field.
  const fields = new Map<string, FieldValue | FieldValue[]>();
  for (const [name, entry] of form.entries()) {
    let value: FieldValue;
    if (typeof entry === "string") value = entry;
    else {
      if (entry.size === 0) continue;
      if (maxFileBytes === 0) throw new UserInputError("This form takes no files; nothing was changed.");
      if (entry.size > maxFileBytes)
        throw new UserInputError(
          `The file is ${(entry.size / 1048576).toFixed(1)} MB; the limit is ${(maxFileBytes / 1048576).toFixed(0)} MB (the setting IMPORT_MAX_BYTES).`,
        );
      value = { bytes: new Uint8Array(await entry.arrayBuffer()), fileName: entry.name, maxBytes: maxFileBytes };
    }
    const had = fields.get(name);
    fields.set(name, had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value]);
  }
  return Object.fromEntries(fields);
}
