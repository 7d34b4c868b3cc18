"use client";
import { useActionState } from "react";
import type { ActionResult } from "@/lib/web/action.ts";
import { Button } from "@/components/ui/button.tsx";
import { ErrorText, Notice } from "@/components/ui/message.tsx";

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
        <Button type="submit" disabled={pending}>
          {pending ? "Working…" : submit}
        </Button>
        {state && !state.ok && <ErrorText>{state.error}</ErrorText>}
        {state?.ok && success && <Notice>{success(state.value)}</Notice>}
      </div>
    </form>
  );
}
