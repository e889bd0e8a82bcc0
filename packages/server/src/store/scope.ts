import { type RawBuilder, sql } from "kysely";

/**
 * Which groups' orders and licenses a caller may see. Store functions that list take one and
 * filter by it in the query, so a forgotten check cannot leak another reseller's data.
 */
export type Scope = { kind: "all" } | { kind: "group"; groupId: string } | { kind: "subtree"; path: string };

/** A where-clause restricting a `group_id` column to a scope. */
export function inScope(
  scope: Scope,
  column: "orders.group_id" | "licenses.group_id" | "users.group_id",
): RawBuilder<boolean> {
  if (scope.kind === "all") return sql<boolean>`1 = 1`;
  if (scope.kind === "group") return sql<boolean>`${sql.ref(column)} = ${scope.groupId}`;
  return sql<boolean>`${sql.ref(column)} in (select id from groups where path like ${`${scope.path}%`})`;
}
