import pino from "pino";
import { openRuntime } from "../../src/runtime.ts";
import { SYSTEM_CTX } from "../../src/services/context.ts";
import { TestClock, type TestDatabase, testConfig } from "./harness.ts";

const DAY = 86_400_000;

/**
 * Fills a fresh test database with `count` subscriptions that are due for exactly one renewal by
 * the real clock: they were sold 400 days ago with a first term of one year and a cancellation
 * period of one month (so the deadline passed about 65 days ago, and the next is 300 days ahead).
 * Runs in-process on the first start of the database; returns the first ISV admin's API key.
 */
export async function seedDueSubscriptions(
  db: TestDatabase,
  count: number,
  options: { customerEmail?: string } = {},
): Promise<{ adminKey: string; product: number }> {
  const clock = new TestClock(new Date(Date.now() - 400 * DAY));
  const rt = await openRuntime(testConfig(db, { RENEWAL_SCHEDULE: "off" }), {
    clock,
    log: pino({ level: "silent" }),
  });
  try {
    const s = rt.services;
    const product = 7001;
    await s.products.create(SYSTEM_CTX, {
      code: product,
      name: "Renewal Studio",
      parameters: [{ key: "expiresAt", label: "Expiry", type: "date", binding: "order", default: "P1Y" }],
    });
    const category = await s.categories.create(SYSTEM_CTX, "Yearly");
    await s.categories.configureProduct(SYSTEM_CTX, category.id, product, {
      parameters: {},
      subscription: { type: "license", cancellationPeriod: "P1M", firstEnd: { mode: "fixed", value: "P1Y" } },
    });
    for (let left = count; left > 0; left -= 1000)
      await s.orders.create(SYSTEM_CTX, {
        category: category.id,
        ...(options.customerEmail ? { customer: { email: options.customerEmail } } : {}),
        items: [{ product, quantity: Math.min(1000, left) }],
      });
    return { adminKey: rt.setup.apiKey!, product };
  } finally {
    await rt.close();
  }
}
