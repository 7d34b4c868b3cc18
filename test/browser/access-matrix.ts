// Who may call what: one line per page, route method and server action of app/.
// access-matrix.spec.ts fails when the app has an entry this table lacks (or the other way round),
// and when any caller gets another answer than the one written here.
//
// Answers:  200 401 403 404 …  the HTTP status (no redirect followed)
//           "login"            a redirect to /login (for actions: Next's x-action-redirect)
//           "→/path"           a redirect to a path starting with /path
//           "refused"          an action that answered 200 with { ok: false } (it said no as a value)
// Callers:  out    signed out (no cookie)
//           rater  a rater of the seeded study, acting on their own ids
//           other  another rater of that study, acting on the FIRST rater's ids (their case)
//           off    a deactivated admin whose session cookie is still live
//           admin  a study admin
// Every answer that is not 200 must leave the database as it was (checked for each call).
// fill: how dynamic segments are filled, "segment=fixture" (fixture names: see Fixture below).
// send: the request body of a state-changing entry (SEND below); every non-GET call carries Origin.
//       An ACTION is posted to the page that bundles it (from the build's manifest); fill that page's segments.
// Rows run top to bottom, callers left to right, on one seeded study: an admin call that changes
// what later rows rely on (e.g. deactivating an account) must aim at a spare fixture (spareUserId).
// To add an entry: copy a line; the failing coverage test prints a starting line for a missing one.

export type Answer = number | "login" | "refused" | `→/${string}`;
export const CALLERS = ["out", "rater", "other", "off", "admin"] as const;
export type Caller = (typeof CALLERS)[number];

/** Ids from the seeded study (test/browser/helpers.ts seedStudy); dynamic segments are filled from these. */
export type Fixture = {
  study: string; // the seeded study: cases, reference, retrieval and imported systems, rater + other assigned
  retrieval: string; // its retrieval system
  raterCase: string; // the first rater's assignment (already shown to them once)
  raterHandle: string; // a candidate handle of that assignment
  raterId: string;
  otherId: string;
  spareUserId: string; // a rater with no study, for admin actions on accounts (deactivate, reset password)
  genStudy: string; // a study without cases, with one generated (LLAMA) system
  llama: string; // that system
  session: string; // the literal "session", for next-auth's catch-all
};

/** A request body. Actions take their arguments; a { form } argument is sent as FormData, as React does. */
export type Body =
  | { json: unknown }
  | { multipart: Record<string, string | string[] | { name: string; mimeType: string; buffer: Buffer }> }
  | { args: (unknown | { form: Record<string, string | string[]> })[] };
export type Send = (f: Fixture, caller: Caller) => Body;

const csv = (caller: string) => ({
  name: "matrix.csv",
  mimeType: "text/csv",
  buffer: Buffer.from(`uid,findings,impression\nmatrix-${caller},Clear lungs.,No acute disease.\n`),
});

export const SEND = {
  importCases: ((_, c) => ({ multipart: { mode: "import", file: csv(c) } })) satisfies Send,
  addSystem: ((_, c) => ({
    multipart: { kind: "RETRIEVAL", name: `Matrix retrieval by ${c}`, library: "study" },
  })) satisfies Send,
  completeSystem: (() => ({ multipart: { note: "nothing missing" } })) satisfies Send,
  startGeneration: ((f) => ({ json: { systemId: f.llama, action: "start" } })) satisfies Send,
  promptPreview: (() => ({ json: { template: "Findings: {{findings}}\nImpression:" } })) satisfies Send,
  nextAuthSession: (() => ({ json: {} })) satisfies Send,
  createStudy: ((_, c) => ({
    args: [
      undefined,
      { form: { name: `Matrix study by ${c}`, raterInstructions: "", adminNotes: "", ratersPerCase: "1" } },
    ],
  })) satisfies Send,
  studyTexts: ((f, c) => ({
    args: [f.study, undefined, { form: { raterInstructions: `Rate carefully (${c}).`, adminNotes: `Set by ${c}` } }],
  })) satisfies Send,
  // On the study without cases: no rating can have locked its design.
  ratingDesign: ((f, c) => ({
    args: [
      f.genStudy,
      undefined,
      {
        form: {
          design: JSON.stringify({
            scores: {
              criteria: [{ key: "", name: `Set by ${c}`, definition: "", points: 4, low: "", high: "" }],
            },
          }),
        },
      },
    ],
  })) satisfies Send,
  // The study without cases, a draft: an admin opens it.
  // genStudy has no cases: no practice cases is the one valid answer there.
  practice: ((f) => ({
    args: [f.genStudy, undefined, { form: { practice: JSON.stringify({ cases: [] }) } }],
  })) satisfies Send,
  studyState: ((f) => ({ args: [f.genStudy, undefined, { form: { to: "OPEN" } }] })) satisfies Send,
  // A wrong current password: the row checks who reaches the rule, and nobody's password changes.
  changePassword: (() => ({
    args: [
      undefined,
      {
        form: {
          currentPassword: "not-the-password",
          newPassword: "matrix-new-password",
          repeatPassword: "matrix-new-password",
        },
      },
    ],
  })) satisfies Send,
  resetSparePassword: ((f) => ({ args: [f.spareUserId, undefined, { form: {} }] })) satisfies Send,
  deactivateSpare: ((f) => ({ args: [f.spareUserId, false, undefined, { form: {} }] })) satisfies Send,
  createAdminUser: ((_, c) => ({
    args: [
      undefined,
      {
        form: {
          email: `matrix-${c}@e2e.secondread`,
          name: `Made by ${c}`,
          role: "ADMIN",
          password: "matrix-password-e2e",
        },
      },
    ],
  })) satisfies Send,
  assignRaters: ((f) => ({
    args: [f.study, undefined, { form: { raterId: [f.raterId, f.otherId], ratersPerCase: "2" } }],
  })) satisfies Send,
  // The seeded study asks no preference: every caller is refused, the rater by the design (not by access).
  savePreference: ((f) => ({ args: [{ assignmentId: f.raterCase, ranks: { [f.raterHandle]: 1 } }] })) satisfies Send,
  saveRating: ((f) => ({
    args: [
      {
        assignmentId: f.raterCase,
        handle: f.raterHandle,
        scores: { understandability: 4, coherence: 4, relevance: 4, conciseness: 4, clinicalUtility: 4 },
        comment: "",
        timeSpentMs: 1000,
      },
    ],
  })) satisfies Send,
};

