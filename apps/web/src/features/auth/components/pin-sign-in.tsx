import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { emailSchema, pinSchema } from '@medichat/shared';
import { Button } from '@/components/ui/button';
import { FormAlert, TextField } from '@/components/ui/form';
import { UserIcon } from '@/components/ui/icons';
import { ApiError } from '@/lib/api-client';
import { forgetLastUser, getLastUser, type LastUser } from '@/lib/auth-store';
import { describeError, useFocusFirstError, formatWait, sentence, type FieldErrors } from '@/lib/form';
import { usePinLogin } from '../api/pin-login';

/**
 * The message for a failed PIN sign-in (wrong, locked, rate-limited…). By email it never says
 * which of the two was wrong: the server does not tell either.
 */
export function pinErrorMessage(error: unknown, byEmail = false): string {
  if (error instanceof ApiError) {
    if (error.type === 'invalid_credentials') {
      return byEmail
        ? 'That email and PIN do not match an account with a PIN. After 5 wrong PINs, PIN sign-in pauses for a while.'
        : 'That PIN is not right for this account. After 5 wrong PINs, PIN sign-in pauses for a while.';
    }
    if (error.type === 'locked') {
      const wait = error.retryAfter ? ` Try again in ${formatWait(error.retryAfter)},` : ' Try again later,';
      return `PIN sign-in is locked after too many wrong PINs.${wait} or sign in with your email and password.`;
    }
  }
  return describeError(error);
}

/**
 * PIN sign-in: `{userId, pin}` for the last account that signed in on this device (remembered
 * without any secret), else `{email, pin}` on a new device. A wrong email answers like a wrong PIN.
 */
export function PinSignIn({ redirectTo }: { redirectTo: string }) {
  const navigate = useNavigate();
  const { ref: formRef, focusFirstError } = useFocusFirstError();
  const [lastUser, setLastUser] = useState<LastUser | null>(getLastUser);
  const [email, setEmail] = useState('');
  const [pin, setPin] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const mutation = usePinLogin();

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    const fields: FieldErrors = {};
    const address = email.trim();
    if (!lastUser) {
      if (!address) fields.email = 'Enter your email';
      else if (!emailSchema.safeParse(address).success)
        fields.email = 'Enter an email address such as name@example.com';
    }
    const pinCheck = pinSchema.safeParse(pin);
    if (!pinCheck.success) fields.pin = sentence(pinCheck.error.issues[0]?.message ?? 'Enter your PIN');
    setErrors(fields);
    if (Object.keys(fields).length) {
      focusFirstError();
      return;
    }
    mutation.mutate(lastUser ? { userId: lastUser.id, pin } : { email: address, pin }, {
      onSuccess: () => navigate(redirectTo, { replace: true }),
      onError: (error) => {
        setPin('');
        setFormError(pinErrorMessage(error, !lastUser));
        focusFirstError();
      },
    });
  };

  const switchAccount = () => {
    setLastUser(null);
    setFormError(null);
    setErrors({});
  };

  return (
    <form ref={formRef} noValidate onSubmit={onSubmit} className="space-y-5">
      <FormAlert>{formError}</FormAlert>
      {lastUser ? (
        <div className="flex flex-wrap items-center gap-3 rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-900">
          <span className="flex size-10 shrink-0 items-center justify-center rounded-full bg-teal-50 text-teal-800 dark:bg-teal-950 dark:text-teal-200">
            <UserIcon />
          </span>
          <p className="flex-1">
            <span className="block text-sm text-slate-700 dark:text-slate-300">Signing in as</span>
            <span className="block font-semibold" data-testid="pin-last-user">
              {lastUser.displayName}
            </span>
          </p>
          <div className="flex flex-wrap gap-2">
            <Button variant="ghost" onClick={switchAccount}>
              Use another account
            </Button>
            <Button
              variant="ghost"
              onClick={() => {
                forgetLastUser();
                switchAccount();
              }}
            >
              Forget this device
            </Button>
          </div>
          {!lastUser.hasPin ? (
            <p className="w-full text-sm text-slate-700 dark:text-slate-300">
              This account has no PIN yet. Sign in with your password, then choose a PIN on your medical card page.
            </p>
          ) : null}
        </div>
      ) : (
        <TextField
          id="pin-email"
          label="Email"
          hint="The email of your account. Choose a PIN on your medical card page first."
          type="email"
          autoComplete="username"
          autoCapitalize="off"
          spellCheck={false}
          value={email}
          onValueChange={setEmail}
          error={errors.email}
        />
      )}
      <TextField
        id="pin-code"
        label="PIN"
        hint="4 to 8 digits."
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={8}
        value={pin}
        onValueChange={(v) => setPin(v.replace(/\D/g, ''))}
        error={errors.pin}
        className="tracking-[0.4em]"
      />
      <Button type="submit" size="lg" className="w-full" disabled={mutation.isPending}>
        {mutation.isPending ? 'Signing in…' : 'Sign in with PIN'}
      </Button>
      <p className="text-sm text-slate-700 dark:text-slate-300">
        Forgot your PIN?{' '}
        <Link to="/login" className="font-semibold text-teal-800 underline underline-offset-2 dark:text-teal-300">
          Sign in with your email and password
        </Link>{' '}
        and choose a new one.
      </p>
    </form>
  );
}
