import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ButtonLink } from '@/components/ui/button';
import { useSession } from '@/lib/auth-store';
import { cn } from '@/lib/cn';
import { signOut } from '@/lib/session';

/** Initials for the avatar fallback: "Ada Lovelace" → "AL". */
function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]![0], parts[parts.length - 1]![0]] : [parts[0]?.[0]];
  return letters.filter(Boolean).join('').toUpperCase() || '?';
}

export function Avatar({ name, url, className }: { name: string; url: string | null; className?: string }) {
  return url ? (
    <img src={url} alt="" className={cn('size-8 shrink-0 rounded-full object-cover', className)} />
  ) : (
    <span
      aria-hidden="true"
      className={cn(
        'flex size-8 shrink-0 items-center justify-center rounded-full bg-teal-700 text-xs font-bold text-white dark:bg-teal-300 dark:text-slate-950',
        className,
      )}
    >
      {initials(name)}
    </span>
  );
}

/** The header's account area: who is signed in (to their card) and sign out; or a sign-in link. */
export function AccountMenu({ layout = 'bar' }: { layout?: 'bar' | 'menu' }) {
  const { status, user } = useSession();
  const navigate = useNavigate();
  const [leaving, setLeaving] = useState(false);

  if (status === 'unknown') return null;
  if (!user) {
    return layout === 'bar' ? (
      <ButtonLink to="/login" variant="secondary" className="hidden sm:inline-flex">
        Sign in
      </ButtonLink>
    ) : null;
  }

  const onSignOut = () => {
    setLeaving(true);
    void signOut().finally(() => {
      setLeaving(false);
      void navigate('/login');
    });
  };

  return (
    <div className={cn('items-center gap-1', layout === 'bar' ? 'hidden sm:flex' : 'flex flex-wrap')}>
      <Link
        to="/card"
        className="flex min-h-11 items-center gap-2 rounded-lg px-2 text-sm font-semibold text-slate-900 no-underline hover:bg-slate-200/70 dark:text-white dark:hover:bg-slate-800"
        data-testid="signed-in-user"
      >
        <Avatar name={user.displayName} url={user.avatarUrl} />
        <span className="max-w-40 truncate" data-testid="signed-in-name">
          <span className="sr-only">Signed in as </span>
          {user.displayName}
        </span>
      </Link>
      <button
        type="button"
        onClick={onSignOut}
        disabled={leaving}
        className="inline-flex min-h-11 items-center rounded-lg px-3 text-sm font-medium text-slate-700 hover:bg-slate-200/70 hover:text-slate-900 disabled:opacity-60 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white"
      >
        Sign out
      </button>
    </div>
  );
}
