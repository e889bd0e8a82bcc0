/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { PropsWithChildren } from "hono/jsx";
import { ASSETS } from "./assets.ts";
import { ActionForm } from "./components.tsx";
import { navFor } from "./nav.ts";
import { usePage } from "./page.ts";

/**
 * htmx settings: swap error pages too (forms answer 4xx with the form and its errors), keep no
 * page copies in localStorage (pages show licenses), no eval and no inline styles (the CSP
 * forbids both).
 */
const HTMX_CONFIG = JSON.stringify({
  responseHandling: [
    { code: "204", swap: false },
    { code: "[2345]..", swap: true },
  ],
  historyCacheSize: 0,
  refreshOnHistoryMiss: true,
  allowEval: false,
  includeIndicatorStyles: false,
  scrollIntoViewOnBoost: true,
});

export interface LayoutProps {
  /** The page's title, before " · Licentra". */
  title: string;
  /**
   * `console`: vendor staff and partners (navigation, user menu; needs `request.viewer`);
   * `depot`: end customers; `public`: pages before sign-in.
   */
  area: "console" | "depot" | "public";
}

function Flashes() {
  const { flash } = usePage();
  if (!flash.length) return null;
  return (
    <div class="flashes">
      {flash.map((f) => (
        <div class={`notice notice-${f.kind}`} role={f.kind === "error" ? "alert" : "status"}>
          {f.text}
        </div>
      ))}
    </div>
  );
}

function ConsoleHeader() {
  const { viewer, path } = usePage();
  if (!viewer) return null;
  return (
    <>
      <nav class="site-nav" aria-label="Main">
        <ul>
          {navFor(viewer, path).map((item) => (
            <li>
              <a
                href={item.href}
                aria-current={item.current ? "page" : undefined}
                hx-boost={item.external ? "false" : undefined}
              >
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="user-menu">
        <span class="user-name" title={viewer.user.email}>
          {viewer.user.name}
        </span>
        <ActionForm action="/logout" variant="link">
          Sign out
        </ActionForm>
      </div>
    </>
  );
}

/** The page frame: header with the product name and the navigation the user may use, main, footer. */
export function Layout(props: PropsWithChildren<LayoutProps>) {
  const { viewer } = usePage();
  const areaName =
    props.area === "depot"
      ? "License depot"
      : props.area === "console" && viewer
        ? viewer.user.isIsvAdmin
          ? "Console"
          : "Partner portal"
        : null;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <meta name="referrer" content="same-origin" />
        <title>{`${props.title} · Licentra`}</title>
        <link rel="stylesheet" href={ASSETS.css} />
        <script src={ASSETS.htmx} defer />
      </head>
      <body hx-boost="true">
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <div class="site-header-inner">
            <a class="brand" href={props.area === "depot" ? "/depot" : "/"}>
              Licentra
              {areaName && <span class="brand-area"> {areaName}</span>}
            </a>
            {props.area === "console" && <ConsoleHeader />}
          </div>
        </header>
        <main id="main" tabindex={-1}>
          <Flashes />
          {props.children}
        </main>
        <footer class="site-footer">
          <p>
            Licentra · open-source license management ·{" "}
            {props.area === "depot" ? (
              <a href="/login">Vendor sign-in</a>
            ) : (
              <a href="/depot">License depot for customers</a>
            )}
          </p>
        </footer>
      </body>
    </html>
  );
}
