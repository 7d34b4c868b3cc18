import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { CookiesOptions } from "next-auth";
import { decode, encode } from "next-auth/jwt";
import { cookies, headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { db } from "../platform/db.ts";
import { servedOverHttps } from "../platform/security-headers.ts";
import { endSessions, sessionUser, sessionVersionForSignIn, type SessionUser } from "./sessions.ts";
import { checkCredentials, EMAIL_MAX, PASSWORD_MAX } from "./users.ts";
import { clientAddress } from "../platform/client-address.ts";
import { env, required } from "../platform/env.ts";
import { limitedSignIn, SignInLimited } from "./sign-in-throttle.ts";

const SESSION_MAX_AGE = 12 * 60 * 60;

// One set of cookie names over http and https (next-auth would add __Secure-/__Host- prefixes only when
// NEXTAUTH_URL is https), so proxy.ts finds the session cookie however the request arrived.
const SESSION_COOKIE = "next-auth.session-token";

function cookieOptions(secure: boolean): Partial<CookiesOptions> {
  const options = { httpOnly: true, sameSite: "lax", path: "/", secure };
  return {
    sessionToken: { name: SESSION_COOKIE, options },
    callbackUrl: { name: "next-auth.callback-url", options },
    csrfToken: { name: "next-auth.csrf-token", options },
  };
}

/** Thrown from the jwt callback: next-auth then answers no session and clears the cookie. */
class SessionEnded extends Error {
  name = "SessionEnded";
}

// An email no account can have (and a NUL the database would choke on) is a wrong one, checked no further.
const plausible = (v: unknown, max: number): v is string =>
  typeof v === "string" && v.length > 0 && v.length <= max && !/\p{Cc}/u.test(v);

const authOptions: NextAuthOptions = {
  secret: env().AUTH_SECRET,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE },
  cookies: cookieOptions(env().NEXTAUTH_URL?.startsWith("https://") ?? false),
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const { email, password } = (credentials ?? {}) as { email?: unknown; password?: unknown };
        if (
          !plausible(email, EMAIL_MAX) ||
          typeof password !== "string" ||
          password.length === 0 ||
          password.length > PASSWORD_MAX
        )
          return null;
        // Throws SignInLimited (its message tells the login form when to try again) once limits are reached.
        const from = { email, address: clientAddress(req?.headers ?? {}, env().SECONDREAD_TRUST_PROXY) };
        try {
          const user = await limitedSignIn(db(), from, () => checkCredentials(db(), email, password));
          // The version read with the hash that was checked: see the jwt callback.
          return user ? { id: user.id, email: user.email, name: user.name, sv: user.sessionVersion } : null;
        } catch (e) {
          if (e instanceof SignInLimited) throw e;
          // next-auth hands a thrown message to the client: never the database's.
          console.error(e);
          throw new Error("SignInUnavailable");
        }
      },
    }),
  ],
  callbacks: {
    // The token carries the user id and session version; role and active are read from the database
    // on every request, and a moved-on version (sign-out, deactivation, password change) ends the session.
    async jwt({ token, user }) {
      if (user) {
        const sv = await sessionVersionForSignIn(db(), user.id, (user as { sv?: number }).sv);
        if (sv === null) throw new SessionEnded();
        return { ...token, sub: user.id, sv };
      }
      if (!(await sessionUser(db(), token))) throw new SessionEnded();
      return token;
    },
    session: ({ session, token }) => ({ ...session, userId: token.sub, sv: token.sv }),
  },
  events: {
    // Signing out ends every session of the user: a copied cookie must not outlive it.
    async signOut({ token }) {
      if (token) await endSessions(db(), token);
    },
  },
  logger: {
    // An ended session is routine, not an error worth a stack trace in the log.
    error(code, metadata) {
      if ((metadata as { name?: string } | undefined)?.name !== "SessionEnded")
        console.error(`[next-auth][error][${code}]`, metadata);
    },
  },
};

/** The options for one request to /api/auth: cookies are Secure when it came over https. */
export const authOptionsFor = (requestHeaders: Pick<Headers, "get">): NextAuthOptions => ({
  ...authOptions,
  cookies: cookieOptions(servedOverHttps(requestHeaders, env().NEXTAUTH_URL)),
});

/** After the user changed their own password: this browser's session continues under the new version. */
export async function reissueSession(user: SessionUser, sessionVersion: number) {
  const value = await encode({
    token: { sub: user.id, name: user.name, email: user.email, sv: sessionVersion },
    secret: required("AUTH_SECRET"),
    maxAge: SESSION_MAX_AGE,
  });
  const secure = servedOverHttps(await headers(), env().NEXTAUTH_URL);
  (await cookies()).set(SESSION_COOKIE, value, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure,
    maxAge: SESSION_MAX_AGE,
  });
}

export type { SessionUser };

/** The signed-in, active user, or null. */
export async function currentUser(): Promise<SessionUser | null> {
  // The cookie decoded here and checked once: getServerSession would run the jwt callback, which reads
  // the user too (a second query on every page, action and route).
  const cookie = (await cookies()).get(SESSION_COOKIE)?.value;
  const claims = cookie ? await decode({ token: cookie, secret: required("AUTH_SECRET") }).catch(() => null) : null;
  return sessionUser(db(), claims);
}

/** For pages: redirects to the login page when signed out. */
export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/login");
  return user;
}

/** For pages and actions: a rater gets 403 from admin pages (see app/forbidden.tsx). */
export async function requireAdmin(): Promise<SessionUser> {
  const user = await requireUser();
  if (user.role !== "ADMIN") forbidden();
  return user;
}
