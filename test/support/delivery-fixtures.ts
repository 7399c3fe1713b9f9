/**
 * Shared arrangements for delivery tests: a stored issue email in an archive, seeded subscribers, a
 * fake clock, and a recording mailer.
 */
import { createMemoryArchiveStore } from '../../src/archive/memory-store';
import type { ArchiveStore } from '../../src/archive/store';
import { PERSONAL_TOKENS } from '../../src/contracts/placeholders';
import type { StoredEmail } from '../../src/contracts/stored-email';
import { hashNormalizedAddress, normalizeAddress } from '../../src/delivery/address';
import type { SenderDeps } from '../../src/delivery/deliver';
import { createEmailLoader } from '../../src/delivery/email';
import { createLedger } from '../../src/delivery/ledger';
import type { Mailer, OutgoingMail } from '../../src/delivery/mailer';
import { unlimited } from '../../src/delivery/rate-limiter';
import { requestSubscription } from '../../src/delivery/subscribe';
import {
  createSubscriberStore,
  newSubscriber,
  type SubscriberStatus,
  type SubscriberStore,
} from '../../src/delivery/subscribers';

export const TEST_SECRET = 'test-secret-0123456789abcdef';
export const TEST_FROM = 'hashbrief <briefing@example.com>';
export const TEST_LINKS = 'https://links.example.com';
export const TEST_SETTINGS = { from: TEST_FROM, linksBaseUrl: TEST_LINKS, tokenSecret: TEST_SECRET };

/** A 1×1 transparent PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** A stored email with both personal tokens and one inline chart. */
export function storedEmail(issueId: string, overrides: Partial<StoredEmail> = {}): StoredEmail {
  return {
    issueId,
    subject: `hashbrief ${issueId}: hashprice at a 2-year low`,
    preheader: 'This week in mining',
    html: `<html><body><p>${PERSONAL_TOKENS.greeting}</p><img src="cid:hashprice@hashbrief" alt="chart"><p><a href="${PERSONAL_TOKENS.unsubscribeUrl}">Unsubscribe</a></p><p>Source: Coin Metrics</p></body></html>`,
    text: `${PERSONAL_TOKENS.greeting}\n\nHashprice fell.\n\nUnsubscribe: ${PERSONAL_TOKENS.unsubscribeUrl}\n`,
    imageMode: 'cid',
    images: [{ filename: 'hashprice.png', cid: 'hashprice@hashbrief', contentType: 'image/png' }],
    ...overrides,
  };
}

/** Writes `issues/<id>/email.json` and its chart into `archive`. */
export async function archiveIssue(archive: ArchiveStore, email: StoredEmail): Promise<void> {
  await archive.putIfAbsent(`issues/${email.issueId}/email.json`, JSON.stringify(email), {
    contentType: 'application/json',
  });
  for (const image of email.images) {
    await archive.putIfAbsent(`issues/${email.issueId}/charts/${image.filename}`, PNG, {
      contentType: 'image/png',
    });
  }
}

/** Seeds subscribers `user<i>@example.com`; returns their hashes by status. */
export async function seedSubscribers(
  subscribers: SubscriberStore,
  count: number,
  statusOf: (i: number) => SubscriberStatus = () => 'active',
  now = new Date('2026-11-01T00:00:00Z'),
): Promise<{ address: string; hash: string; status: SubscriberStatus }[]> {
  const out: { address: string; hash: string; status: SubscriberStatus }[] = [];
  for (let i = 0; i < count; i++) {
    const address = normalizeAddress(`user${i}@example.com`);
    const status = statusOf(i);
    await subscribers.put(newSubscriber(address, status, 'operator', now), null);
    out.push({ address, hash: hashNormalizedAddress(address), status });
  }
  return out;
}

/** A clock the test moves by hand. */
export function fakeClock(start = '2026-11-24T06:00:00Z') {
  let now = new Date(start).getTime();
  const clock = () => new Date(now);
  return {
    clock,
    advance: (ms: number) => {
      now += ms;
    },
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

/** A mailer that records what it was given. */
export function recordingMailer(): Mailer & { sent: OutgoingMail[] } {
  const sent: OutgoingMail[] = [];
  return {
    sent,
    async send(mail) {
      sent.push(mail);
      return { messageId: `m-${sent.length}` };
    },
  };
}

/**
 * The sender's ports over a delivery world: the archive's emails, its subscribers and ledger, `mailer`,
 * no rate limit, the fake clock `time` (sleeping moves it) and a fixed jitter.
 */
export function senderDeps(
  world: { archive: ArchiveStore; state: ArchiveStore; subscribers: SubscriberStore },
  mailer: Mailer,
  time = fakeClock(),
): SenderDeps {
  return {
    emails: createEmailLoader(world.archive),
    subscribers: world.subscribers,
    ledger: createLedger(world.state),
    mailer,
    limiter: unlimited,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
  };
}

/** Memory archive + subscriber store + one archived issue. */
export async function deliveryWorld(issueId = '2026-11-23') {
  const archive = createMemoryArchiveStore();
  const state = createMemoryArchiveStore();
  const subscribers = createSubscriberStore(state);
  await archiveIssue(archive, storedEmail(issueId));
  return { archive, state, subscribers, issueId };
}

/** Undoes quoted-printable soft breaks and escapes so links in a raw message can be matched. */
export function decodeQuotedPrintable(raw: Buffer | string): string {
  return raw
    .toString()
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** A sign-up's world: a subscriber list in memory, a recording mailer and a fake clock. */
export function signupWorld() {
  const subscribers = createSubscriberStore(createMemoryArchiveStore());
  const mailer = recordingMailer();
  const time = fakeClock();
  return { subscribers, mailer, time, deps: { subscribers, mailer, clock: time.clock } };
}

/**
 * Asks for a subscription at each address of `steps` in turn, moving the clock on by `advanceMs` where a
 * step says so; returns each request's outcome, in order.
 */
export async function requestInTurn(
  w: ReturnType<typeof signupWorld>,
  steps: readonly (string | { advanceMs: number })[],
): Promise<string[]> {
  const outcomes: string[] = [];
  for (const step of steps) {
    if (typeof step === 'string') {
      outcomes.push((await requestSubscription(step, w.deps, TEST_SETTINGS)).outcome);
    } else {
      w.time.advance(step.advanceMs);
    }
  }
  return outcomes;
}
