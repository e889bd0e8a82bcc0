/** @jsxRuntime automatic @jsxImportSource hono/jsx */

/* A stacked bar chart drawn on the server as inline SVG: no script, no image request, and
 * styled by classes of the one stylesheet (the CSP forbids style attributes). The image is
 * labelled for assistive technology and repeated as a table for anyone who cannot see it. */

/** One stacked part of every bar: a product, a group. */
export interface ChartSeries {
  key: string;
  label: string;
  /** One value per category (bar), in the same order. */
  values: number[];
}

export interface StackedBarChartProps {
  /** Unique on the page: prefixes the ids the image is labelled by. */
  id: string;
  /** What the chart shows, e.g. "Licenses created per month, by product". */
  title: string;
  /** The bars, e.g. months `YYYY-MM`. */
  categories: string[];
  /** How a bar's name is written in full (the table, the tooltips) and under the bar. */
  categoryLabel?: (category: string) => { long: string; short: string; sub?: string };
  series: ChartSeries[];
  /** The table's header for the series column, e.g. "Product". */
  seriesNoun: string;
  /** What is counted, plural, e.g. "licenses". */
  unit: string;
  /** Parts drawn in their own colour; the smaller rest is drawn as one part, "Other". */
  maxParts?: number;
}

/** The number of colour classes in licentra.css: `chart-s-0` … `chart-s-7` (7 is "Other"). */
const COLOURS = 8;

const WIDTH = 560;
const HEIGHT = 240;
const MARGIN = { top: 12, right: 8, bottom: 36, left: 40 };

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** A round step for about four grid lines up to `max`: 1, 2 or 5 times a power of ten. */
function niceStep(max: number): number {
  const raw = max / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * power).find((s) => s >= raw)!;
  return Math.max(1, step);
}

