/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child, PropsWithChildren } from "hono/jsx";
import type { HistoryEvent } from "../../services/audit.service.ts";
import { Card } from "./components.tsx";
import { when } from "./lists.tsx";

/** How each recorded action reads in a history; an action not listed shows its code. */
const ACTIONS: Record<string, string> = {
  "order.created": "Order created",
  "order.ticket_sent": "Ticket emailed",
  "license.created": "License created",
  "license.modified": "License modified",
  "license.revoked": "License revoked",
  "license.deleted": "License deleted",
  "activation.created": "Device activated",
  "activation.returned": "Activation returned",
  "activation.refreshed": "License file refreshed",
  "subscription.created": "Subscription started",
  "subscription.renewed": "Subscription renewed",
  "subscription.cancelled": "Subscription cancelled",
  "subscription.cancellation_withdrawn": "Cancellation withdrawn",
  "subscription.ended": "Subscription ended",
};

/** The wording of an audit action, e.g. `license.revoked` → "License revoked". */
export function actionLabel(action: string): string {
  return ACTIONS[action] ?? action;
}

/** A recorded value as a person reads it: "none", "yes", "a, b". */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return "none";
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (Array.isArray(v)) return v.length ? v.join(", ") : "none";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** Fields that change with every event and say nothing by themselves. */
const QUIET = new Set(["updatedAt", "createdAt", "refreshedAt", "rules", "id", "licenseId"]);

/** What changed between two audit snapshots, one line per field: `seats: 1 → 3`. */
export function changesOf(before: unknown, after: unknown): string[] {
  if (!before || !after || typeof before !== "object" || typeof after !== "object") return [];
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const out: string[] = [];
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (QUIET.has(key)) continue;
    const x = b[key];
    const y = a[key];
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    const nested = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
    if (nested(x) && nested(y)) out.push(...changesOf(x, y).map((line) => `${key}.${line}`));
    else out.push(`${key}: ${valueText(x)} → ${valueText(y)}`);
  }
  return out;
}

/** The column a history adds to When, What, Who and Channel. */
export interface HistoryDetailColumn {
  heading: string;
  cell: (e: HistoryEvent) => Child;
  /** Right after "What" (the default) or as the last column. */
  last?: boolean;
}

/**
 * A history card: what happened, newest first, who acted and through which channel, with
 * one column of detail. Children follow the table (e.g. a note that the list was cut short).
 */
export function History(
  props: PropsWithChildren<{
    id: string;
    caption: string;
    empty: string;
    events: HistoryEvent[];
    detail: HistoryDetailColumn;
  }>,
) {
  const { detail } = props;
  return (
    <Card title="History" id={props.id}>
      {props.events.length ? (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{props.caption}</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                {!detail.last && <th scope="col">{detail.heading}</th>}
                <th scope="col">Who</th>
                <th scope="col">Channel</th>
                {detail.last && <th scope="col">{detail.heading}</th>}
              </tr>
            </thead>
            <tbody>
              {props.events.map((e) => (
                <tr>
                  <td>{when(e.at)}</td>
                  <td>{actionLabel(e.action)}</td>
                  {!detail.last && <td>{detail.cell(e)}</td>}
                  <td>{e.who}</td>
                  <td>{e.channel}</td>
                  {detail.last && <td>{detail.cell(e)}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="muted">{props.empty}</p>
      )}
      {props.children}
    </Card>
  );
}
