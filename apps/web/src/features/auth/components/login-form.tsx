import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { Button } from '@/components/ui/button';
import { FormAlert, TextField } from '@/components/ui/form';
import { ApiError } from '@/lib/api-client';
import { describeError, fieldErrorsFromZod, useFocusFirstError, sentence, type FieldErrors } from '@/lib/form';
import { loginSchema, useLogin } from '../api/login';
import { PasswordVisibilityToggle } from './password-visibility-toggle';

/** Email and password. A wrong pair gets one message that does not say which part was wrong. */
export function LoginForm({ redirectTo }: { redirectTo: string }) {
  const navigate = useNavigate();
  const { ref: formRef, focusFirstError } = useFocusFirstError();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [showPassword, setShowPassword] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const mutation = useLogin();

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    const parsed = loginSchema.safeParse({ email, password });
    if (!parsed.success) {
      const fields = fieldErrorsFromZod(parsed.error);
      if (!password) fields.password = 'Enter your password';
      setErrors(fields);
      focusFirstError();
      return;
    }
    setErrors({});
    mutation.mutate(parsed.data, {
      onSuccess: () => navigate(redirectTo, { replace: true }),
      onError: (error) => {
        setFormError(
          error instanceof ApiError && error.type === 'invalid_credentials'
            ? 'That email and password do not match an account. Check them and try again.'
            : describeError(error),
        );
        focusFirstError();
      },
    });
  };

  const error = (key: string) => (errors[key] ? sentence(errors[key]) : undefined);

  return (
    <form ref={formRef} noValidate onSubmit={onSubmit} className="space-y-5">
      <FormAlert>{formError}</FormAlert>
      <TextField
        id="login-email"
        label="Email"
        type="email"
        autoComplete="username"
        inputMode="email"
        required
        aria-required="true"
        value={email}
        onValueChange={setEmail}
        error={error('email')}
      />
      <div>
        <TextField
          id="login-password"
          label="Password"
          type={showPassword ? 'text' : 'password'}
          autoComplete="current-password"
          required
          aria-required="true"
          value={password}
          onValueChange={setPassword}
          error={error('password')}
        />
        <PasswordVisibilityToggle
          controls="login-password"
          shown={showPassword}
          onToggle={() => setShowPassword((s) => !s)}
        />
      </div>
      <Button type="submit" size="lg" className="w-full" disabled={mutation.isPending}>
        {mutation.isPending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
