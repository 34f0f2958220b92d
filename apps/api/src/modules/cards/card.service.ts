/**
 * The medical card: read and edit by its owner (BMI recomputed on every height/weight change),
 * the QR (regenerate = every earlier QR stops working), the emergency view (only the fields the
 * owner chose; every view audited), the FHIR export, and the card as assistant context (only with
 * the owner's consent).
 */
import {
  EMERGENCY_FIELDS,
  type Card,
  type EmergencyField,
  type EmergencyView,
  type ProfilePatch,
} from '@medichat/shared';
import { computeBmi, MeasurementError, resolveMeasurements } from '../../lib/bmi.js';
import { AppError, notFound, unprocessable } from '../../lib/errors.js';
import { cardToFhirBundle, type FhirBundle } from '../../lib/fhir.js';
import type { ClientInfo } from '../../lib/principal.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { CardData, CardRepository, StoredCard } from './card.repository.js';
import { qrTokenOf } from './qr-url.js';

/** Signs and verifies the QR token (the account module's TokenService); given by the composition root. */
export interface QrSigner {
  signQr(userId: string, version: number): string;
  /** The user id and version a QR token names, or null when it is not one of ours. */
  verifyQr(token: string): { userId: string; version: number } | null;
}

export type CardPatch = Omit<ProfilePatch, 'displayName'>;

const MAX_WRITE_ATTEMPTS = 5;

export function presentCard(card: StoredCard): Card {
  const { measuredAt: _measuredAt, ...data } = card.data;
  return { ...data, qrVersion: card.qrVersion, updatedAt: card.updatedAt.toISOString() };
}

export class CardService {
  constructor(
    private readonly deps: {
      cards: CardRepository;
      audit: AuditRepository;
      tokens: QrSigner;
      emergencyNumber: string;
      now: () => Date;
      /** Flags high-risk medicines on the emergency view (the medication module's class data). */
      highRisk?: (medicationNames: readonly string[]) => Array<{ medication: string; reasons: string[] }>;
    },
  ) {}

  private async load(userId: string): Promise<StoredCard> {
    const card = await this.deps.cards.findByUserId(userId);
    if (!card) throw notFound('This account has no medical card.');
    return card;
  }

  async get(userId: string): Promise<Card> {
    return presentCard(await this.load(userId));
  }

