"use client";
import { ActionForm } from "@/components/action-form.tsx";
import { createUserAction } from "../actions.ts";
import { Field } from "@/components/ui/field.tsx";
import { Input, Select } from "@/components/ui/input.tsx";

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
        <Field>
          Email
          <Input name="email" type="email" required maxLength={254} />
        </Field>
        <Field>
          Name
          <Input name="name" maxLength={120} />
        </Field>
        <Field>
          Role
          <Select name="role" defaultValue="RATER">
            <option value="RATER">Rater</option>
            <option value="ADMIN">Study admin</option>
          </Select>
        </Field>
        <Field>
          Password <span className="font-normal text-stone-500">(leave empty to generate one)</span>
          <Input name="password" type="password" minLength={10} maxLength={1000} autoComplete="new-password" />
        </Field>
      </div>
    </ActionForm>
  );
}
