import { Type } from "typebox";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../../domain/login.ts";
import { RIGHTS } from "../../domain/rights.ts";
import { DateTime, Id, Limit } from "./common.schema.ts";

const userExample = {
  id: "01a229bc-4b5a-7000-8c21-3f9e1d7a6b20",
  email: "jane@acme-resellers.example",
  name: "Jane Doe",
  groupId: "01a229bc-0c1e-7000-8a4f-5a0e3d2b9c11",
  isAdmin: true,
  isIsvAdmin: false,
  enabled: true,
  hasPassword: true,
  lockedUntil: null,
  createdAt: "2026-11-30T09:05:00.000Z",
  updatedAt: null,
};

/** A person with a login, member of one group. */
export const User = Type.Object(
  {
    id: Id,
    email: Type.String({ description: "Unique regardless of case; stored lower-cased" }),
    name: Type.String(),
    groupId: Id,
    isAdmin: Type.Boolean({
      description: "Manages users and subgroups of its group's subtree and grants rights it holds",
    }),
    isIsvAdmin: Type.Boolean({
      description: "An admin of the vendor's root group: every right on everything",
    }),
    enabled: Type.Boolean({ description: "Disabled users can neither sign in nor use their API keys" }),
    hasPassword: Type.Boolean({ description: "Without a password the user cannot sign in" }),
    lockedUntil: Type.Union([DateTime, Type.Null()], {
      description: "After repeated failed sign-ins, no sign-in is tried before this instant",
    }),
    createdAt: DateTime,
    updatedAt: Type.Union([DateTime, Type.Null()]),
  },
  { $id: "User", examples: [userExample] },
);

const Email = Type.String({ format: "email", maxLength: 254, description: "Unique regardless of case" });
const Name = Type.String({ minLength: 1, maxLength: 200, description: "The person's name" });
const password = (note = "") =>
  Type.String({
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    description: `At least ${PASSWORD_MIN_LENGTH} characters; stored as an Argon2id hash${note}`,
  });
const GroupId = Type.String({
  format: "uuid",
  description: "The user's group: within the caller's subtree (ISV admins: any group)",
});

export const UserCreate = Type.Object(
  {
    email: Email,
    name: Name,
    groupId: GroupId,
    isAdmin: Type.Optional(Type.Boolean({ description: "Default false" })),
    password: Type.Optional(password(". Optional: without one the user cannot sign in until one is set")),
    enabled: Type.Optional(Type.Boolean({ description: "Default true" })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        email: "jane@acme-resellers.example",
        name: "Jane Doe",
        groupId: "01a229bc-0c1e-7000-8a4f-5a0e3d2b9c11",
        isAdmin: true,
        password: "a long passphrase",
      },
    ],
  },
);

export const UserUpdate = Type.Object(
  {
    email: Type.Optional(Email),
    name: Type.Optional(Name),
    groupId: Type.Optional(GroupId),
    isAdmin: Type.Optional(
      Type.Boolean({ description: "Demoting an admin revokes, in cascade, the grants it made" }),
    ),
    password: Type.Optional(
      password(
        ". ISV admins only, for other users (everyone changes its own with POST /api/v1/users/me/password). Ends the user's sessions",
      ),
    ),
    enabled: Type.Optional(
      Type.Boolean({ description: "Disabling ends the user's sessions and revokes, in cascade, its grants" }),
    ),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [
      { name: "Jane Smith" },
      { isAdmin: false },
      { groupId: "01a229bc-1d2e-7000-9b3c-6f1a2b3c4d5e" },
    ],
  },
);

export const UserParams = Type.Object({ id: Type.String({ format: "uuid", description: "User id" }) });

export const UserListQuery = Type.Object(
  {
    groupId: Type.Optional(Type.String({ format: "uuid", description: "Users of this group only" })),
    search: Type.Optional(Type.String({ maxLength: 200, description: "Part of the email or the name" })),
    isAdmin: Type.Optional(Type.Boolean()),
    enabled: Type.Optional(Type.Boolean()),
    cursor: Type.Optional(Type.String({ maxLength: 300, description: "`nextCursor` of the previous page" })),
    limit: Limit,
  },
  { additionalProperties: false },
);

export const PasswordChange = Type.Object(
  {
    currentPassword: Type.String({ maxLength: PASSWORD_MAX_LENGTH, description: "The password in use" }),
    newPassword: password(),
  },
  {
    additionalProperties: false,
    examples: [{ currentPassword: "the old passphrase", newPassword: "a new long passphrase" }],
  },
);

const Right = Type.Union(
  [Type.Literal("create"), Type.Literal("modify"), Type.Literal("revoke"), Type.Literal("delete")],
  { description: "create: new orders; modify, revoke, delete: licenses created through the category" },
);

export const GrantChange = Type.Object(
  {
    categoryId: Type.String({ format: "uuid", description: "The category the rights apply to" }),
    rights: Type.Array(Right, { minItems: 1, maxItems: RIGHTS.length, uniqueItems: true }),
  },
  {
    additionalProperties: false,
    examples: [{ categoryId: "01a229bd-2a3b-7000-8d4e-5f6a7b8c9d0e", rights: ["create", "modify"] }],
  },
);

const effectiveExample = {
  category: { id: "01a229bd-2a3b-7000-8d4e-5f6a7b8c9d0e", name: "Partners" },
  right: "create",
  via: "grant",
  grants: [
    {
      id: "01a229be-3c4d-7000-9e5f-6a7b8c9d0e1f",
      grantor: { id: "01a229ba-84d8-7001-95ce-0d4cdb5b50f1", email: "admin@vendor.example" },
      createdAt: "2026-11-30T09:10:00.000Z",
    },
  ],
};

export const EffectiveRights = Type.Object(
  {
    data: Type.Array(
      Type.Object({
        category: Type.Object({ id: Id, name: Type.String() }),
        right: Right,
        via: Type.Union([Type.Literal("isvAdmin"), Type.Literal("grant")], {
          description: "`isvAdmin`: held by being an ISV admin; `grant`: through the grants listed",
        }),
        grants: Type.Array(
          Type.Object({
            id: Id,
            grantor: Type.Object({
              id: Type.String({ description: "The granting user's id, or `system`" }),
              email: Type.Union([Type.String(), Type.Null()]),
            }),
            createdAt: DateTime,
          }),
          { description: "Every grant the right comes from; it holds while one of them does" },
        ),
      }),
    ),
  },
  { examples: [{ data: [effectiveExample] }] },
);
