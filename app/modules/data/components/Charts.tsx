// Server-rendered SVG charts for the data views: scales from d3-scale, paths from d3-shape, drawn by React, so they
// read without JavaScript. Each has a title and description, prints every value as text (never colour alone), and
// sits beside a data table. Hidden cells draw no mark, only their reason. See docs/decisions/0021-server-rendered-charts.md.
import { scaleBand, scaleLinear, scalePoint } from "d3-scale";
import { line } from "d3-shape";
import { useId } from "react";

export interface ChartCell {
  shown: boolean;
  value: number | null;
  display: string;
  banded?: boolean;
}

export interface BarDatum {
  label: string;
  cell: ChartCell;
}

interface Reference {
  label: string;
  value: number;
}

/** Where a banded percentage sits on the axis: at its band's edge, drawn hatched so it never reads as exact. */
function plotted(cell: ChartCell): number | null {
  if (!cell.shown) return null;
  if (cell.value !== null) return cell.value;
  if (cell.banded) return cell.display.startsWith("<") ? 5 : 95;
  return null;
}

export function BarChart({
  title,
  description,
  data,
  domain,
  references = [],
}: {
  title: string;
  description: string;
  data: BarDatum[];
  domain: [number, number];
  references?: Reference[];
}) {
  const id = useId();
  const labelWidth = 250;
  const valueWidth = 200;
  const width = 720;
  const rowHeight = 28;
  const top = references.length ? 28 : 8;
  const height = top + data.length * rowHeight + 24;
  const x = scaleLinear().domain(domain).range([labelWidth, width - valueWidth]).nice();
  const y = scaleBand<number>()
    .domain(data.map((_, i) => i))
    .range([top, top + data.length * rowHeight])
    .padding(0.25);
  const ticks = x.ticks(5);
  return (
    <figure className="ck-chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-t ${id}-d`} className="ck-chart__svg">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{description}</desc>
        <defs>
          <pattern id={`${id}-hatch`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="#ffffff" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="#0f5e5f" strokeWidth="3" />
          </pattern>
        </defs>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={top} y2={height - 20} stroke="#d5dbe2" />
            <text x={x(t)} y={height - 6} textAnchor="middle" className="ck-chart__tick">
              {t}
            </text>
          </g>
        ))}
        {data.map((d, i) => {
          const value = plotted(d.cell);
          const yy = y(i) ?? 0;
          const barEnd = value === null ? x(domain[0]) : x(value);
          return (
            <g key={`${d.label}-${i}`}>
              <text x={labelWidth - 8} y={yy + y.bandwidth() / 2} dominantBaseline="middle" textAnchor="end" className="ck-chart__label">
                {d.label}
              </text>
              {value !== null ? (
                <rect
                  x={x(domain[0])}
                  y={yy}
                  width={Math.max(1, barEnd - x(domain[0]))}
                  height={y.bandwidth()}
                  fill={d.cell.banded ? `url(#${id}-hatch)` : "#0f5e5f"}
                  stroke="#0b3b3c"
                />
              ) : null}
              <text
                x={value === null ? x(domain[0]) + 4 : barEnd + 6}
                y={yy + y.bandwidth() / 2}
                dominantBaseline="middle"
                className={value === null ? "ck-chart__hidden" : "ck-chart__value"}
              >
                {d.cell.display}
              </text>
            </g>
          );
        })}
        {references.map((r, i) => (
          <g key={r.label}>
            <line x1={x(r.value)} x2={x(r.value)} y1={top - 4} y2={height - 20} stroke="#1d2530" strokeWidth="2" strokeDasharray={i === 0 ? "6 4" : "2 3"} />
            <text x={x(r.value)} y={top - 10 - i * 0} textAnchor={i === 0 ? "end" : "start"} dx={i === 0 ? -4 : 4} className="ck-chart__ref">
              {r.label}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}

export interface TrendPoint {
  label: string;
  cell: ChartCell;
}

export function LineChart({
  title,
  description,
  points,
  domain,
  references = [],
}: {
  title: string;
  description: string;
  points: TrendPoint[];
  domain: [number, number];
  references?: Reference[];
}) {
  const id = useId();
  const width = 720;
  const height = 260;
  const margin = { left: 48, right: 150, top: 24, bottom: 40 };
  const x = scalePoint<string>()
    .domain(points.map((p) => p.label))
    .range([margin.left + 20, width - margin.right])
    .padding(0.3);
  const y = scaleLinear().domain(domain).range([height - margin.bottom, margin.top]).nice();
  const values = points.map((p) => ({ label: p.label, value: plotted(p.cell), cell: p.cell }));
  // Reference labels kept at least a line apart, so a benchmark and a target close together both stay readable.
  const labelY = new Map<string, number>();
  let previous = -Infinity;
  for (const r of [...references].sort((a, b) => y(b.value) - y(a.value)).reverse()) {
    const at = Math.max(y(r.value), previous + 14);
    labelY.set(r.label, at);
    previous = at;
  }
  // A hidden result breaks the line rather than being bridged, so nothing is implied about it.
  const path = line<(typeof values)[number]>()
    .defined((d) => d.value !== null)
    .x((d) => x(d.label) ?? 0)
    .y((d) => y(d.value ?? 0))(values);
  return (
    <figure className="ck-chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-t ${id}-d`} className="ck-chart__svg">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{description}</desc>
        {y.ticks(5).map((t) => (
          <g key={t}>
            <line x1={margin.left} x2={width - margin.right} y1={y(t)} y2={y(t)} stroke="#d5dbe2" />
            <text x={margin.left - 6} y={y(t)} dominantBaseline="middle" textAnchor="end" className="ck-chart__tick">
              {t}
            </text>
          </g>
        ))}
        {references.map((r, i) => (
          <g key={r.label}>
            <line x1={margin.left} x2={width - margin.right} y1={y(r.value)} y2={y(r.value)} stroke="#1d2530" strokeWidth="2" strokeDasharray={i === 0 ? "6 4" : "2 3"} />
            <text x={width - margin.right + 6} y={labelY.get(r.label) ?? y(r.value)} dominantBaseline="middle" className="ck-chart__ref">
              {r.label}
            </text>
          </g>
        ))}
        {path ? <path d={path} fill="none" stroke="#0f5e5f" strokeWidth="3" /> : null}
        {values.map((d) => (
          <g key={d.label}>
            <text x={x(d.label)} y={height - margin.bottom + 18} textAnchor="middle" className="ck-chart__tick">
              {d.label}
            </text>
            {d.value !== null ? (
              <>
                <circle cx={x(d.label)} cy={y(d.value)} r="5" fill={d.cell.banded ? "#ffffff" : "#0f5e5f"} stroke="#0b3b3c" strokeWidth="2" />
                <text x={x(d.label)} y={y(d.value) - 10} textAnchor="middle" className="ck-chart__value">
                  {d.cell.display}
                </text>
              </>
            ) : (
              <text x={x(d.label)} y={height - margin.bottom - 8} textAnchor="middle" className="ck-chart__hidden">
                hidden
              </text>
            )}
          </g>
        ))}
      </svg>
    </figure>
  );
}
