/**
 * Rows as CSV (RFC 4180) with a header row: fields with commas, quotes or line breaks are quoted,
 * and text a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is prefixed with `'`.
 */
export function toCsv<T extends object>(columns: (keyof T & string)[], rows: T[]): string {
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return "";
    let s = String(v);
    if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [columns.join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}
