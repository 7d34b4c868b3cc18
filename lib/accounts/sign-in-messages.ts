// What a limited sign-in answers, shared by the server (which makes the code) and the login form
// (which shows it). next-auth v4 passes a thrown error's message to the client as `error`.

export type LimitScope = "account" | "address";

const CODE = /^SignInLimited:(account|address):(\d+)$/;

export const limitedCode = (scope: LimitScope, retryAfterSeconds: number) =>
  `SignInLimited:${scope}:${retryAfterSeconds}`;

export function parseLimitedCode(
  code: string | null | undefined,
): { scope: LimitScope; retryAfterSeconds: number } | null {
  const m = CODE.exec(code ?? "");
  return m ? { scope: m[1] as LimitScope, retryAfterSeconds: Number(m[2]) } : null;
}

export function limitedMessage(scope: LimitScope, retryAfterSeconds: number): string {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  const when =
    retryAfterSeconds < 60
      ? `${retryAfterSeconds} second${retryAfterSeconds === 1 ? "" : "s"}`
      : `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const whose = scope === "account" ? "for this account" : "from your network address";
  return `Too many sign-in attempts ${whose}; try again in ${when}.`;
}

/**
 * Adds Retry-After to next-auth's answer to a limited sign-in (and makes the JSON answer, which the
 * login form uses, a 429). The answer names the error in a redirect URL: in Location, or in the
 * JSON body's `url` when the client asked for JSON.
 */
export async function withRetryAfter(res: Response): Promise<Response> {
  const location = res.headers.get("location");
  const isJson = !location && (res.headers.get("content-type") ?? "").includes("application/json");
  let url = location;
  if (isJson)
    url =
      (
        (await res
          .clone()
          .json()
          .catch(() => null)) as { url?: string } | null
      )?.url ?? null;
  if (!url) return res;
  const limited = parseLimitedCode(new URL(url, "http://x").searchParams.get("error"));
  if (!limited) return res;
  const headers = new Headers(res.headers);
  headers.set("Retry-After", String(limited.retryAfterSeconds));
  return new Response(res.body, { status: isJson ? 429 : res.status, headers });
}
