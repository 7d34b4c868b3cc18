// A study's rating design: what raters answer for each candidate. Stored as Study.design (JSON),
// checked by this schema on the way in and on the way out; the database locks it once a rating
// exists (migration 20261202100000_rating_design), because a changed question would change what
// every saved answer means.
import { z } from "zod";
import { UserInputError } from "../platform/errors.ts";
import { type Criterion, MAX_CRITERIA, MAX_POINTS, MIN_POINTS, PAPER_CRITERIA } from "./criteria.ts";
import type { Modules } from "./answer.ts";
import type { PreferenceMode } from "./preference.ts";

export * from "./criteria.ts";

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);

const criterionSchema: z.ZodType<Criterion> = z.strictObject({
  /** Where its scores are stored; never changes once made, whatever the name becomes. */
  key: z.string().regex(/^[A-Za-z0-9-]{1,40}$/, "must be 1–40 letters, digits or hyphens"),
  name: text(60).min(1, "enter a name"),
  definition: text(400),
  points: z
    .number()
    .int()
    .min(MIN_POINTS, `must be ${MIN_POINTS}–${MAX_POINTS} points`)
    .max(MAX_POINTS, `must be ${MIN_POINTS}–${MAX_POINTS} points`),
  /** Anchor words for 1 and for the top of the scale. */
  low: text(40),
  high: text(40),
});

export const designSchema = z
  .strictObject({
    scores: z
      .strictObject({
        criteria: z
          .array(criterionSchema)
          .min(1, "a study needs at least one criterion")
          .max(MAX_CRITERIA, `a study has at most ${MAX_CRITERIA} criteria`)
          .superRefine((list, ctx) => {
            const seen = new Set<string>();
            for (const [i, c] of list.entries()) {
              const name = c.name.toLowerCase();
              if (seen.has(name))
                ctx.addIssue({ code: "custom", path: [i, "name"], message: `"${c.name}" is used twice` });
              seen.add(name);
            }
            if (new Set(list.map((c) => c.key)).size !== list.length)
              ctx.addIssue({ code: "custom", message: "two criteria share a key" });
          }),
      })
      .optional(),
    /** Clinical errors in ReXVal's six categories (clinical-errors.ts); nothing to configure. */
    errors: z.strictObject({}).optional(),
    /** Sign-off (sign-off.ts): as it is, minor edits, major edits, or not at all; nothing to configure. */
    signOff: z.strictObject({}).optional(),
    /** Preference between the candidates of a case (preference.ts): the best one, or a ranking. */
    preference: z
      .strictObject({ mode: z.enum(["BEST", "RANK"] satisfies PreferenceMode[], "must be BEST or RANK") })
      .optional(),
    /**
     * Candidates of a case with the same text are shown once, their answer given to each system
     * (assignment.ts mergeIdenticalTexts). Designs stored before this option have it off.
     */
    mergeIdentical: z.boolean().optional(),
  })
  .refine((d) => d.scores || d.errors || d.signOff || d.preference, {
    message: "a study asks at least one thing: turn on a module",
  });
export type Design = z.infer<typeof designSchema>;

/** The criteria raters score (none when the scores module is off). */
export const criteriaOf = (d: Design): Criterion[] => d.scores?.criteria ?? [];

/** Which modules a design turns on, for the rater's page and the results. */
export const modulesOf = (d: Design): Modules => ({
  scores: d.scores !== undefined,
  errors: d.errors !== undefined,
  signOff: d.signOff !== undefined,
  preference: d.preference?.mode ?? null,
});

export const defaultDesign = (): Design => ({
  scores: { criteria: PAPER_CRITERIA.map((c) => ({ ...c })) },
  mergeIdentical: true,
});

/** A stored design, checked: a row that does not fit is a bug worth stopping for, named by its study. */
export function readDesign(json: unknown, studyName: string): Design {
  const parsed = designSchema.safeParse(json);
  if (!parsed.success) throw new Error(`Study "${studyName}": its stored rating design does not fit the schema.`);
  return parsed.data;
}

/** A design as the admin submitted it: every wrong field named ("Criterion 2, name: enter a name."). */
export function checkDesign(input: unknown): Design {
  const parsed = designSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const where = (path: PropertyKey[]) => {
    const [module, , n, field] = path;
    if (module === undefined) return "Rating design";
    if (module !== "scores") return `Rating design, ${String(module)}`;
    if (typeof n !== "number") return "Criteria";
    return `Criterion ${n + 1}${field === undefined ? "" : `, ${String(field)}`}`;
  };
  throw new UserInputError(parsed.error.issues.map((i) => `${where(i.path)}: ${i.message}.`).join(" "));
}

/** A key for a new criterion: from its name, unlike every key already used. */
export function newCriterionKey(name: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base =
    name
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "") // accents go, letters stay
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 34) || "criterion";
  let key = base;
  for (let i = 2; used.has(key); i++) key = `${base}-${i}`;
  return key;
}

/** A submitted design whose new criteria come without a key: each gets one from its name. */
export function keysForNewCriteria(input: unknown): unknown {
  const criteria = (input as { scores?: { criteria?: unknown } } | null)?.scores?.criteria;
  if (!Array.isArray(criteria)) return input;
  const taken = criteria.flatMap((c) => (typeof c?.key === "string" && c.key ? [c.key] : []));
  const keyed = criteria.map((c) => {
    if (typeof c !== "object" || c === null || (typeof c.key === "string" && c.key)) return c;
    const key = newCriterionKey(typeof c.name === "string" ? c.name : "", taken);
    taken.push(key);
    return { ...c, key };
  });
  return { ...(input as object), scores: { ...(input as { scores: object }).scores, criteria: keyed } };
}
