import { Type } from "typebox";

/** A new API key of the signed-in user. */
export const NewApiKeyForm = Type.Object({
  /** What the key is for, so its owner can tell keys apart ("ERP integration"). */
  name: Type.String({ minLength: 1, maxLength: 100 }),
});
