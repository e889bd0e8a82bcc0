import { createContext, useContext } from "hono/jsx";
import type { EffectiveRight } from "../../services/grant.service.ts";
import type { User } from "../../services/user.service.ts";

/** The signed-in person a console or portal page is rendered for. */
export interface Viewer {
  user: User;
  /** The user's effective rights, per category (ISV admins: every right on every category). */
  rights: EffectiveRight[];
}

/** A one-time message shown at the top of the next page (after a redirect) or of this one. */
export interface Flash {
  kind: "success" | "error" | "info";
  text: string;
}

/** What every component of a page may read with `usePage()`; `render()` provides it. */
export interface PageContext {
  /** The token `<Form>` embeds as `_csrf` (see csrf.ts). */
  csrfToken: string;
  /** The signed-in user on pages behind sign-in; null on public pages (sign-in, depot). */
  viewer: Viewer | null;
  flash: Flash[];
  /** The request's path without the query, for `aria-current` in the navigation. */
  path: string;
}

const Page = createContext<PageContext | null>(null);

/** The provider `render()` wraps every page in. */
export const PageProvider = Page.Provider;

/** The current page's context; only valid while `render()` renders. */
export function usePage(): PageContext {
  const page = useContext(Page);
  if (!page) throw new Error("usePage() outside render(): render pages with render(reply, <Page />)");
  return page;
}
