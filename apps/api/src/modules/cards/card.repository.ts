/**
 * Medical cards in `medical_cards`, encrypted at rest field by field: every field of `data` is an
 * AES-256-GCM envelope (lib/crypto.ts) bound to `medical_cards:<userId>:<field>`, so the raw
 * database shows no name, allergy, medication or condition. Every write re-encrypts the whole card
 * with the current key, so a card written under an old key moves to the new one on its next change.
 * Writes are compare-and-set on `updatedAt`: two edits at once never silently drop one another.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Bmi, Card, EmergencyField } from '@medichat/shared';
import type { Collection } from '../../engines/storage/port.js';
import type { MedicalCardDoc } from '../../engines/storage/collections.js';
import type { FieldCipher } from '../../lib/crypto.js';

/** The card's plain fields, as the service works with them (never stored like this). */
export interface CardData {
  name: string | null;
  dateOfBirth: string | null;
  sex: Card['sex'];
  bloodType: Card['bloodType'];
  heightCm: number | null;
  weightKg: number | null;
  bmi: Bmi | null;
  /** When height or weight last changed (ISO), for the FHIR observations. */
  measuredAt: string | null;
  allergies: Card['allergies'];
  conditions: Card['conditions'];
  medications: Card['medications'];
  immunizations: Card['immunizations'];
  emergencyContacts: Card['emergencyContacts'];
  organDonor: boolean | null;
  primaryPhysician: Card['primaryPhysician'];
  language: string | null;
  notes: string | null;
  emergencyFields: EmergencyField[];
  shareCardWithAssistant: boolean;
}

export const CARD_FIELDS = [
  'name',
  'dateOfBirth',
  'sex',
  'bloodType',
  'heightCm',
  'weightKg',
  'bmi',
  'measuredAt',
  'allergies',
  'conditions',
  'medications',
  'immunizations',
  'emergencyContacts',
  'organDonor',
  'primaryPhysician',
  'language',
  'notes',
  'emergencyFields',
  'shareCardWithAssistant',
] as const satisfies ReadonlyArray<keyof CardData>;

export function emptyCard(emergencyFields: EmergencyField[]): CardData {
  return {
    name: null,
    dateOfBirth: null,
    sex: null,
    bloodType: null,
    heightCm: null,
    weightKg: null,
    bmi: null,
    measuredAt: null,
    allergies: [],
    conditions: [],
    medications: [],
    immunizations: [],
    emergencyContacts: [],
    organDonor: null,
    primaryPhysician: null,
    language: null,
    notes: null,
    emergencyFields: [...emergencyFields],
    shareCardWithAssistant: false,
  };
}

export interface StoredCard {
  id: string;
  userId: string;
  data: CardData;
  qrVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export class CardRepository {
  constructor(
    private readonly cards: Collection<MedicalCardDoc>,
    private readonly cipher: FieldCipher,
  ) {}

  private aad(userId: string, field: string): string {
    return `medical_cards:${userId}:${field}`;
  }

  private seal(userId: string, data: CardData): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of CARD_FIELDS) out[f] = this.cipher.encrypt(data[f], this.aad(userId, f));
    return out;
  }

  private open(doc: MedicalCardDoc): StoredCard {
    const data = emptyCard([]) as unknown as Record<string, unknown>;
    for (const f of CARD_FIELDS) {
      const env = doc.data[f];
      if (typeof env === 'string') data[f] = this.cipher.decrypt(env, this.aad(doc.userId, f));
    }
    return {
      id: doc.id,
      userId: doc.userId,
      data: data as unknown as CardData,
      qrVersion: doc.qrVersion,
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
    };
  }

  /** Throws the storage ConflictError when the user already has a card. */
  async create(userId: string, data: CardData, now: Date): Promise<StoredCard> {
    const doc: MedicalCardDoc = {
      id: uuidv7(),
      userId,
      data: this.seal(userId, data),
      qrVersion: 0,
      createdAt: now,
      updatedAt: now,
    };
    return this.open(await this.cards.insert(doc));
  }

  async findByUserId(userId: string): Promise<StoredCard | null> {
    const doc = await this.cards.findOne({ userId });
    return doc ? this.open(doc) : null;
  }

  /** The raw document (qrVersion checks need no decryption). */
  findRawByUserId(userId: string): Promise<MedicalCardDoc | null> {
    return this.cards.findOne({ userId });
  }

  /** Writes `data` only if the card was not changed since `expectedUpdatedAt`; null otherwise. */
  async save(card: StoredCard, data: CardData, now: Date): Promise<StoredCard | null> {
    // Strictly increasing, so the compare-and-set can tell two writes within one millisecond apart.
    const updatedAt = now.getTime() > card.updatedAt.getTime() ? now : new Date(card.updatedAt.getTime() + 1);
    const doc = await this.cards.update(
      card.id,
      { set: { data: this.seal(card.userId, data), updatedAt } },
      { updatedAt: card.updatedAt },
    );
    return doc ? this.open(doc) : null;
  }

  /** Bumps the QR version (every earlier QR stops working) and returns the new version. */
  async bumpQrVersion(cardId: string): Promise<number | null> {
    const doc = await this.cards.update(cardId, { inc: { qrVersion: 1 } });
    return doc ? doc.qrVersion : null;
  }

  /** Cards created in [from, to) (id, owner, time), oldest first, after `after`: the boot repair's scan. */
  async createdBetween(
    from: Date,
    to: Date,
    limit: number,
    after?: { createdAt: Date; id: string },
  ): Promise<Array<{ id: string; userId: string; createdAt: Date }>> {
    const docs = await this.cards.find(
      { createdAt: { gte: from, lt: to } },
      {
        sort: [
          ['createdAt', 1],
          ['id', 1],
        ],
        limit,
        ...(after ? { after } : {}),
      },
    );
    return docs.map((d) => ({ id: d.id, userId: d.userId, createdAt: d.createdAt }));
  }

  deleteByUserId(userId: string): Promise<number> {
    return this.cards.deleteMany({ userId });
  }
}
