import type { FieldIssue } from "./errors.ts";

/** Shortest password accepted (the first ISV admin's LICENTRA_ADMIN_PASSWORD follows the same rule). */
export const PASSWORD_MIN_LENGTH = 10;
/** Longest password accepted: long enough for any passphrase, short enough that hashing stays cheap. */
export const PASSWORD_MAX_LENGTH = 1000;

/** Consecutive failed logins after which every further attempt waits (even with the right password). */
export const LOCKOUT_AFTER_FAILURES = 5;
/** The first wait, after the fifth failure; each further failure doubles it. */
export const LOCKOUT_BASE_MS = 30_000;
/** The longest wait. */
export const LOCKOUT_MAX_MS = 15 * 60_000;

/** How long a signed-in session lasts: an absolute lifetime from the login, not extended by use. */
export const SESSION_LIFETIME_MS = 12 * 60 * 60_000;

/**
 * How long an account waits after its `failures`-th consecutive failed login: nothing before the
 * fifth, then 30 s, 1 min, 2 min, … doubling up to 15 min.
 */
export function lockoutDelayMs(failures: number): number {
  if (failures < LOCKOUT_AFTER_FAILURES) return 0;
  const exponent = Math.min(failures - LOCKOUT_AFTER_FAILURES, 30);
  return Math.min(LOCKOUT_BASE_MS * 2 ** exponent, LOCKOUT_MAX_MS);
}

/** What is wrong with a new password, or null when it is acceptable. */
export function passwordIssue(field: string, password: string): FieldIssue | null {
  if (password.length < PASSWORD_MIN_LENGTH)
    return { field, message: `must be at least ${PASSWORD_MIN_LENGTH} characters long` };
  if (password.length > PASSWORD_MAX_LENGTH)
    return { field, message: `must be at most ${PASSWORD_MAX_LENGTH} characters long` };
  return null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Emails are compared and stored lower-cased and trimmed. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function emailIssue(field: string, email: string): FieldIssue | null {
  if (email.length > 254 || !EMAIL.test(email))
    return { field, message: `${JSON.stringify(email)} is not an email address such as jane@example.com` };
  return null;
}
