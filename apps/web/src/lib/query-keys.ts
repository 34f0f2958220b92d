/**
 * Query keys more than one feature touches (the signed-in user's profile and trail), so that one
 * feature can refresh what another shows without importing it.
 */
export const queryKeys = {
  /** `GET /api/users/me`: profile and card. */
  profile: ['me'] as const,
  /** `GET /api/users/me/audit`: the owner's trail (under `profile`, so invalidating that refreshes both). */
  audit: ['me', 'audit'] as const,
};
