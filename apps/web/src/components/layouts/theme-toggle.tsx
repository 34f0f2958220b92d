import { useTheme, type ThemePreference } from '@/lib/theme';
import { MonitorIcon, MoonIcon, SunIcon } from '@/components/ui/icons';

const opposite = (theme: 'light' | 'dark') => (theme === 'dark' ? 'light' : 'dark');

/**
 * The next choice, so that every press but the one back to "system" changes what you see: from
 * system (S) to the other theme, then to S itself, then back to following the system.
 */
function nextPreference(preference: ThemePreference, system: 'light' | 'dark'): ThemePreference {
  if (preference === 'system') return opposite(system);
  return preference === opposite(system) ? system : 'system';
}
const LABEL: Record<ThemePreference, string> = { system: 'System', light: 'Light', dark: 'Dark' };

/** Cycles system → the other theme → the system's theme → system. The accessible name says the current choice and what a press does. */
export function ThemeToggle() {
  const { preference, resolved, system, setPreference } = useTheme();
  const next = nextPreference(preference, system);
  const Icon = preference === 'system' ? MonitorIcon : preference === 'dark' ? MoonIcon : SunIcon;
  const current = preference === 'system' ? `system (${resolved})` : LABEL[preference].toLowerCase();
  return (
    <button
      type="button"
      onClick={() => setPreference(next)}
      aria-label={`Theme: ${current}. Switch to ${LABEL[next].toLowerCase()}`}
      title={`Theme: ${current}`}
      className="inline-flex min-h-11 min-w-11 items-center justify-center gap-2 rounded-lg px-2.5 text-sm font-medium text-slate-700 hover:bg-slate-200/70 dark:text-slate-200 dark:hover:bg-slate-800"
    >
      <Icon />
      <span aria-hidden="true" className="hidden xl:inline">
        {LABEL[preference]}
      </span>
    </button>
  );
}
