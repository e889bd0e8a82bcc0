import { Type } from "typebox";
import { PASSWORD_MAX_LENGTH } from "../../domain/login.ts";
import { RIGHTS } from "../../domain/rights.ts";

/* The forms of the partner pages. They check the shape of what was sent; the rules (name and
 * email rules, password length, who may do what) are the services'. A checkbox sends its value
 * when ticked and nothing otherwise, so every flag is optional here. */

const GroupName = Type.String({ minLength: 1, maxLength: 200, description: "The group's name" });
const Ref = Type.String({ minLength: 1, maxLength: 64 });
const Tick = Type.Optional(Type.String({ maxLength: 10 }));

/** A new subgroup: its name and the group it goes under. */
export const GroupCreateForm = Type.Object({
  name: GroupName,
  /** A group of the admin's subtree. */
  parentId: Ref,
});

/** A new name for a group. */
export const GroupRenameForm = Type.Object({ name: GroupName });

/** A group's new parent. */
export const GroupMoveForm = Type.Object({ parentId: Ref });

/** A new user of the group the form is on. */
export const UserCreateForm = Type.Object({
  email: Type.String({ minLength: 1, maxLength: 254, description: "Unique regardless of case" }),
  name: Type.String({ minLength: 1, maxLength: 200, description: "The person's name" }),
  /** Optional: without one the user cannot sign in until an ISV admin sets one. */
  password: Type.Optional(Type.String({ maxLength: PASSWORD_MAX_LENGTH, writeOnly: true })),
  /** Ticked: an admin of the group. */
  isAdmin: Tick,
});

/** Changes to a user: every field is sent, unticked flags mean "no". */
export const UserEditForm = Type.Object({
  email: Type.String({ minLength: 1, maxLength: 254 }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  /** The user's group, within the admin's subtree. */
  groupId: Ref,
  isAdmin: Tick,
  enabled: Tick,
});

const RightValue = Type.Union(
  RIGHTS.map((r) => Type.Literal(r)),
  { errorMessage: `Choose among the rights offered: ${RIGHTS.join(", ")}.` },
);

/** Rights to grant or revoke on one category. */
export const GrantForm = Type.Object({
  categoryId: Ref,
  /** One ticked right arrives as text, several as a list. */
  rights: Type.Optional(
    Type.Union([RightValue, Type.Array(RightValue, { maxItems: RIGHTS.length })], {
      errorMessage: `Choose among the rights offered: ${RIGHTS.join(", ")}.`,
    }),
  ),
  /** Which button was pressed. */
  action: Type.Union([Type.Literal("grant"), Type.Literal("revoke")], {
    errorMessage: "Press Grant or Revoke.",
  }),
});

/**
 * The query of a group's page: the email of the last user of the previous page. Sent twice, or
 * longer than an email, it is refused (400).
 */
export const GroupPageQuery = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: 254, errorMessage: "Start again from the first page." })),
});
