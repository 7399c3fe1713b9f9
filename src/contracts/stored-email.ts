/**
 * The stored email: what render writes once per issue (`issues/<id>/email.json`) or alert edition
 * (`alerts/<id>/email.json`), and what the sender reads to build each reader's message by substituting the
 * placeholders (placeholders.ts). Private: the CDN never serves it. Images are read from
 * `<folder>/charts/<filename>` when `imageMode` is `cid`.
 */
import { z } from 'zod';
import { PLACEHOLDER_NONCE } from './placeholders';

/** What one issue stores for a reader's "Your numbers" (email.json `personal`). */
export const personalDataSchema = z.object({
  asOf: z.string(),
  /** The issue's 7-day hashprice, USD/PH/day; null when the issue has none. */
  hashpriceUsdPerPhDay: z.number().finite().nullable(),
  /** The machines the issue models (its fleet), most efficient first or as the issue lists them. */
  machines: z.array(
    z.object({ id: z.string(), model: z.string().min(1), jPerTh: z.number().finite().positive() }),
  ),
});

export type PersonalData = z.infer<typeof personalDataSchema>;

export const storedEmailSchema = z.object({
  issueId: z.string().min(1),
  subject: z.string().min(1).max(998),
  preheader: z.string(),
  /** Email HTML with the issue's placeholders. */
  html: z.string().min(1),
  /** Plain-text part with the issue's placeholders. */
  text: z.string().min(1),
  /** The nonce of the placeholders in `html` and `text`; absent in issues archived before nonces. */
  placeholderNonce: z.string().regex(PLACEHOLDER_NONCE, 'must be 32 lower-case hex digits').optional(),
  imageMode: z.enum(['hosted', 'cid']),
  images: z.array(
    z.object({
      filename: z.string().min(1),
      cid: z.string().min(1),
      contentType: z.literal('image/png'),
    }),
  ),
  /** The figures of "Your numbers"; absent in issues archived before personal numbers (no block then). */
  personal: personalDataSchema.optional(),
});

export type StoredEmail = z.infer<typeof storedEmailSchema>;
