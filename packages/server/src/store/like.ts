import { type RawBuilder, sql } from "kysely";

/**
 * A LIKE pattern matching any text that contains `text` literally: `%`, `_` and `\` in it stand
 * for themselves, not for wildcards. Use it as the right-hand side of `like`
 * (`.where(column, "like", containsPattern(search))`); it carries its own `escape '\'` clause,
 * which SQLite and PostgreSQL read the same way. LIKE's case rules differ between the two, so
 * callers compare lowercased text (`lower(column)` or a lowercased search column).
 */
export function containsPattern(text: string): RawBuilder<string> {
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql<string>`${`%${escaped}%`} escape '\\'`;
}
