/** The signed-in person's profile: the account (display name) and the medical card together. */
import type { Card, ProfilePatch, User } from '@medichat/shared';
import { unauthorized } from '../../lib/errors.js';
import type { ClientInfo } from '../../lib/principal.js';
import type { CardService } from '../cards/card.service.js';
import { presentUser } from './user.presenter.js';
import type { UserRepository } from './user.repository.js';

export class ProfileService {
  constructor(
    private readonly deps: {
      users: Pick<UserRepository, 'get' | 'update'>;
      cards: Pick<CardService, 'get' | 'update'>;
      now: () => Date;
    },
  ) {}

  async get(userId: string): Promise<{ user: User; card: Card }> {
    const user = await this.deps.users.get(userId);
    if (!user) throw unauthorized();
    return { user: presentUser(user), card: await this.deps.cards.get(userId) };
  }

  async update(userId: string, patch: ProfilePatch, context: ClientInfo): Promise<{ user: User; card: Card }> {
    const { displayName, ...cardPatch } = patch;
    let user = await this.deps.users.get(userId);
    if (!user) throw unauthorized();
    // The card first: it is the part that can be refused (implausible measurements).
    const card = Object.keys(cardPatch).length
      ? await this.deps.cards.update(userId, cardPatch, context)
      : await this.deps.cards.get(userId);
    if (displayName !== undefined && displayName !== user.displayName) {
      user = (await this.deps.users.update(userId, { displayName }, this.deps.now())) ?? user;
    }
    return { user: presentUser(user), card };
  }
}
