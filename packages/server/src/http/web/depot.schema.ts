import { Type } from "typebox";

/** The ticket a customer types: case-insensitive, dashes and spaces optional. */
export const TicketForm = Type.Object({
  ticket: Type.String({ minLength: 1, maxLength: 60, description: "The order's ticket" }),
});

/** Online activation of one license of the ticket's order for one device. */
export const ActivateForm = Type.Object({
  /** The license id, from the license's card. */
  license: Type.String({ minLength: 1, maxLength: 64 }),
  /** A name the customer recognizes the device by. */
  deviceName: Type.String({ minLength: 1, maxLength: 200 }),
  /** The device fingerprint the vendor's software shows (SDK `deviceFingerprint`). */
  fingerprint: Type.String({ minLength: 8, maxLength: 200 }),
});

/** An offline activation request, pasted; the uploaded file (`requestFile`) is read apart. */
export const OfflineForm = Type.Object({
  requestText: Type.Optional(Type.String({ maxLength: 20_000 })),
});