export type Row = { entry: string; fill: string; answers: Record<Caller, Answer>; send?: Send };
function row(
  entry: string,
  fill: string,
  out: Answer,
  rater: Answer,
  other: Answer,
  off: Answer,
  admin: Answer,
  send?: Send,
): Row {
  return { entry, fill, answers: { out, rater, other, off, admin }, send };
}

// prettier-ignore
export const MATRIX: Row[] = [
  //  entry                                                  fill                         out      rater         other         off      admin      send
  row("PAGE /", "", "login", "→/rate", "→/rate", "login", "→/admin"),
  row("PAGE /login", "", 200, "→/", "→/", 200, "→/"),
  row("PAGE /rate", "", "login", 200, 200, "login", 200),
  // Raters who have not scored yet read the instructions first (200), then go on to a case.
  row("PAGE /rate/[studyId]", "studyId=study", "login", 200, 200, "login", 404),
  row("PAGE /rate/case/[assignmentId]", "assignmentId=raterCase", "login", 200, 404, "login", 404),
  row("PAGE /account", "", "login", 200, 200, "login", 200),
  row("PAGE /admin", "", "login", 403, 403, "login", 200),
  row("PAGE /admin/users", "", "login", 403, 403, "login", 200),
  row("PAGE /admin/studies/[id]", "id=study", "login", 403, 403, "login", 200),
  row("PAGE /admin/studies/[id]/systems/[systemId]", "id=study systemId=retrieval", "login", 403, 403, "login", 200),
  row("GET /api/auth/[...nextauth]", "nextauth=session", 200, 200, 200, 200, 200),
  row("POST /api/auth/[...nextauth]", "nextauth=session", 400, 400, 400, 400, 400, SEND.nextAuthSession),
  row("GET /api/studies/[id]/export", "id=study", 401, 403, 403, 401, 200),
  row("GET /api/studies/[id]/summary", "id=study", 401, 403, 403, 401, 200),
  row("GET /api/studies/[id]/history", "id=study", 401, 403, 403, 401, 200),
  row("GET /api/studies/[id]/outputs", "id=study", 401, 403, 403, 401, 200),
  row("GET /api/studies/[id]/generation", "id=genStudy", 401, 403, 403, 401, 200),
  row("POST /api/studies/[id]/generation", "id=genStudy", 401, 403, 403, 401, 200, SEND.startGeneration),
  row("POST /api/studies/[id]/prompt-preview", "id=study", 401, 403, 403, 401, 200, SEND.promptPreview),
  row("POST /api/studies/[id]/import", "id=study", 401, 403, 403, 401, 200, SEND.importCases),
  row("POST /api/studies/[id]/systems", "id=study", 401, 403, 403, 401, 200, SEND.addSystem),
  row(
    "POST /api/studies/[id]/systems/[systemId]/outputs",
    "id=study systemId=retrieval",
    401,
    403,
    403,
    401,
    200,
    SEND.completeSystem,
  ),
  row("ACTION app/admin/actions.ts#createStudyAction", "", "login", 403, 403, "login", 200, SEND.createStudy),
  row("ACTION app/admin/actions.ts#createUserAction", "", "login", 403, 403, "login", 200, SEND.createAdminUser),
  row(
    "ACTION app/admin/actions.ts#updateStudyTextsAction",
    "id=study",
    "login",
    403,
    403,
    "login",
    200,
    SEND.studyTexts,
  ),
  row(
    "ACTION app/admin/actions.ts#updateDesignAction",
    "id=genStudy",
    "login",
    403,
    403,
    "login",
    200,
    SEND.ratingDesign,
  ),
  row("ACTION app/admin/actions.ts#setPracticeAction", "id=genStudy", "login", 403, 403, "login", 200, SEND.practice),
  row(
    "ACTION app/admin/actions.ts#setStudyStateAction",
    "id=genStudy",
    "login",
    403,
    403,
    "login",
    200,
    SEND.studyState,
  ),
  row("ACTION app/admin/actions.ts#resetPasswordAction", "", "login", 403, 403, "login", 200, SEND.resetSparePassword),
  row("ACTION app/admin/actions.ts#setUserActiveAction", "", "login", 403, 403, "login", 200, SEND.deactivateSpare),
  row(
    "ACTION app/account/actions.ts#changePasswordAction",
    "",
    "login",
    "refused",
    "refused",
    "login",
    "refused",
    SEND.changePassword,
  ),
  row("ACTION app/admin/actions.ts#assignRatersAction", "id=study", "login", 403, 403, "login", 200, SEND.assignRaters),
  row(
    "ACTION app/rate/actions.ts#saveRatingAction",
    "assignmentId=raterCase",
    "login",
    200,
    "refused",
    "login",
    "refused",
    SEND.saveRating,
  ),
  row(
    "ACTION app/rate/actions.ts#savePreferenceAction",
    "assignmentId=raterCase",
    "login",
    "refused",
    "refused",
    "login",
    "refused",
    SEND.savePreference,
  ),
];
