/** A minimal REST client for setting scenarios up (not for measuring). */
export class Api {
  constructor(
    readonly url: string,
    readonly apiKey: string | null,
  ) {}

  async post<T>(path: string, body: unknown, expect: number[] = [200, 201]): Promise<T> {
    const res = await fetch(`${this.url}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
      },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!expect.includes(res.status)) throw new Error(`POST ${path} answered ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  }
}

/** The product every scenario sells: seats, expiry and features bound per order, as a vendor would. */
export const BENCH_PRODUCT = {
  code: 4711,
  name: "Bench Studio",
  description: "Product of the benchmark suite",
  fileValidity: "P30D",
  parameters: [
    { key: "seats", label: "Seats", type: "number", binding: "order", default: 1, min: 1, max: 1_000_000 },
    { key: "expiresAt", label: "Expiry", type: "date", binding: "order", default: "P1Y" },
    {
      key: "features",
      label: "Features",
      type: "features",
      binding: "order",
      features: ["export", "cloud", "scripting"],
      default: ["export", "cloud"],
    },
    {
      key: "edition",
      label: "Edition",
      type: "select",
      binding: "order",
      options: ["standard", "pro"],
      default: "pro",
    },
  ],
} as const;

export interface OrderAnswer {
  id: string;
  ticket: string;
  licenses: { id: string; seats: number }[];
}

/** Runs `fn` over `items` with at most `concurrency` calls in flight. */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
