"use client";
import { useActionState } from "react";
import type { ActionResult } from "@/lib/web/action-result.ts";
import { buttonClass } from "./ui.tsx";

type Action<T> = (state: ActionResult<T> | null, form: FormData) => Promise<ActionResult<T>>;

/** A form bound to a server action, showing its error or a success message. */
export function ActionForm<T>({
  action,
  submit,
  children,
  success,
  className,
}: {
  action: Action<T>;
  submit: string;
  children: React.ReactNode;
  success?: (value: T) => React.ReactNode;
  className?: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className={className ?? "space-y-3"}>
      {children}
      <div className="flex items-center gap-3">
        <button type="submit" disabled={pending} className={buttonClass}>
          {pending ? "Working…" : submit}
        </button>
        {state && !state.ok && (
          <p role="status" className="text-sm text-red-700">
            {state.error}
          </p>
        )}
        {state?.ok && success && (
          <div role="status" className="text-sm text-emerald-800">
            {success(state.value)}
          </div>
        )}
      </div>
    </form>
  );
}
