// How many raters each case of a study gets: the one statement of the rule (the database's CHECK
// constraint in the first migration holds the same bounds). No imports: the forms use it too.
export const RATERS_PER_CASE = { min: 1, max: 50 } as const;

export const RATERS_PER_CASE_RULE = `must be a whole number from ${RATERS_PER_CASE.min} to ${RATERS_PER_CASE.max}.`;
