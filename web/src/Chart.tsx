import type { Rule, Trend } from './operations';
import { formatShortDate } from './format';

const WIDTH = 320;
const HEIGHT = 120;
const PAD = { left: 34, right: 8, top: 10, bottom: 20 };

/** A rule with a fixed threshold can be drawn as a line: a value past it raises an alert. */
const LINE_RULES: Record<string, string> = { ABOVE: 'above', AT_LEAST: 'at or above', BELOW: 'below', AT_MOST: 'at or below' };

/**
 * A measure's course as a small hand-drawn SVG line chart, with the plan's
 * warning-sign thresholds for that measure as dashed red lines. The picture
 * has a text equivalent (aria-label and a caption) for screen readers.
 */
export function TrendChart({ trend, rules }: { trend: Trend; rules: Rule[] }) {
  const { points, measure } = trend;
  const lines = rules.filter((r) => r.measureCode === measure.code && r.threshold !== null && LINE_RULES[r.comparison]);
  const other = rules.filter((r) => r.measureCode === measure.code && !lines.includes(r));
  const unit = measure.unit === '1' || measure.unit === '{score}' ? '' : ` ${measure.unit}`;
  const caption =
    points.length === 0
      ? `${measure.name}: no values in the last ${trend.days} days`
      : `${measure.name}, last ${trend.days} days: ${points.length} values, latest ${points[points.length - 1].value}${unit}` +
        lines.map((r) => `; warning sign ${LINE_RULES[r.comparison]} ${r.threshold}${unit}`).join('');
  if (points.length === 0) return <p class="chart-empty">{caption}</p>;

  const values = [...points.map((p) => p.value), ...lines.map((r) => r.threshold!)];
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (max === min) [min, max] = [min - 1, max + 1];
  const span = max - min;
  min -= span * 0.1;
  max += span * 0.1;
  const times = points.map((p) => new Date(p.takenAt).getTime());
  const start = Math.min(...times, Date.now() - trend.days * 86_400_000);
  const end = Date.now();
  const x = (t: number) => PAD.left + ((t - start) / (end - start || 1)) * (WIDTH - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - min) / (max - min)) * (HEIGHT - PAD.top - PAD.bottom);
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(times[i]).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const round = (v: number) => (Math.abs(max - min) < 10 ? v.toFixed(1) : Math.round(v).toString());

  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={caption}>
        <line class="axis" x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={HEIGHT - PAD.bottom} />
        <line class="axis" x1={PAD.left} x2={WIDTH - PAD.right} y1={HEIGHT - PAD.bottom} y2={HEIGHT - PAD.bottom} />
        <text class="tick" x={PAD.left - 4} y={y(max - span * 0.1) + 4} text-anchor="end">
          {round(max - span * 0.1)}
        </text>
        <text class="tick" x={PAD.left - 4} y={y(min + span * 0.1) + 4} text-anchor="end">
          {round(min + span * 0.1)}
        </text>
        <text class="tick" x={PAD.left} y={HEIGHT - 4}>
          {formatShortDate(new Date(start))}
        </text>
        <text class="tick" x={WIDTH - PAD.right} y={HEIGHT - 4} text-anchor="end">
          today
        </text>
        {lines.map((r) => (
          <g key={r.id} class={`threshold ${r.severity.toLowerCase()}`}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(r.threshold!)} y2={y(r.threshold!)} />
            <text x={WIDTH - PAD.right - 2} y={y(r.threshold!) - 3} text-anchor="end">
              {LINE_RULES[r.comparison]} {r.threshold}
            </text>
          </g>
        ))}
        <path class="series" d={path} />
        {points.map((p, i) => (
          <circle key={p.takenAt} class="point" cx={x(times[i])} cy={y(p.value)} r="2.5">
            <title>{`${formatShortDate(p.takenAt)}: ${p.value}${unit}`}</title>
          </circle>
        ))}
      </svg>
      <figcaption>
        {caption}
        {other.map((r) => (
          <span key={r.id} class="rule-note">
            {' '}
            · {r.description}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
