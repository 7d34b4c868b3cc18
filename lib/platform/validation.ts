// The one way input is checked: a zod schema, and on failure one UserInputError whose message
// names each field ("Email: enter a valid email address. Role: must be ADMIN or RATER.").
import type { z } from "zod";
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
