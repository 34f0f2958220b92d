import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { FormAlert, TextField } from '@/components/ui/form';
import { useSession } from '@/lib/auth-store';
import { fieldErrorsFromZod, useFocusFirstError, sentence, type FieldErrors, submitErrors } from '@/lib/form';
import { useRemovePin } from '../api/remove-pin';
import { setPinSchema, useSetPin } from '../api/set-pin';

/**
 * Set, change or remove the sign-in PIN (each asks for the password again), and the user id that
 * PIN sign-in needs on another device. With a PIN set, QR sign-in asks for it too.
 */
export function PinSettings() {
  const { user } = useSession();
  const { ref: formRef, focusFirstError } = useFocusFirstError();
  const [pin, setPin] = useState('');
  const [confirm, setConfirm] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const mutation = useSetPin();
  const removal = useRemovePin();
  if (!user) return null;
  const busy = mutation.isPending || removal.isPending;

  const onPasswordError = (error: unknown) => {
    const { fields, form } = submitErrors(error, 'password');
    setErrors(fields);
    setFormError(form);
    focusFirstError();
  };

  const onRemove = () => {
    setFormError(null);
    setDone(null);
    if (!password) {
      setErrors({ password: 'Enter your password to remove the PIN' });
      focusFirstError();
      return;
    }
    setErrors({});
    removal.mutate(
      { password },
      {
        onSuccess: () => {
          setPin('');
          setConfirm('');
          setPassword('');
          setDone('Your PIN is removed. QR sign-in no longer asks for one.');
        },
        onError: onPasswordError,
      },
    );
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    setDone(null);
    const parsed = setPinSchema.safeParse({ pin, password });
    const fields: FieldErrors = parsed.success ? {} : fieldErrorsFromZod(parsed.error);
    if (!password) fields.password = 'Enter your password';
    if (!fields.pin && confirm !== pin) fields.confirm = 'The two PINs are not the same';
    setErrors(fields);
    if (!parsed.success || Object.keys(fields).length) {
      focusFirstError();
      return;
    }
    mutation.mutate(parsed.data, {
      onSuccess: () => {
        setPin('');
        setConfirm('');
        setPassword('');
        setDone('Your PIN is set.');
      },
      onError: onPasswordError,
    });
  };

  const err = (key: string) => (errors[key] ? sentence(errors[key]) : undefined);

  return (
    <div className="space-y-5">
      <div>
        <p className="text-sm font-semibold">Your user id</p>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          PIN sign-in on a new device asks for it. This device remembers it for you.
        </p>
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <code className="rounded-md bg-slate-100 px-2 py-1 text-sm break-all dark:bg-slate-800" data-testid="user-id">
            {user.id}
          </code>
          <Button
            variant="ghost"
            onClick={() =>
              void navigator.clipboard
                ?.writeText(user.id)
                .then(() => setCopied(true))
                .catch(() => setCopied(false))
            }
          >
            Copy
          </Button>
          <span role="status" className="text-sm text-teal-800 dark:text-teal-300">
            {copied ? 'Copied.' : ''}
          </span>
        </div>
      </div>
      <form ref={formRef} noValidate onSubmit={onSubmit} className="space-y-4" aria-labelledby="pin-form-title">
        <h3 id="pin-form-title" className="font-semibold">
          {user.hasPin ? 'Change your PIN' : 'Choose a PIN'}
        </h3>
        <p className="text-sm text-slate-700 dark:text-slate-300">
          {user.hasPin
            ? 'A PIN is set. QR sign-in asks for it too, so a lost card cannot sign anyone in.'
            : 'A PIN lets you sign in quickly on this device, and protects QR sign-in with your printed card.'}
        </p>
        <FormAlert>{formError}</FormAlert>
        {done ? <FormAlert tone="info">{done}</FormAlert> : null}
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            id="pin-new"
            label="New PIN"
            hint="4 to 8 digits."
            type="password"
            inputMode="numeric"
            autoComplete="off"
            maxLength={8}
            value={pin}
            onValueChange={(v) => setPin(v.replace(/\D/g, ''))}
            error={err('pin')}
          />
          <TextField
            id="pin-confirm"
            label="New PIN again"
            hint="The same digits."
            type="password"
            inputMode="numeric"
            autoComplete="off"
            maxLength={8}
            value={confirm}
            onValueChange={(v) => setConfirm(v.replace(/\D/g, ''))}
            error={err('confirm')}
          />
        </div>
        <TextField
          id="pin-password"
          label="Your password"
          hint="To confirm it is you."
          type="password"
          autoComplete="current-password"
          value={password}
          onValueChange={setPassword}
          error={err('password')}
        />
        <div className="flex flex-wrap gap-3">
          <Button type="submit" disabled={busy}>
            {mutation.isPending ? 'Saving…' : user.hasPin ? 'Change PIN' : 'Set PIN'}
          </Button>
          {user.hasPin ? (
            <Button variant="secondary" disabled={busy} onClick={onRemove}>
              {removal.isPending ? 'Removing…' : 'Remove PIN'}
            </Button>
          ) : null}
        </div>
      </form>
    </div>
  );
}
