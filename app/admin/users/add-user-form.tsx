"use client";
import { ActionForm } from "@/components/action-form.tsx";
import { inputClass } from "@/components/ui.tsx";
import { createUserAction } from "../actions.ts";

export function AddUserForm() {
  return (
    <ActionForm
      action={createUserAction}
      submit="Add user"
      success={(v: { email: string; password: string }) => (
        <span>
          Created {v.email}. Password (shown once):{" "}
          <code className="rounded bg-stone-100 px-1" data-testid="new-password">
            {v.password}
          </code>
        </span>
      )}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="block text-sm font-medium">
          Email
          <input name="email" type="email" required maxLength={254} className={inputClass} />
        </label>
        <label className="block text-sm font-medium">
          Name
          <input name="name" maxLength={120} className={inputClass} />
        </label>
        <label className="block text-sm font-medium">
          Role
          <select name="role" defaultValue="RATER" className={inputClass}>
            <option value="RATER">Rater</option>
            <option value="ADMIN">Study admin</option>
          </select>
        </label>
        <label className="block text-sm font-medium">
          Password <span className="font-normal text-stone-500">(leave empty to generate one)</span>
          <input
            name="password"
            type="password"
            minLength={10}
            maxLength={1000}
            autoComplete="new-password"
            className={inputClass}
          />
        </label>
      </div>
    </ActionForm>
  );
}
