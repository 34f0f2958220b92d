import { useState, type FormEvent } from 'react';
import { PASSWORD_MIN } from '@medichat/shared';
import { Button } from '@/components/ui/button';
import { FormAlert, TextField } from '@/components/ui/form';
import { fieldErrorsFromZod, sentence, useFocusFirstError, type FieldErrors, submitErrors } from '@/lib/form';
import { changePasswordSchema, useChangePassword } from '../api/change-password';

/**
 * Change the password: the current one, the new one twice. The server also refuses common
 * passwords and the email; every other device is signed out, this one goes on.
 */
export function PasswordSettings() {
  const { ref: formRef, focusFirstError } = useFocusFirstError();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const mutation = useChangePassword();

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    setDone(null);
    const parsed = changePasswordSchema.safeParse({ currentPassword, newPassword });
    const fields: FieldErrors = parsed.success ? {} : fieldErrorsFromZod(parsed.error);
    if (!currentPassword) fields.currentPassword = 'Enter your current password';
    if (!fields.newPassword && confirm !== newPassword) fields.confirm = 'The two passwords are not the same';
    setErrors(fields);
    if (!parsed.success || Object.keys(fields).length) {
      focusFirstError();
      return;
    }
    mutation.mutate(parsed.data, {
      onSuccess: ({ otherSessionsEnded }) => {
        setCurrentPassword('');
        setNewPassword('');
        setConfirm('');
        setDone(
          otherSessionsEnded === 0
            ? 'Your password is changed.'
            : `Your password is changed, and ${otherSessionsEnded === 1 ? 'one other device was' : `${otherSessionsEnded} other devices were`} signed out.`,
        );
      },
      onError: (error) => {
        const { fields, form } = submitErrors(error, 'currentPassword');
        setErrors(fields);
        setFormError(form);
        focusFirstError();
      },
    });
  };

  const err = (key: string) => (errors[key] ? sentence(errors[key]) : undefined);

  return (
    <form ref={formRef} noValidate onSubmit={onSubmit} className="space-y-4" aria-labelledby="password-form-title">
      <h3 id="password-form-title" className="font-semibold">
        Change your password
      </h3>
      <FormAlert>{formError}</FormAlert>
      {done ? <FormAlert tone="info">{done}</FormAlert> : null}
      <TextField
        id="password-current"
        label="Current password"
        type="password"
        autoComplete="current-password"
        value={currentPassword}
        onValueChange={setCurrentPassword}
        error={err('currentPassword')}
      />
      <TextField
        id="password-new"
        label="New password"
        hint={`At least ${PASSWORD_MIN} characters; a few unrelated words work well.`}
        type="password"
        autoComplete="new-password"
        value={newPassword}
        onValueChange={setNewPassword}
        error={err('newPassword')}
      />
      <TextField
        id="password-confirm"
        label="New password again"
        type="password"
        autoComplete="new-password"
        value={confirm}
        onValueChange={setConfirm}
        error={err('confirm')}
      />
      <Button type="submit" disabled={mutation.isPending}>
        {mutation.isPending ? 'Saving…' : 'Change password'}
      </Button>
    </form>
  );
}
