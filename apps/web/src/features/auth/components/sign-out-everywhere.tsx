import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { describeError } from '@/lib/form';
import { signOutEverywhere } from '@/lib/session';

/**
 * "Sign out everywhere": for a lost phone or a shared computer. Every session of the account ends at
 * once on the server (access tokens included), then this device goes to the sign-in page.
 */
export function SignOutEverywhere() {
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const confirm = () => {
    setBusy(true);
    setError(null);
    signOutEverywhere().then(
      () => navigate('/login', { replace: true }),
      (err: unknown) => {
        setBusy(false);
        setError(describeError(err, 'Could not sign out everywhere. Check your connection and try again.'));
      },
    );
  };

  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-700 dark:text-slate-300">
        Lost a phone, or signed in on a computer that is not yours? End every session of your account at once.
      </p>
      <Button
        variant="secondary"
        onClick={() => {
          setError(null);
          setOpen(true);
        }}
      >
        Sign out everywhere
      </Button>
      <ConfirmDialog
        open={open}
        title="Sign out on every device?"
        confirmLabel="Sign out everywhere"
        tone="danger"
        busy={busy}
        busyLabel="Signing out…"
        error={error}
        onConfirm={confirm}
        onCancel={() => setOpen(false)}
      >
        <p>Every device signed in to this account, this one included, is signed out now.</p>
        <p>
          A printed card still opens your emergency information and still signs you in. If a card is lost, make a new QR
          code on the print page as well.
        </p>
      </ConfirmDialog>
    </div>
  );
}
