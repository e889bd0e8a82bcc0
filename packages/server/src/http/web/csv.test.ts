import Fastify from "fastify";
import { afterAll, describe, expect, it } from "vitest";
import { CSV_MAX_ROWS, type CsvValue, csvCell, sendCsv } from "./csv.ts";

describe("CSV export", () => {
  const app = Fastify();
  /** A list of `total` rows served `pageSize` at a time, as a service's cursor pages are. */
  const list = (total: number, pageSize: number) => async (cursor: number | undefined) => {
    const start = cursor ?? 0;
    const end = Math.min(start + pageSize, total);
    const rows: CsvValue[][] = [];
    for (let i = start; i < end; i++) rows.push([i, `name ${i}`]);
    return { rows, next: end < total ? end : null };
  };
  app.get<{ Querystring: { total: string; size: string } }>("/list.csv", (request, reply) =>
    sendCsv(reply, "list.csv", ["n", "name"], list(Number(request.query.total), Number(request.query.size))),
  );
  app.get("/refused.csv", (_request, reply) =>
    sendCsv(reply, "x.csv", ["n"], async () => {
      throw Object.assign(new Error("not allowed"), { statusCode: 403 });
    }),
  );
  afterAll(() => app.close());

  it("quotes what needs quoting and defuses what a spreadsheet would run", () => {
    expect(csvCell('Acme, "Inc"')).toBe('"Acme, ""Inc"""');
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("-1+2")).toBe("'-1+2");
    expect(csvCell(-12)).toBe("-12");
    expect(csvCell(null)).toBe("");
  });

  it("streams every page of the list after the header", async () => {
    const res = await app.inject("/list.csv?total=1234&size=100");
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toBe('attachment; filename="list.csv"');
    const lines = res.body.trimEnd().split("\r\n");
    expect(lines).toHaveLength(1235);
    expect(lines[0]).toBe("n,name");
    expect(lines[1234]).toBe("1233,name 1233");
  });

  it("stops at the row limit and says so, also inside a page", async () => {
    const res = await app.inject(`/list.csv?total=${CSV_MAX_ROWS + 10}&size=${CSV_MAX_ROWS + 10}`);
    const lines = res.body.trimEnd().split("\r\n");
    expect(lines).toHaveLength(CSV_MAX_ROWS + 2);
    expect(lines.at(-1)).toBe(`(stopped after ${CSV_MAX_ROWS} rows: narrow the filters)`);
    const exact = await app.inject(`/list.csv?total=${CSV_MAX_ROWS}&size=5000`);
    expect(exact.body.trimEnd().split("\r\n")).toHaveLength(CSV_MAX_ROWS + 1);
  });

  it("answers a refusal of the first page as an error, not as a broken file", async () => {
    const res = await app.inject("/refused.csv");
    expect(res.statusCode).toBe(403);
    expect(res.headers["content-type"]).not.toContain("text/csv");
  });
});
