/** The rights a grant can give on a category (DESIGN §2.3). */
export const RIGHTS = ["create", "modify", "revoke", "delete"] as const;
export type Right = (typeof RIGHTS)[number];

/** The grantor recorded for grants made by the vendor's system (first start, CLI). */
export const SYSTEM_GRANTOR = "system";

/** One grant edge of one category and right. */
export interface GrantEdge {
  id: string;
  userId: string;
  grantorId: string;
}

/**
 * The grants that still derive from the vendor: a grant holds only while its grantor is the
 * system, an ISV admin, or an admin who itself holds the right through grants that hold. This
 * is SQL's REVOKE … CASCADE: once a grant is revoked, everything that existed only because of
 * it falls, while a grantee who also received the right through another chain keeps it.
 * Cycles (A grants B, B grants A) hold only if one of them is reached from the vendor. A grant
 * of an admin also needs its grantee to be in the admin's subtree (a user moved away loses it).
 */
export function derivableGrants(
  edges: GrantEdge[],
  isIsvAdmin: (userId: string) => boolean,
  isAdmin: (userId: string) => boolean,
  reaches: (grantorId: string, userId: string) => boolean = () => true,
): Set<string> {
  const holders = new Set<string>();
  const valid = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const e of edges) {
      if (valid.has(e.id)) continue;
      const grantorHolds =
        e.grantorId === SYSTEM_GRANTOR ||
        isIsvAdmin(e.grantorId) ||
        (isAdmin(e.grantorId) && holders.has(e.grantorId) && reaches(e.grantorId, e.userId));
      if (!grantorHolds) continue;
      valid.add(e.id);
      if (!holders.has(e.userId)) {
        holders.add(e.userId);
        changed = true;
      }
    }
  }
  return valid;
}
