/** "Show password": a real toggle button (aria-pressed) for the password field it controls. */
export function PasswordVisibilityToggle({
  controls,
  shown,
  onToggle,
}: {
  controls: string;
  shown: boolean;
  onToggle: () => void;
}) {
  return (
    <button
      type="button"
      aria-controls={controls}
      aria-pressed={shown}
      onClick={onToggle}
      className="mt-1.5 min-h-11 rounded-lg px-2 text-sm font-semibold text-teal-800 underline underline-offset-2 hover:bg-teal-50 dark:text-teal-300 dark:hover:bg-slate-800"
    >
      Show password
    </button>
  );
}
