import { useMutation } from '@tanstack/react-query';
import { loginSchema, sessionSchema, type LoginInput, type Session } from '@medichat/shared';
import { signInClient, startSession } from '@/lib/session';

/** `POST /api/auth/login`: email and password. */
export { loginSchema };

export function login(input: LoginInput): Promise<Session> {
  return signInClient.post('/api/auth/login', input, {}, sessionSchema);
}

export function useLogin() {
  return useMutation({ mutationFn: login, onSuccess: (session) => startSession(session) });
}
