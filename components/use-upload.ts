"use client";
import { useState } from "react";

/** POSTs a form to a route handler and keeps its JSON answer or error message. */
export function useUpload<T>() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function send(url: string, form: FormData): Promise<T | null> {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(url, { method: "POST", body: form });
      const body = await res.json().catch(() => ({ error: `The server answered ${res.status}.` }));
      if (!res.ok) {
        setError(body.error ?? `The server answered ${res.status}.`);
        return null;
      }
      return body as T;
    } catch {
      setError("Could not reach the server; nothing was changed. Try again.");
      return null;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, send };
}
