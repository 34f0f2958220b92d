import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { cn } from '@/lib/cn';

export interface UPlotChartProps {
  /** Everything but the size: the wrapper fits the chart to its container's width. */
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  /** Pixel height of the plot (the legend, when shown, comes below it). */
  height?: number;
  /** What the chart shows, for assistive technology (give a table alternative for the values). */
  label: string;
  className?: string;
}

/**
 * A small React wrapper around uPlot (canvas, fast with tens of thousands of points): it makes the
 * plot when `options` change (pass a memoised object), swaps the data in place when only `data`
 * changes, follows its container's width (ResizeObserver) and destroys the plot on unmount. The
 * canvas is `role="img"` with the given label; the numbers themselves belong in a table beside it.
 */
export function UPlotChart({ options, data, height = 220, label, className }: UPlotChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // The latest data, for a plot re-made after an options change.
  const latest = useRef(data);
  latest.current = data;

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const width = Math.max(200, Math.floor(el.clientWidth));
    const u = new uPlot({ ...options, width, height }, latest.current, el);
    plot.current = u;
    const observer = new ResizeObserver((entries) => {
      const w = Math.max(200, Math.floor(entries[0]?.contentRect.width ?? width));
      if (w !== u.width) u.setSize({ width: w, height });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [options, height]);

  useEffect(() => {
    const u = plot.current;
    if (u && u.data !== data) u.setData(data);
  }, [data]);

  return <div ref={container} role="img" aria-label={label} className={cn('w-full min-w-0', className)} />;
}
