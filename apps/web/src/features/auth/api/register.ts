import { useMutation } from '@tanstack/react-query';
import { registeredSchema, registerSchema, type Registered, type RegisterInput } from '@medichat/shared';
import { signInClient, startSession } from '@/lib/session';

/** `POST /api/auth/register`: the account and its medical card, signed in at once. */
export { registerSchema };

export function register(input: RegisterInput): Promise<Registered> {
  return signInClient.post('/api/auth/register', input, {}, registeredSchema);
}

export function useRegister() {
  return useMutation({ mutationFn: register, onSuccess: (registered) => startSession(registered) });
}
