"use client";
import { useActionState } from "react";
import { resetPasswordAction, setUserActiveAction } from "../actions.ts";
import { buttonClass } from "@/components/ui/button.tsx";

const small = buttonClass("secondary").replace("px-4 py-2", "px-2 py-1");

/** Deactivate / reactivate and password reset for one row of the Users table. */
export function UserControls({
  id,
  email,
  active,
  self,
}: {
  id: string;
  email: string;
  active: boolean;
  self: boolean;
}) {
  const [toggle, toggleAction, toggling] = useActionState(setUserActiveAction.bind(null, id, !active), null);
  const [reset, resetAction, resetting] = useActionState(resetPasswordAction.bind(null, id), null);
  return (
    <div className="flex flex-wrap items-center gap-2">
      {!self && (
        <form action={toggleAction}>
          <button
            type="submit"
            disabled={toggling}
            className={small}
            aria-label={`${active ? "Deactivate" : "Reactivate"} ${email}`}
          >
            {active ? "Deactivate" : "Reactivate"}
          </button>
        </form>
      )}
      {!self && (
        <form action={resetAction}>
          <button type="submit" disabled={resetting} className={small} aria-label={`Reset password of ${email}`}>
            Reset password
          </button>
        </form>
      )}
      {self && (
        <span className="text-stone-500">
          you (change your password on the{" "}
          <a href="/account" className="underline">
            Account
          </a>{" "}
          page)
        </span>
      )}
      {toggle && !toggle.ok && (
        <span role="status" className="text-red-700">
          {toggle.error}
        </span>
      )}
      {reset && !reset.ok && (
        <span role="status" className="text-red-700">
          {reset.error}
        </span>
      )}
      {reset?.ok && (
        <span role="status" className="text-emerald-800">
          New password for {reset.value.email} (shown once):{" "}
          <code className="rounded bg-stone-100 px-1" data-testid="reset-password">
            {reset.value.password}
          </code>
        </span>
      )}
    </div>
  );
}
