/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { PropsWithChildren } from "hono/jsx";

/* Building blocks of list pages: filters in a GET form (so a filtered list has an address),
 * cursor pagination, and the CSV export of the same list. */

/** Query parameters as a list page received them; empty values are left out. */
export type ListQuery = Record<string, string | undefined>;

/** `path?query` with the empty values left out and `changes` applied (undefined removes a key). */
export function listUrl(path: string, query: ListQuery, changes: ListQuery = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, ...changes }))
    if (value !== undefined && value !== "") params.set(key, value);
  const q = params.toString();
  return q ? `${path}?${q}` : path;
}

export interface PagerProps {
  path: string;
  query: ListQuery;
  /** The cursor of the next page, or null on the last page. */
  nextCursor: string | number | null;
  /** How many rows this page shows. */
  shown: number;
  /** The name of the things listed, plural ("orders"). */
  noun: string;
}

/**
 * Pagination of a cursor list: "First page" when this is not the first, "Next page" when there
 * is one, and the CSV export of the whole filtered list (`path.csv`).
 */
export function Pager(props: PagerProps) {
  const { path, query } = props;
  const onFirst = !query.cursor;
  return (
    <nav class="pager" aria-label={`Pages of ${props.noun}`}>
      <p class="muted pager-count">
        {props.shown === 0 ? `No ${props.noun} on this page.` : `Showing ${props.shown} ${props.noun}.`}
      </p>
      <ul>
        {!onFirst && (
          <li>
            <a href={listUrl(path, query, { cursor: undefined })}>First page</a>
          </li>
        )}
        {props.nextCursor !== null && (
          <li>
            <a href={listUrl(path, query, { cursor: String(props.nextCursor) })} rel="next">
              Next page
            </a>
          </li>
        )}
        <li>
          <a href={listUrl(`${path}.csv`, query, { cursor: undefined })} hx-boost="false" download>
            Export as CSV
          </a>
        </li>
      </ul>
    </nav>
  );
}

/** The filters of a list: a GET form, so the filtered list can be bookmarked and shared. */
export function Filters(props: PropsWithChildren<{ action: string; label: string }>) {
  return (
    <form action={props.action} method="get" class="filters" aria-label={props.label}>
      {props.children}
      <div class="filters-actions">
        <button type="submit" class="button button-secondary">
          Apply filters
        </button>
        <a href={props.action}>Clear</a>
      </div>
    </form>
  );
}

/** `2026-11-30T10:20:30.000Z` → `2026-11-30 10:20 UTC`; empty for null. */
export function when(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "";
}
