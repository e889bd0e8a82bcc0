import type { Services } from "../../services/index.ts";
import type { App } from "../app.ts";
import { errors, IdempotencyHeader, Page } from "./common.schema.ts";
import { IdParams } from "./orders.schema.ts";
import { Subscription, SubscriptionListQuery, SubscriptionWithTerms } from "./subscriptions.schema.ts";

const security = [{ apiKey: [] }];
const tags = ["subscriptions"];

export async function subscriptionRoutes(app: App, services: Services): Promise<void> {
  app.get(
    "/api/v1/subscriptions",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "List subscriptions",
        description: "Only subscriptions of orders the caller may see. Cursor pagination by id.",
        querystring: SubscriptionListQuery,
        response: { 200: Page(Subscription), ...errors(400, 401) },
      },
    },
    async (request) => services.subscriptions.list(request.ctx, request.query),
  );

  app.get(
    "/api/v1/subscriptions/:id",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Read a subscription with the history of its terms",
        params: IdParams,
        response: { 200: SubscriptionWithTerms, ...errors(401, 404) },
      },
    },
    async (request) => services.subscriptions.get(request.ctx, request.params.id),
  );

  app.post(
    "/api/v1/subscriptions/:id/cancel",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Cancel a subscription",
        description:
          "Needs the `revoke` right on the license's category. Until the cancellation deadline the subscription ends on its end date; " +
          "after the deadline the term has renewed and the cancellation applies to the new term. Cancelling twice changes nothing.",
        params: IdParams,
        headers: IdempotencyHeader,
        response: { 200: Subscription, ...errors(401, 403, 404, 409) },
      },
    },
    async (request) => services.subscriptions.cancel(request.ctx, request.params.id),
  );

  app.post(
    "/api/v1/subscriptions/:id/withdraw-cancellation",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Withdraw a subscription's cancellation",
        description:
          "Until the cancellation deadline (inclusive); the subscription then renews again. Needs the `revoke` right.",
        params: IdParams,
        headers: IdempotencyHeader,
        response: { 200: Subscription, ...errors(401, 403, 404, 409) },
      },
    },
    async (request) => services.subscriptions.withdrawCancellation(request.ctx, request.params.id),
  );
}
