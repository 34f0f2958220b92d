import { useState } from 'react';
import { Button, ButtonLink } from '@/components/ui/button';
import { useSession } from '@/lib/auth-store';
import { signOut } from '@/lib/session';

/**
 * On the sign-in and sign-up pages, for someone who is already signed in (or whose session a page
 * load restored). Not for someone who signs in on this very page: their form navigates on, and the
 * notice must not flash "You are signed in … Sign out" in between.
 */
export function SignedInNotice({ continueTo }: { continueTo: string }) {
  const { user, status } = useSession();
  const [leaving, setLeaving] = useState(false);
  // Adjusting state while rendering (React's pattern for state derived from a change): once this
  // page has seen the visitor signed out, a later session is one they started here.
  const [sawSignedOut, setSawSignedOut] = useState(status === 'signed-out');
  if (status === 'signed-out' && !sawSignedOut) setSawSignedOut(true);
  if (!user || sawSignedOut) return null;
  return (
    <div className="mb-8 flex flex-wrap items-center gap-3 rounded-xl border border-teal-300 bg-teal-50 p-4 text-teal-950 dark:border-teal-800 dark:bg-teal-950/50 dark:text-teal-50">
      <p className="flex-1">
        You are signed in as <strong>{user.displayName}</strong>.
      </p>
      <ButtonLink to={continueTo}>Continue</ButtonLink>
      <Button
        variant="secondary"
        disabled={leaving}
        onClick={() => {
          setLeaving(true);
          void signOut().finally(() => setLeaving(false));
        }}
      >
        Sign out
      </Button>
    </div>
  );
}
