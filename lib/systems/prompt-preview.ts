import type { Actor } from "../accounts/users.ts";
import { assertAdmin } from "../accounts/access.ts";
import type { Db } from "../platform/db.ts";
import { UserInputError } from "../platform/errors.ts";
import { checkTemplate, renderPrompt } from "./llm-config.ts";

/** The prompt as the model will see it, rendered on a real case of the study. */
export async function previewPrompt(db: Db, actor: Actor, studyId: string, template: string) {
  assertAdmin(actor);
  const problem = checkTemplate(template);
  if (problem) throw new UserInputError(problem);
  const first = await db.case.findFirst({ where: { studyId }, orderBy: { position: "asc" } });
  if (!first) throw new UserInputError("Import cases first: the preview uses the study's first case.");
  return { caseSourceId: first.sourceId, prompt: renderPrompt(template, first) };
}
