import { Type } from "typebox";
import { DateTime, Id, Limit } from "./common.schema.ts";

const groupExample = {
  id: "01a229bc-0c1e-7000-8a4f-5a0e3d2b9c11",
  name: "ACME Resellers",
  parentId: "00000000-0000-7000-8000-000000000000",
  path: "/00000000-0000-7000-8000-000000000000/01a229bc-0c1e-7000-8a4f-5a0e3d2b9c11/",
  createdAt: "2026-11-30T09:00:00.000Z",
};

/** A node of the partner tree. */
export const Group = Type.Object(
  {
    id: Id,
    name: Type.String(),
    parentId: Type.Union([Id, Type.Null()], { description: "The parent group; null for the vendor's root" }),
    path: Type.String({
      description:
        "Ids from the root down to this group, `/rootId/…/id/`: a group's subtree shares its prefix",
    }),
    createdAt: DateTime,
  },
  { $id: "Group", examples: [groupExample] },
);

export const GroupName = Type.String({
  minLength: 1,
  maxLength: 200,
  description: "Shown to people; leading and trailing spaces are removed",
});

export const GroupCreate = Type.Object(
  {
    name: GroupName,
    parentId: Type.String({
      format: "uuid",
      description: "The parent group: within the caller's subtree (ISV admins: any group, e.g. the root)",
    }),
  },
  {
    additionalProperties: false,
    examples: [{ name: "ACME Resellers", parentId: "00000000-0000-7000-8000-000000000000" }],
  },
);

export const GroupRename = Type.Object(
  { name: GroupName },
  { additionalProperties: false, examples: [{ name: "ACME Distribution" }] },
);

export const GroupMove = Type.Object(
  {
    parentId: Type.String({
      format: "uuid",
      description: "The new parent: within the caller's subtree, and not the group itself or below it",
    }),
  },
  { additionalProperties: false, examples: [{ parentId: "01a229bc-1d2e-7000-9b3c-6f1a2b3c4d5e" }] },
);

export const GroupParams = Type.Object({ id: Type.String({ format: "uuid", description: "Group id" }) });

export const GroupListQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 4000, description: "`nextCursor` of the previous page" })),
    limit: Limit,
  },
  { additionalProperties: false },
);
