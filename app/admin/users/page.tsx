import { requireAdmin } from "@/lib/accounts/auth.ts";
import { db } from "@/lib/platform/db.ts";
import { listUsers } from "@/lib/accounts/accounts.ts";
import { AddUserForm } from "./add-user-form.tsx";
import { UserControls } from "./user-controls.tsx";
import { Card, PageTitle } from "@/components/ui/card.tsx";
import { Row, Table } from "@/components/ui/table.tsx";

export const metadata = { title: "Users — SecondRead" };

export default async function UsersPage() {
  const admin = await requireAdmin();
  const users = await listUsers(db(), admin);
  return (
    <div className="space-y-8">
      <PageTitle>Users</PageTitle>
      <Card>
        <Table
          head={
            <>
              <th className="py-2">Email</th>
              <th>Name</th>
              <th>Role</th>
              <th>Status</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </>
          }
        >
          {users.map((u) => (
            <Row key={u.id}>
              <td className="py-2">{u.email}</td>
              <td>{u.name}</td>
              <td>{u.role === "ADMIN" ? "Study admin" : "Rater"}</td>
              <td>{u.active ? "active" : "deactivated"}</td>
              <td className="py-2">
                <UserControls id={u.id} email={u.email} active={u.active} self={u.id === admin.id} />
              </td>
            </Row>
          ))}
        </Table>
      </Card>
      <Card title="Add a user">
        <AddUserForm />
      </Card>
    </div>
  );
}
