"use client";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { limitedMessage, parseLimitedCode } from "@/lib/accounts/sign-in-messages.ts";
import { Field } from "@/components/ui/field.tsx";
import { ErrorText } from "@/components/ui/message.tsx";

export function LoginForm() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const form = new FormData(e.currentTarget);
    // Rejects when the server is too busy to answer in next-auth's shape (503 from the sign-in line).
    const res = await signIn("credentials", {
      email: form.get("email"),
      password: form.get("password"),
      redirect: false,
    }).catch(() => null);
    if (!res) {
      setError("Sign-in is busy; try again in a few seconds.");
      setBusy(false);
      return;
    }
    if (res.ok) {
      window.location.assign("/");
    } else {
      const limited = parseLimitedCode(res.error);
      setError(limited ? limitedMessage(limited.scope, limited.retryAfterSeconds) : "Wrong email or password.");
      setBusy(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="mt-8 space-y-4">
      <Field>
        Email
        <input
          name="email"
          type="email"
          autoComplete="username"
          required
          // biome-ignore lint/a11y/noAutofocus: the sign-in page has one job; the email field is where it starts
          autoFocus
          className="mt-1 block w-full rounded border border-stone-300 px-3 py-2"
        />
      </Field>
      <Field>
        Password
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className="mt-1 block w-full rounded border border-stone-300 px-3 py-2"
        />
      </Field>
      {error && <ErrorText>{error}</ErrorText>}
      <button
        type="submit"
        disabled={busy}
        className="w-full rounded bg-stone-900 px-4 py-2 font-medium text-white disabled:opacity-50"
      >
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
