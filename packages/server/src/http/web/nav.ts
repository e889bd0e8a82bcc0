import type { Right } from "../../domain/rights.ts";
import type { Viewer } from "./page.ts";

/** One entry of the console/portal navigation. */
export interface NavItem {
  href: string;
  label: string;
  /** Whether this user sees the entry: follow the user's rights, as the page itself does. */
  visible(viewer: Viewer): boolean;
  /** Pages that are not ours (the API docs) are loaded by the browser, not swapped in by htmx. */
  external?: boolean;
}

/** Whether the viewer holds `right` on at least one category (ISV admins hold every right). */
export function holdsRight(viewer: Viewer, right: Right): boolean {
  return viewer.user.isIsvAdmin || viewer.rights.some((r) => r.right === right);
}

/** Whether the viewer administers a group: manages users, subgroups and grants. */
export function isAdmin(viewer: Viewer): boolean {
  return viewer.user.isAdmin || viewer.user.isIsvAdmin;
}

/**
 * The navigation, in order. A new page adds its entry here, e.g.
 * `{ href: "/orders", label: "Orders", visible: (v) => holdsRight(v, "create") }`.
 */
export const NAV: NavItem[] = [
  { href: "/", label: "Dashboard", visible: () => true },
  { href: "/orders", label: "Orders", visible: () => true },
  { href: "/licenses", label: "Licenses", visible: () => true },
  { href: "/catalog", label: "Catalog", visible: (v) => v.user.isIsvAdmin },
  { href: "/partners", label: "Partners", visible: isAdmin },
  { href: "/audit", label: "Audit log", visible: isAdmin },
  { href: "/api-keys", label: "API keys", visible: () => true },
  { href: "/account", label: "Account", visible: () => true },
  { href: "/docs", label: "API docs", visible: isAdmin, external: true },
];

/** The entries `viewer` sees, each marked current when `path` is its page or below it. */
export function navFor(viewer: Viewer, path: string): (NavItem & { current: boolean })[] {
  return NAV.filter((item) => item.visible(viewer)).map((item) => ({
    ...item,
    current: item.href === "/" ? path === "/" : path === item.href || path.startsWith(`${item.href}/`),
  }));
}
