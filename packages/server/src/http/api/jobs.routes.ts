import type { Services } from "../../services/index.ts";
import type { App } from "../app.ts";
import { errors } from "./common.schema.ts";
import { JobParams, JobResult } from "./subscriptions.schema.ts";

const security = [{ apiKey: [] }];

/** Background jobs, on demand (`/api/v1/jobs/{name}/run`). */
export async function jobRoutes(app: App, services: Services): Promise<void> {
  app.post(
    "/api/v1/jobs/:name/run",
    {
      config: { auth: "apiKey" },
      schema: {
        tags: ["jobs"],
        security,
        summary: "Run a job now",
        description:
          "ISV admins only. `renewals`: renews subscriptions whose deadline has passed, ends cancelled ones past their end date, " +
          "queues deadline reminders and sends queued notices. Safe to run at any time and on several nodes at once.",
        params: JobParams,
        response: { 200: JobResult, ...errors(401, 403, 404) },
      },
    },
    async (request) => services.jobs.run(request.ctx, request.params.name),
  );
}
