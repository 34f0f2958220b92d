import { useCallback, useRef } from 'react';

/**
 * Sizes an element so its bottom edge lands at the bottom of the first screen (the window height
 * less its top offset in the document and a margin), between `min` and `max` pixels. The chat uses
 * it so the message box is on screen without scrolling at any width; the history scrolls inside.
 * Measured against the document, not the scroll position, so scrolling does not resize it.
 * A callback ref: the element may mount after a loading state.
 */
export function useFitHeight<T extends HTMLElement>({
  min,
  max,
  margin = 16,
}: {
  min: number;
  max: number;
  margin?: number;
}): (el: T | null) => void {
  const cleanup = useRef<(() => void) | null>(null);
  return useCallback(
    (el: T | null) => {
      cleanup.current?.();
      cleanup.current = null;
      if (!el) return;
      const fit = () => {
        const top = el.getBoundingClientRect().top + window.scrollY;
        const height = Math.max(min, Math.min(max, window.innerHeight - top - margin));
        const next = `${Math.round(height)}px`;
        if (el.style.height !== next) el.style.height = next;
      };
      fit();
      window.addEventListener('resize', fit);
      // Content above it (a notice, the model picker) can arrive after the first paint.
      const observer = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(fit) : null;
      observer?.observe(document.body);
      cleanup.current = () => {
        window.removeEventListener('resize', fit);
        observer?.disconnect();
      };
    },
    [min, max, margin],
  );
}
