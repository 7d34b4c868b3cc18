export const USERS = {
  admin: { email: "admin@e2e.secondread", name: "E2E Admin", role: "ADMIN", password: "admin-password-e2e" },
  rater: { email: "rater1@e2e.secondread", name: "E2E Rater One", role: "RATER", password: "rater1-password-e2e" },
  rater2: { email: "rater2@e2e.secondread", name: "E2E Rater Two", role: "RATER", password: "rater2-password-e2e" },
  // An admin whom access-matrix.spec.ts deactivates after signing in: a live cookie, a dead account.
  deactivated: {
    email: "deactivated@e2e.secondread",
    name: "E2E Deactivated Admin",
    role: "ADMIN",
    password: "deactivated-password-e2e",
  },
} as const;
