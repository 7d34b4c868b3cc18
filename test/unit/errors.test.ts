// The one error family (lib/platform/errors.ts): each member carries its HTTP status and the
// message the user is told; everything else is a 500 that reveals nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  type AppError,
  asAppError,
  BodyTooLargeError,
  errorResponse,
  ForbiddenError,
  ImportFileError,
  NotFoundError,
  NotReadyError,
  SERVER_FAULT,
  UNSTORABLE_TEXT,
  UserInputError,
} from "../../lib/platform/errors.ts";

test("each error carries its status and its message", () => {
  const cases: [AppError, number, string][] = [
    [new UserInputError("Name is required."), 400, "UserInputError"],
    [new ImportFileError("Row 3: no findings."), 400, "ImportFileError"],
    [new BodyTooLargeError("The upload is larger than 1 MB."), 413, "BodyTooLargeError"],
    [new ForbiddenError(), 403, "ForbiddenError"],
    [new NotFoundError("No such study."), 404, "NotFoundError"],
    [new NotReadyError(), 409, "NotReadyError"],
  ];
  for (const [e, status, name] of cases) {
    assert.equal(e.status, status, name);
    assert.equal(e.name, name);
    assert.equal(asAppError(e), e);
  }
  assert.ok(new ImportFileError("x") instanceof UserInputError, "an import error is bad input");
  assert.ok(new BodyTooLargeError("x") instanceof UserInputError, "so is a body over its limit");
});

test("a text PostgreSQL cannot store is bad input; any other error is the server's fault", () => {
  const nul = { meta: { driverAdapterError: { cause: { originalCode: "22021" } } } };
  const known = asAppError(nul);
  assert.ok(known instanceof UserInputError);
  assert.equal(known.message, UNSTORABLE_TEXT);
  assert.equal(asAppError(new Error("connection reset")), null);
  assert.equal(asAppError({ meta: { driverAdapterError: { cause: { originalCode: "23505" } } } }), null);
});

test("errorResponse answers with the error's status and message, and a 500 that says nothing else", async () => {
  for (const [e, status] of [
    [new UserInputError("Name is required."), 400],
    [new BodyTooLargeError("Too large."), 413],
    [new ForbiddenError(), 403],
    [new NotFoundError("No such study."), 404],
    [new NotReadyError(), 409],
  ] as const) {
    const res = errorResponse(e);
    assert.equal(res.status, status);
    assert.deepEqual(await res.json(), { error: e.message });
  }
  const logged: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => logged.push(...args);
  try {
    const res = errorResponse(new Error("password authentication failed for user secondread"));
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { error: SERVER_FAULT });
  } finally {
    console.error = original;
  }
  assert.equal(logged.length, 1, "the fault is logged on the server");
});
