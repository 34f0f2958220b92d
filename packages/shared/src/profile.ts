/**
 * `GET /api/users/me` and the avatar upload: the answers the API sends and the web app parses,
 * defined once here (they were written out twice, in users.routes.ts and the web's get-profile.ts).
 */
import { z } from 'zod';
import { cardSchema } from './card.js';
import { userSchema } from './user.js';

/** The signed-in person's account and medical card. */
export const profileSchema = z.object({ user: userSchema, card: cardSchema });
export type Profile = z.infer<typeof profileSchema>;

/** `PUT /api/users/me/avatar`: the new public avatar URL. */
export const avatarResponseSchema = z.object({ avatarUrl: z.string() });
export type AvatarResponse = z.infer<typeof avatarResponseSchema>;
