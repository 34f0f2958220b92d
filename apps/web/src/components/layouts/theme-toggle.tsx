import { useTheme, type ThemePreference } from '@/lib/theme';
import { MonitorIcon, MoonIcon, SunIcon } from '@/components/ui/icons';

const ORDER: ThemePreference[] = ['system', 'light', 'dark'];
const LABEL: Record<ThemePreference, string> = { system: 'System', light: 'Light', dark: 'Dark' };

/** Cycles system → light → dark. The accessible name says the current choice and what a press does. */
export function ThemeToggle() {
  const { preference, resolved, setPreference } = useTheme();
  const next = ORDER[(ORDER.indexOf(preference) + 1) % ORDER.length] ?? 'system';
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
