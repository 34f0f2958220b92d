import { cn } from '@/lib/cn';

interface Rule {
  text: string;
  /** null: only the server can tell (shown as a note, not a tick). */
  met: boolean | null;
}

/** The server's password policy (shared `passwordSchema` + the API's common-password check) as hints. */
export function passwordRules(password: string, email: string, min: number): Rule[] {
  const length = [...password].length;
  const lower = password.trim().toLowerCase();
  const mail = email.trim().toLowerCase();
  return [
    { text: `At least ${min} characters`, met: length >= min },
    {
      text: 'Not your email address or the part before the @',
      met: password.length > 0 && !(mail && (lower === mail || lower === mail.split('@')[0])),
    },
    { text: 'Not one or two characters repeated', met: password.length > 0 && new Set(lower).size > 2 },
    { text: 'Not a common password (checked when you create the account)', met: null },
  ];
}

export function PasswordChecklist({
  id,
  password,
  email,
  min,
}: {
  id: string;
  password: string;
  email: string;
  min: number;
}) {
  const rules = passwordRules(password, email, min);
  return (
    <div id={id} className="mt-2 text-sm">
      <p className="text-slate-700 dark:text-slate-300">A good password is long and your own. It needs:</p>
      <ul className="mt-1 space-y-0.5">
        {rules.map((rule) => (
          <li
            key={rule.text}
            className={cn(
              'flex items-start gap-2',
              rule.met === true ? 'text-teal-800 dark:text-teal-300' : 'text-slate-700 dark:text-slate-300',
            )}
          >
            <span aria-hidden="true" className="w-4 shrink-0 text-center font-bold">
              {rule.met === true ? '✓' : rule.met === false ? '•' : '–'}
            </span>
            <span>
              {rule.text}
              {rule.met === true ? <span className="sr-only"> (done)</span> : null}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
