/**
 * Progress events of a pull, throttled: at most one every 100 ms per phase (a pull of a 100 MB
 * file would otherwise emit thousands), but always the first of a phase, the last byte, and any
 * event a caller forces (phase changes, verify, done).
 */
import type { PullOptions, PullProgress } from './port.js';

export type Emit = (p: PullProgress, force?: boolean) => void;

export function throttle(onProgress: PullOptions['onProgress']): Emit {
  let last = 0;
  let lastPhase = '';
  return (p, force = false) => {
    if (!onProgress) return;
    const now = performance.now();
    if (!force && p.phase === lastPhase && now - last < 100 && p.bytes !== p.totalBytes) return;
    last = now;
    lastPhase = p.phase;
    onProgress(p);
  };
}
