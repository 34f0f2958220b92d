import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { PASSWORD_MAX, PASSWORD_MIN } from '@medichat/shared';
import { Button } from '@/components/ui/button';
import { FormAlert, TextField } from '@/components/ui/form';
import { ApiError } from '@/lib/api-client';
import {
  describeError,
  fieldErrorsFromApi,
  fieldErrorsFromZod,
  useFocusFirstError,
  sentence,
  type FieldErrors,
} from '@/lib/form';
import { registerSchema, useRegister } from '../api/register';
import { PasswordChecklist } from './password-checklist';
import { PasswordVisibilityToggle } from './password-visibility-toggle';

/**
 * Sign-up: name, email, password. The password policy is shown as a live checklist; what only the
 * server can check (common passwords) comes back as a field error under the password.
 */
export function RegisterForm({ redirectTo = '/card?welcome=1' }: { redirectTo?: string }) {
  const navigate = useNavigate();
  const { ref: formRef, focusFirstError } = useFocusFirstError();
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [showPassword, setShowPassword] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const mutation = useRegister();

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    const parsed = registerSchema.safeParse({
      email,
      password,
      ...(displayName.trim() ? { displayName } : {}),
    });
    if (!parsed.success) {
      setErrors(fieldErrorsFromZod(parsed.error));
      focusFirstError();
      return;
    }
    setErrors({});
    mutation.mutate(parsed.data, {
      onSuccess: () => navigate(redirectTo, { replace: true }),
      onError: (error) => {
        const fields = fieldErrorsFromApi(error);
        if (error instanceof ApiError && error.type === 'conflict') {
          fields.email = error.detail ?? 'An account cannot be created with this email.';
        }
        if (Object.keys(fields).length) {
          setErrors(fields);
          if (fields._form) setFormError(fields._form);
        } else {
          setFormError(describeError(error));
        }
        focusFirstError();
      },
    });
  };

  const error = (key: string) => (errors[key] ? sentence(errors[key]) : undefined);

  return (
    <form ref={formRef} noValidate onSubmit={onSubmit} className="space-y-5" aria-describedby="register-privacy">
      <FormAlert>{formError}</FormAlert>
      <TextField
        id="register-name"
        label="Your name"
        optional
        hint="How Medichat greets you. You can change it later."
        autoComplete="name"
        value={displayName}
        onValueChange={setDisplayName}
        error={error('displayName')}
        maxLength={100}
      />
      <TextField
        id="register-email"
        label="Email"
        type="email"
        autoComplete="email"
        inputMode="email"
        required
        aria-required="true"
        value={email}
        onValueChange={setEmail}
        error={error('email')}
      />
      <div>
        <TextField
          id="register-password"
          label="Password"
          type={showPassword ? 'text' : 'password'}
          autoComplete="new-password"
          required
          aria-required="true"
          value={password}
          onValueChange={setPassword}
          error={error('password')}
          describedById="register-password-rules"
          maxLength={PASSWORD_MAX * 2}
        />
        <PasswordVisibilityToggle
          controls="register-password"
          shown={showPassword}
          onToggle={() => setShowPassword((s) => !s)}
        />
        <PasswordChecklist id="register-password-rules" password={password} email={email} min={PASSWORD_MIN} />
      </div>
      <p id="register-privacy" className="text-sm text-slate-700 dark:text-slate-300">
        Creating an account also creates your medical card. It stays empty until you fill it in, and it is encrypted
        field by field.
      </p>
      <Button type="submit" size="lg" className="w-full" disabled={mutation.isPending}>
        {mutation.isPending ? 'Creating your account…' : 'Create account'}
      </Button>
    </form>
  );
}
