import { expect, test } from "./fixtures.ts";
import { createStudy } from "../../lib/studies/studies.ts";
import { chunkedUpload, memoryMb, pidListeningOn, resetPeak } from "../helpers/server-process.ts";
import { login, testDb, user } from "./helpers.ts";

// A body over the limit without Content-Length must be cut off while it streams: the server's
// memory stays flat (it used to buffer all of it), and the client is answered before it has sent it all.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const BASE = `http://localhost:${PORT}`;
const BODY_MB = 300;

function serverPid() {
  const pid = pidListeningOn(PORT);
  if (pid === null) throw new Error(`no process listens on port ${PORT}`);
  return pid;
}

test("a 300 MB chunked upload is refused at IMPORT_MAX_BYTES while it streams; the server's memory stays flat", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const study = await createStudy(testDb(), await user("admin"), { name: "Huge upload study" });
  await login(page, "admin");
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const pid = serverPid();
  const before = memoryMb(pid);
  resetPeak(pid);

  const r = await chunkedUpload(`${BASE}/api/studies/${study.id}/import`, {
    totalMb: BODY_MB,
    headers: { Cookie: cookie, Origin: BASE },
  });
  const peak = memoryMb(pid).peak;
  console.log(
    `import: ${r.status} after ${r.sentMb.toFixed(0)} of ${BODY_MB} MB sent; server RSS before ${before.rss.toFixed(0)} MB, peak ${peak.toFixed(0)} MB`,
  );
  expect(r.status).toBe(413);
  expect(JSON.parse(r.body).error).toMatch(
    /larger than 50 MB, the limit \(the setting IMPORT_MAX_BYTES\)\. Nothing was changed\./,
  );
  expect(peak - before.rss).toBeLessThan(BODY_MB / 2);
  expect(r.sentMb).toBeLessThan(BODY_MB);
  expect(await testDb().case.count({ where: { studyId: study.id } })).toBe(0);
});

test("a 300 MB chunked sign-in body (no session needed) is cut off at 64 KB; the server's memory stays flat", async () => {
  test.setTimeout(180_000);
  const pid = serverPid();
  const before = memoryMb(pid);
  resetPeak(pid);
  const r = await chunkedUpload(`${BASE}/api/auth/callback/credentials`, {
    totalMb: BODY_MB,
    multipart: false,
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE },
  });
  const peak = memoryMb(pid).peak;
  console.log(
    `sign-in: ${r.status} after ${r.sentMb.toFixed(0)} of ${BODY_MB} MB sent; server RSS before ${before.rss.toFixed(0)} MB, peak ${peak.toFixed(0)} MB`,
  );
  expect(r.status).toBe(413);
  expect(peak - before.rss).toBeLessThan(BODY_MB / 2);
  expect(r.sentMb).toBeLessThan(BODY_MB);
});
