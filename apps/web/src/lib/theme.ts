/**
 * Colour theme: follows the system (`prefers-color-scheme`) unless the user picks light or dark,
 * which is remembered in localStorage. index.html applies the same rule in an inline script before
 * first paint, so there is no flash; keep the key and the logic in step with it.
 */
import { useSyncExternalStore } from 'react';

export type ThemePreference = 'system' | 'light' | 'dark';
export type ResolvedTheme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'medichat-theme';

const listeners = new Set<() => void>();
const media = typeof window !== 'undefined' ? window.matchMedia('(prefers-color-scheme: dark)') : null;

function readPreference(): ThemePreference {
  try {
    const stored = localStorage.getItem(THEME_STORAGE_KEY);
    return stored === 'light' || stored === 'dark' ? stored : 'system';
  } catch {
    return 'system';
  }
}

let preference: ThemePreference = typeof window !== 'undefined' ? readPreference() : 'system';

function resolve(pref: ThemePreference): ResolvedTheme {
  if (pref !== 'system') return pref;
  return media?.matches ? 'dark' : 'light';
}

function apply(): void {
  const resolved = resolve(preference);
  const root = document.documentElement;
  root.classList.toggle('dark', resolved === 'dark');
  root.style.colorScheme = resolved;
}

function emit(): void {
  apply();
  for (const listener of listeners) listener();
}

media?.addEventListener('change', () => emit());

// Another tab changed the theme.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key !== THEME_STORAGE_KEY) return;
    preference = readPreference();
    emit();
  });
}

export function setThemePreference(next: ThemePreference): void {
  preference = next;
  try {
    if (next === 'system') localStorage.removeItem(THEME_STORAGE_KEY);
    else localStorage.setItem(THEME_STORAGE_KEY, next);
  } catch {
    // Private mode or storage disabled: the choice lasts for this page only.
  }
  emit();
}

interface ThemeSnapshot {
  preference: ThemePreference;
  resolved: ResolvedTheme;
  /** What the system asks for (prefers-color-scheme), whatever the preference. */
  system: ResolvedTheme;
}

let snapshot: ThemeSnapshot = { preference, resolved: resolve(preference), system: resolve('system') };

function getSnapshot(): ThemeSnapshot {
  const resolved = resolve(preference);
  const system = resolve('system');
  if (snapshot.preference !== preference || snapshot.resolved !== resolved || snapshot.system !== system) {
    snapshot = { preference, resolved, system };
  }
  return snapshot;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useTheme(): ThemeSnapshot & { setPreference: (next: ThemePreference) => void } {
  const current = useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
  return { ...current, setPreference: setThemePreference };
}
