// A small study of its own for rating-design tests: two cases, the reference and imported systems,
// raters assigned to every case, open.
import type { Db } from "../../lib/platform/db.ts";
import { setStudyRaters } from "../../lib/rating/assignment.ts";
import type { Design } from "../../lib/rating/design.ts";
import { importCases } from "../../lib/studies/import.ts";
import { createStudy, updateDesign } from "../../lib/studies/studies.ts";
import { addImportedSystem } from "../../lib/systems/systems.ts";
import { enc, makeUser, MAX, openStudy } from "./fixtures.ts";

let made = 0;

type SystemSpec = string | { name: string; texts: [string, string] };

/**
 * The reference writes "Normal." and "Effusion."; each system named here writes "<name> one." and
 * "<name> two.", or the texts given with it.
 */
export async function designStudy(
  db: Db,
  design?: Design,
  {
    systems = ["Model"],
    raters = 1,
    perCase = raters,
  }: { systems?: SystemSpec[]; raters?: number; perCase?: number } = {},
) {
  const admin = await makeUser(db, "ADMIN");
  const people = await Promise.all(Array.from({ length: raters }, () => makeUser(db, "RATER")));
  const s = await createStudy(db, admin, { name: `Design ${++made} ${Date.now()}` });
  await importCases(db, admin, s.id, {
    bytes: enc("uid,findings,impression\n1,Findings one.,Normal.\n2,Findings two.,Effusion.\n"),
    maxBytes: MAX,
    fileName: "c.csv",
  });
  for (const spec of systems) {
    const { name, texts } = typeof spec === "string" ? { name: spec, texts: [`${spec} one.`, `${spec} two.`] } : spec;
    await addImportedSystem(db, admin, s.id, {
      name,
      file: { bytes: enc(`uid,text\n1,${texts[0]}\n2,${texts[1]}\n`), fileName: "m.csv", maxBytes: MAX },
    });
  }
  if (design) await updateDesign(db, admin, s.id, design);
  await setStudyRaters(db, admin, s.id, { raterIds: people.map((p) => p.id), ratersPerCase: perCase });
  await openStudy(db, admin, s.id);
  const assignments = await db.assignment.findMany({
    where: { raterId: people[0].id },
    orderBy: { case: { position: "asc" } },
  });
  return { admin, rater: people[0], raters: people, id: s.id, assignments };
}
