/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config/config.ts";
import type { Services } from "../../services/index.ts";
import { AccountPage, HomePage } from "./home.pages.tsx";
import { render } from "./render.tsx";

/** The dashboard looks this many days ahead for renewals and ends of subscriptions. */
const RENEWAL_DAYS = 60;

/** The signed-in user's start page (the dashboard) and account. */
export async function homeRoutes(app: FastifyInstance, services: Services, _config: Config): Promise<void> {
  app.get("/", async (request, reply) => {
    const [licenses, orders, renewals] = await Promise.all([
      services.reports.licensesPerMonth(request.ctx),
      services.orders.list(request.ctx, { sort: "-createdAt", limit: 10 }),
      services.reports.upcomingRenewals(request.ctx, { days: RENEWAL_DAYS, limit: 20 }),
    ]);
    return render(
      reply,
      <HomePage
        licenses={licenses}
        recentOrders={orders.data}
        renewals={renewals}
        renewalDays={RENEWAL_DAYS}
      />,
    );
  });
  app.get("/account", async (request, reply) =>
    render(reply, <AccountPage sessionExpiresAt={request.cookieSession!.expiresAt} />),
  );
}