  /**
   * Applies a patch: `undefined` leaves a field, `null` clears it, lists are replaced. Height and
   * weight (metric or imperial) recompute the BMI; so does a new date of birth (adult category or
   * not). Retries on a concurrent edit, re-applying the patch to the fresh card.
   */
  async update(userId: string, patch: CardPatch, context: ClientInfo = {}): Promise<Card> {
    const { heightCm: hCm, weightKg: wKg, heightFt, heightIn, weightLb, ...rest } = patch;
    let measurements: { heightCm?: number | null; weightKg?: number | null };
    try {
      measurements = resolveMeasurements({ heightCm: hCm, weightKg: wKg, heightFt, heightIn, weightLb });
    } catch (err) {
      if (err instanceof MeasurementError)
        throw unprocessable(err.message, [{ path: `body.${err.field}`, message: err.message }]);
      throw err;
    }
    const changed = Object.keys(patch);
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const card = await this.load(userId);
      const now = this.deps.now();
      const next: CardData = { ...card.data };
      for (const [k, v] of Object.entries(rest)) {
        if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
      }
      const measurementsChanged =
        (measurements.heightCm !== undefined && measurements.heightCm !== card.data.heightCm) ||
        (measurements.weightKg !== undefined && measurements.weightKg !== card.data.weightKg);
      if (measurements.heightCm !== undefined) next.heightCm = measurements.heightCm;
      if (measurements.weightKg !== undefined) next.weightKg = measurements.weightKg;
      if (measurementsChanged) next.measuredAt = now.toISOString();
      try {
        next.bmi = computeBmi({ heightCm: next.heightCm, weightKg: next.weightKg, dateOfBirth: next.dateOfBirth, now });
      } catch (err) {
        if (err instanceof MeasurementError)
          throw unprocessable(err.message, [{ path: `body.${err.field}`, message: err.message }]);
        throw err;
      }
      const saved = await this.deps.cards.save(card, next, now);
      if (saved) {
        await this.deps.audit.record({
          actorId: userId,
          subjectId: userId,
          action: 'card.updated',
          ip: context.ip,
          userAgent: context.userAgent,
          detail: { fields: changed },
        });
        return presentCard(saved);
      }
    }
    throw new AppError('conflict', 409, 'The card was changed by another request at the same time; try again.');
  }

  /**
   * The current QR token (no version bump: the printed card keeps working). A card that never had
   * a QR (version 0) gets its first one, since there is no printed card to break.
   */
  async currentQr(userId: string, context: ClientInfo = {}): Promise<{ qr: string; version: number }> {
    const raw = await this.deps.cards.findRawByUserId(userId);
    if (!raw) throw notFound('This account has no medical card.');
    if (raw.qrVersion < 1) return this.regenerateQr(userId, context);
    return { qr: this.deps.tokens.signQr(userId, raw.qrVersion), version: raw.qrVersion };
  }

  /** A new QR: bumps the version (earlier QRs stop working at once) and returns its string. */
  async regenerateQr(userId: string, context: ClientInfo = {}): Promise<{ qr: string; version: number }> {
    const raw = await this.deps.cards.findRawByUserId(userId);
    if (!raw) throw notFound('This account has no medical card.');
    const version = await this.deps.cards.bumpQrVersion(raw.id);
    if (version === null) throw notFound('This account has no medical card.');
    await this.deps.audit.record({
      actorId: userId,
      subjectId: userId,
      action: 'qr.regenerated',
      ip: context.ip,
      userAgent: context.userAgent,
      detail: { version },
    });
    return { qr: this.deps.tokens.signQr(userId, version), version };
  }

  /**
   * The owner a QR string belongs to, if it is genuine and current; null otherwise. A genuine but
   * superseded QR is audited on its owner's trail (someone holds an old card).
   */
  async resolveQr(
    qr: string,
    context: ClientInfo = {},
    purpose: 'login' | 'emergency' = 'login',
  ): Promise<string | null> {
    const token = qrTokenOf(qr);
    const parsed = token ? this.deps.tokens.verifyQr(token) : null;
    if (!parsed) return null;
    const raw = await this.deps.cards.findRawByUserId(parsed.userId);
    if (!raw) return null;
    if (raw.qrVersion !== parsed.version) {
      await this.deps.audit.record({
        actorId: purpose === 'emergency' ? 'emergency' : 'anonymous',
        subjectId: parsed.userId,
        action: 'qr.refused',
        ip: context.ip,
        userAgent: context.userAgent,
        detail: { purpose, version: parsed.version, current: raw.qrVersion },
      });
      return null;
    }
    return parsed.userId;
  }

  /** The emergency view: only the fields the owner chose. Every view is audited. */
  async emergencyView(qr: string, context: ClientInfo): Promise<EmergencyView> {
    const userId = await this.resolveQr(qr, context, 'emergency');
    if (!userId) throw notFound('This QR code is not valid or has been replaced.');
    const card = await this.load(userId);
    const shown: Partial<Record<EmergencyField, unknown>> = {};
    for (const f of card.data.emergencyFields) {
      if ((EMERGENCY_FIELDS as readonly string[]).includes(f)) shown[f] = card.data[f];
    }
    await this.deps.audit.record({
      actorId: 'emergency',
      subjectId: userId,
      action: 'card.emergency_view',
      ip: context.ip,
      userAgent: context.userAgent,
      detail: { fields: card.data.emergencyFields },
    });
    const shownMedications = (shown.medications as Array<{ name: string }> | undefined) ?? null;
    return {
      card: shown as EmergencyView['card'],
      emergencyNumber: this.deps.emergencyNumber,
      updatedAt: card.updatedAt.toISOString(),
      ...(shownMedications && this.deps.highRisk
        ? { highRiskMedications: this.deps.highRisk(shownMedications.map((m) => m.name)) }
        : {}),
    };
  }

  async fhir(userId: string, email: string): Promise<FhirBundle> {
    const card = await this.load(userId);
    const { measuredAt, ...rest } = card.data;
    return cardToFhirBundle({
      userId,
      email,
      card: { ...rest, measuredAt, updatedAt: card.updatedAt.toISOString() },
      now: this.deps.now(),
    });
  }

  /**
   * The card as context for the assistant, or null when its owner has not consented
   * (`shareCardWithAssistant`) or has no card. For the chat feature.
   */
  async forAssistant(userId: string): Promise<Card | null> {
    const card = await this.deps.cards.findByUserId(userId);
    if (!card || !card.data.shareCardWithAssistant) return null;
    return presentCard(card);
  }
}
