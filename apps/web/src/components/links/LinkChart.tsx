// A time chart drawn by uPlot (small and fast: a week at 1 minute is 10 080 points per line). Lines on two
// scales (ms on the left, % on the right); a null value breaks the line, so gaps in the data show as gaps.
// The canvas is hidden from assistive technology: the dialog around it says the figures in words and
// offers them as a table. Colours follow the page's light or dark theme.
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartLine {
  label: string;
  values: readonly (number | null)[];
  scale: 'ms' | '%';
  /** [light, dark] */
  color: readonly [string, string];
  width?: number;
  dash?: number[];
}

/** the page's theme: a class on <html> (lib/theme.ts), followed as it changes */
export function useDarkTheme(): boolean {
  const [dark, setDark] = useState(() => document.documentElement.classList.contains('dark'));
  useEffect(() => {
    const root = document.documentElement;
    const m = new MutationObserver(() => setDark(root.classList.contains('dark')));
    m.observe(root, { attributes: true, attributeFilter: ['class'] });
    return () => m.disconnect();
  }, []);
  return dark;
}

const AXIS = { light: { text: '#334155', grid: '#e2e8f0' }, dark: { text: '#cbd5e1', grid: '#334155' } };

const fmtMs = (v: number) => (v < 10 ? `${Math.round(v * 10) / 10} ms` : `${Math.round(v)} ms`);

function options(lines: readonly ChartLine[], dark: boolean, width: number, height: number): uPlot.Options {
  const axis = dark ? AXIS.dark : AXIS.light;
  const pick = (c: readonly [string, string]) => (dark ? c[1] : c[0]);
  const hasPct = lines.some((l) => l.scale === '%');
  const axisStyle = { stroke: axis.text, grid: { stroke: axis.grid, width: 1 }, ticks: { stroke: axis.grid, width: 1 } };
  return {
    width,
    height,
    ms: 1,
    scales: {
      x: { time: true },
      ms: { range: (_u, _min, max) => [0, Math.max(1, (max ?? 0) * 1.1)] },
      '%': { range: (_u, _min, max) => [0, Math.max(5, (max ?? 0) * 1.1)] },
    },
    axes: [
      { ...axisStyle },
      { ...axisStyle, scale: 'ms', size: 64, values: (_u, splits) => splits.map(fmtMs) },
      ...(hasPct ? [{ ...axisStyle, scale: '%', side: 1 as const, size: 48, grid: { show: false }, values: (_u: uPlot, splits: number[]) => splits.map((v) => `${v} %`) }] : []),
    ],
    series: [
      { label: 'time' },
      ...lines.map((l) => ({
        label: l.label,
        scale: l.scale,
        stroke: pick(l.color),
        width: l.width ?? 1.5,
        dash: l.dash,
        spanGaps: false,
        points: { show: false },
        value: (_u: uPlot, v: number | null) => (v === null ? '—' : l.scale === '%' ? `${Math.round(v * 10) / 10} %` : fmtMs(v)),
      })),
    ],
    legend: { live: true },
    cursor: { drag: { x: true, y: false } },
  };
}

/** `t` and the lines' values must change together (memoized columns): a new `t` redraws */
export function LinkChart({ t, lines, height = 260, testId }: { t: readonly number[]; lines: readonly ChartLine[]; height?: number; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const dark = useDarkTheme();
  const data = [t, ...lines.map((l) => l.values)] as uPlot.AlignedData;
  const dataRef = useRef(data);
  dataRef.current = data;
  // a new chart when the lines or the theme change; new data alone goes through setData (keeps the zoom)
  const shape = `${dark}|${lines.map((l) => `${l.label}/${l.scale}/${l.color.join()}`).join('|')}`;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot(options(lines, dark, Math.max(200, el.clientWidth), height), dataRef.current, el);
    plot.current = u;
    const resize = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize?.observe(el);
    return () => {
      resize?.disconnect();
      u.destroy();
      plot.current = null;
    };
    // `lines` is read through `shape`, the data through the ref
  }, [shape, height]);

  // new columns (the caller memoizes them: `t` changes with the data)
  useEffect(() => {
    plot.current?.setData(dataRef.current);
  }, [t]);

  return <div ref={box} data-testid={testId} className="w-full" />;
}
