// The sign-off module: would the rater sign this impression as it is, after minor edits, after
// major edits, or not at all; with the edited text, whose distance from the original measures the
// correction effort. Free of zod, so the rater's page can use it.
import type { SignOff } from "../generated/prisma/enums.ts";

export type { SignOff };

export const SIGN_OFF_LEVELS: readonly { key: SignOff; name: string; edits: boolean }[] = [
  { key: "ACCEPT", name: "Sign as it is", edits: false },
  { key: "MINOR_EDITS", name: "Sign after minor edits", edits: true },
  { key: "MAJOR_EDITS", name: "Sign after major edits", edits: true },
  { key: "REJECT", name: "Would not sign", edits: false },
];

/** Only the two edit levels keep an edited impression. */
export const keepsEdit = (level: SignOff | null) => SIGN_OFF_LEVELS.some((l) => l.key === level && l.edits);

export const MAX_EDITED_CHARS = 4000;
