import type { Services } from "../../services/index.ts";
import type { App } from "../app.ts";
import { errors } from "./common.schema.ts";
import { toCsv } from "./csv.ts";
import {
  ActiveReport,
  ActiveReportQuery,
  MonthlyReport,
  MonthlyReportQuery,
} from "./subscriptions.schema.ts";

const security = [{ apiKey: [] }];

/** A report as JSON, or as CSV when `format=csv`. */
const reportResponse = (json: object) => ({
  200: {
    description: "The report",
    content: {
      "application/json": { schema: json },
      "text/csv": { schema: { type: "string", description: "The rows as CSV with a header row" } },
    },
  },
  ...errors(400, 401, 403),
});

/** The reports partners are billed from (`/api/v1/reports/…`). */
export async function reportRoutes(app: App, services: Services): Promise<void> {
  app.get(
    "/api/v1/reports/subscriptions/active",
    {
      config: { auth: "apiKey" },
      schema: {
        tags: ["reports"],
        security,
        summary: "Running subscriptions (billing base)",
        description:
          "Every active subscription, and every cancelled one that has not reached its end date, with its group, product and customer. " +
          "Admins see their group's subtree, ISV admins all. `format=csv` answers with CSV.",
        querystring: ActiveReportQuery,
        response: reportResponse(ActiveReport),
      },
    },
    async (request, reply) => {
      const { format, ...q } = request.query;
      const report = await services.reports.activeSubscriptions(request.ctx, q);
      if (format !== "csv") return report;
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="subscriptions-${report.asOf}.csv"`)
        .send(
          toCsv(
            [
              "subscriptionId",
              "licenseId",
              "orderId",
              "externalOrderNumber",
              "groupId",
              "groupName",
              "productCode",
              "productName",
              "type",
              "status",
              "term",
              "endDate",
              "cancellationDeadline",
              "customerCompany",
              "customerName",
              "customerEmail",
            ],
            report.data,
          ),
        );
    },
  );

  app.get(
    "/api/v1/reports/subscriptions/monthly",
    {
      config: { auth: "apiKey" },
      schema: {
        tags: ["reports"],
        security,
        summary: "Subscriptions created, renewed, cancelled and ended per month and group",
        description:
          "What the vendor invoices partners from and partners their customers: counts per month (`from`..`to`, YYYY-MM; default the current month) and group. " +
          "A renewal counts in the month its deadline passed, an end in the month of its end date. Admins see their subtree, ISV admins all. `format=csv` answers with CSV.",
        querystring: MonthlyReportQuery,
        response: reportResponse(MonthlyReport),
      },
    },
    async (request, reply) => {
      const { format, ...q } = request.query;
      const report = await services.reports.subscriptionActivity(request.ctx, q);
      if (format !== "csv") return report;
      return reply
        .type("text/csv; charset=utf-8")
        .header(
          "content-disposition",
          `attachment; filename="subscriptions-${report.from}${report.to === report.from ? "" : `-${report.to}`}.csv"`,
        )
        .send(
          toCsv(
            ["month", "groupId", "groupName", "created", "renewed", "cancelled", "withdrawn", "ended"],
            report.data,
          ),
        );
    },
  );
}