/** The series to draw: the largest `maxParts - 1` in their own colour, the rest summed as "Other". */
function parts(series: ChartSeries[], maxParts: number): (ChartSeries & { colour: number })[] {
  const sorted = [...series].sort((a, b) => sum(b.values) - sum(a.values) || a.label.localeCompare(b.label));
  if (sorted.length <= maxParts) return sorted.map((s, i) => ({ ...s, colour: i % (COLOURS - 1) }));
  const own = sorted.slice(0, maxParts - 1);
  const rest = sorted.slice(maxParts - 1);
  const other: ChartSeries = {
    key: "other",
    label: `Other (${rest.length})`,
    values: rest[0]!.values.map((_, i) => sum(rest.map((s) => s.values[i] ?? 0))),
  };
  return [...own.map((s, i) => ({ ...s, colour: i })), { ...other, colour: COLOURS - 1 }];
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `2026-03` → long "Mar 2026", short "Mar", and the year under January and the first bar. */
export function monthLabel(month: string, first = false): { long: string; short: string; sub?: string } {
  const [year, m] = month.split("-");
  const name = MONTHS[Number(m) - 1] ?? month;
  return { long: `${name} ${year}`, short: name, sub: first || m === "01" ? year : undefined };
}

/**
 * A stacked bar chart with its legend and, in a `<details>`, a table of the same numbers. The
 * SVG is `role="img"`, labelled by its `<title>` and `<desc>` (a summary in words).
 */
export function StackedBarChart(props: StackedBarChartProps) {
  const label = (c: string, i: number) => (props.categoryLabel ?? ((m: string) => monthLabel(m, i === 0)))(c);
  const drawn = parts(props.series, props.maxParts ?? COLOURS);
  const totals = props.categories.map((_, i) => sum(props.series.map((s) => s.values[i] ?? 0)));
  const total = sum(totals);
  const peak = Math.max(0, ...totals);
  const step = niceStep(peak);
  const top = Math.max(step, Math.ceil(peak / step) * step);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const band = plotWidth / Math.max(1, props.categories.length);
  const barWidth = Math.min(40, band * 0.64);
  const y = (v: number) => MARGIN.top + plotHeight - (v / top) * plotHeight;
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const peakIndex = totals.indexOf(peak);
  const range =
    props.categories.length > 0
      ? `from ${label(props.categories[0]!, 0).long} to ${label(props.categories.at(-1)!, props.categories.length - 1).long}`
      : "";
  const summary =
    total === 0
      ? `No ${props.unit} ${range}.`
      : `${total} ${props.unit} ${range}, the most in ${label(props.categories[peakIndex]!, peakIndex).long} (${peak}). ` +
        `${props.series.length} ${props.seriesNoun.toLowerCase()}${props.series.length === 1 ? "" : "s"}; the table below holds every number.`;

  return (
    <figure class="chart" id={props.id}>
      <div class="chart-frame">
        <svg
          class="chart-svg"
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          role="img"
          aria-labelledby={`${props.id}-title ${props.id}-desc`}
          focusable="false"
          xmlns="http://www.w3.org/2000/svg"
        >
          <title id={`${props.id}-title`}>{props.title}</title>
          <desc id={`${props.id}-desc`}>{summary}</desc>
          <g class="chart-grid">
            {ticks.map((t) => (
              <g>
                <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(t)} y2={y(t)} />
                <text x={MARGIN.left - 6} y={y(t) + 4} text-anchor="end">
                  {t}
                </text>
              </g>
            ))}
          </g>
          {props.categories.map((c, i) => {
            const x = MARGIN.left + band * i + (band - barWidth) / 2;
            let base = 0;
            const l = label(c, i);
            return (
              <g class="chart-bar">
                {drawn.map((s) => {
                  const v = s.values[i] ?? 0;
                  if (v === 0) return null;
                  const rect = (
                    <rect
                      class={`chart-s-${s.colour}`}
                      x={x.toFixed(1)}
                      y={y(base + v).toFixed(1)}
                      width={barWidth.toFixed(1)}
                      height={(y(base) - y(base + v)).toFixed(1)}
                    >
                      <title>{`${s.label}, ${l.long}: ${v}`}</title>
                    </rect>
                  );
                  base += v;
                  return rect;
                })}
                <text
                  class="chart-axis"
                  x={(x + barWidth / 2).toFixed(1)}
                  y={HEIGHT - MARGIN.bottom + 15}
                  text-anchor="middle"
                >
                  {l.short}
                </text>
                {l.sub && (
                  <text
                    class="chart-axis chart-sub"
                    x={(x + barWidth / 2).toFixed(1)}
                    y={HEIGHT - MARGIN.bottom + 29}
                    text-anchor="middle"
                  >
                    {l.sub}
                  </text>
                )}
              </g>
            );
          })}
          <line class="chart-baseline" x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(0)} y2={y(0)} />
        </svg>
      </div>
      {drawn.length > 0 && (
        <ul class="chart-legend" aria-label={`Legend: ${props.seriesNoun.toLowerCase()}s`}>
          {drawn.map((s) => (
            <li>
              <span class={`chart-swatch chart-s-${s.colour}`} aria-hidden="true" />
              {s.label}
            </li>
          ))}
        </ul>
      )}
      <details class="chart-data">
        <summary>Show the numbers as a table</summary>
        <div class="table-wrap">
          <table>
            <caption>{props.title}</caption>
            <thead>
              <tr>
                <th scope="col">{props.seriesNoun}</th>
                {props.categories.map((c, i) => (
                  <th scope="col" class="numeric">
                    {label(c, i).long}
                  </th>
                ))}
                <th scope="col" class="numeric">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              {[...props.series]
                .sort((a, b) => sum(b.values) - sum(a.values) || a.label.localeCompare(b.label))
                .map((s) => (
                  <tr>
                    <th scope="row">{s.label}</th>
                    {props.categories.map((_, i) => (
                      <td class="numeric">{s.values[i] ?? 0}</td>
                    ))}
                    <td class="numeric">{sum(s.values)}</td>
                  </tr>
                ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">All</th>
                {totals.map((t) => (
                  <td class="numeric">{t}</td>
                ))}
                <td class="numeric">{total}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      </details>
    </figure>
  );
}
