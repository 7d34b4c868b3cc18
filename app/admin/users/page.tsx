import { requireAdmin } from "@/lib/accounts/auth.ts";
import { db } from "@/lib/platform/db.ts";
import { Card } from "@/components/ui.tsx";
import { AddUserForm } from "./add-user-form.tsx";
import { UserControls } from "./user-controls.tsx";

export const metadata = { title: "Users — SecondRead" };

export default async function UsersPage() {
  const admin = await requireAdmin();
  const users = await db().user.findMany({
    orderBy: [{ role: "asc" }, { email: "asc" }],
    select: { id: true, email: true, name: true, role: true, active: true, createdAt: true },
  });
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
      <Card>
        <table className="w-full text-sm">
          <thead className="text-left text-stone-500">
            <tr>
              <th className="py-2">Email</th>
              <th>Name</th>
              <th>Role</th>
              <th>Status</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} className="border-t border-stone-100">
                <td className="py-2">{u.email}</td>
                <td>{u.name}</td>
                <td>{u.role === "ADMIN" ? "Study admin" : "Rater"}</td>
                <td>{u.active ? "active" : "deactivated"}</td>
                <td className="py-2">
                  <UserControls id={u.id} email={u.email} active={u.active} self={u.id === admin.id} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="Add a user">
        <AddUserForm />
      </Card>
    </div>
  );
}
