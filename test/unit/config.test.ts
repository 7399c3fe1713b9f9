import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_COOLDOWN_DAYS } from '../../src/alerts/events';
import { ConfigError, loadEnv } from '../../src/config/env';
import { defaultAssumptions } from '../../src/metrics/assumptions';

describe('loadEnv', () => {
  it('applies the documented upstream defaults when nothing is set', () => {
    const env = loadEnv({});
    expect(env.HASHBRIEF_COINMETRICS_URL).toBe('https://community-api.coinmetrics.io/v4');
    expect(env.HASHBRIEF_MEMPOOL_URL).toBe('https://mempool.space/api');
  });

  it('strips a trailing slash from base URLs so paths join cleanly', () => {
    expect(loadEnv({ HASHBRIEF_MEMPOOL_URL: 'http://127.0.0.1:9999/api/' }).HASHBRIEF_MEMPOOL_URL).toBe(
      'http://127.0.0.1:9999/api',
    );
  });

  it('names the variable and the bad value in the error', () => {
    expect(() => loadEnv({ HASHBRIEF_HTTP_TIMEOUT_MS: 'soon' })).toThrow(
      /HASHBRIEF_HTTP_TIMEOUT_MS.*"soon"/s,
    );
    expect(() => loadEnv({ HASHBRIEF_MEMPOOL_URL: 'ftp://x' })).toThrow(ConfigError);
  });

  it('parses the assumptions JSON at start-up, naming the variable and the field when it is wrong', () => {
    expect(() => loadEnv({ HASHBRIEF_ASSUMPTIONS_JSON: '{"powerPriceUsdPerKwh":-1}' })).toThrow(
      /HASHBRIEF_ASSUMPTIONS_JSON: powerPriceUsdPerKwh: must be > 0/,
    );
    expect(() => loadEnv({ HASHBRIEF_ASSUMPTIONS_JSON: '{not json' })).toThrow(ConfigError);
    // The variable is named once, as the field the message is about.
    expect(() => loadEnv({ HASHBRIEF_ASSUMPTIONS_JSON: '{not json' })).toThrow(
      /^Invalid configuration:\n {2}HASHBRIEF_ASSUMPTIONS_JSON: not valid JSON \(got/,
    );
    expect(
      loadEnv({ HASHBRIEF_ASSUMPTIONS_JSON: '{"powerPriceUsdPerKwh":0.05}' }).HASHBRIEF_ASSUMPTIONS_JSON,
    ).toEqual({ ...defaultAssumptions(), powerPriceUsdPerKwh: 0.05 });
    expect(loadEnv({}).HASHBRIEF_ASSUMPTIONS_JSON).toEqual(defaultAssumptions());
  });

  it('parses the alert cooldowns at start-up, naming the variable and the alert when one is wrong', () => {
    expect(() => loadEnv({ HASHBRIEF_ALERT_COOLDOWN_DAYS: '{"hashprice-lows":3}' })).toThrow(
      /HASHBRIEF_ALERT_COOLDOWN_DAYS: hashprice-lows: unknown alert/,
    );
    expect(
      loadEnv({ HASHBRIEF_ALERT_COOLDOWN_DAYS: '{"hashprice-low":3}' }).HASHBRIEF_ALERT_COOLDOWN_DAYS,
    ).toEqual({ ...DEFAULT_ALERT_COOLDOWN_DAYS, 'hashprice-low': 3 });
    expect(loadEnv({}).HASHBRIEF_ALERT_COOLDOWN_DAYS).toEqual(DEFAULT_ALERT_COOLDOWN_DAYS);
  });

  it('reads the sender concurrency with the other variables', () => {
    expect(loadEnv({}).HASHBRIEF_SENDER_CONCURRENCY).toBe(1);
    expect(loadEnv({ HASHBRIEF_SENDER_CONCURRENCY: '4' }).HASHBRIEF_SENDER_CONCURRENCY).toBe(4);
    expect(() => loadEnv({ HASHBRIEF_SENDER_CONCURRENCY: '0' })).toThrow(/HASHBRIEF_SENDER_CONCURRENCY/);
  });

  it('never echoes a secret value in the error, in any form, while other bad values are shown', () => {
    // Arrange: a short (invalid) secret that cannot appear in a message by accident.
    const secret = 'Qx7vZr2Kp';
    // Act
    const error = (() => {
      try {
        loadEnv({ HASHBRIEF_TOKEN_SECRET: secret, HASHBRIEF_SENDER_CONCURRENCY: '0' });
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    // Assert
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('HASHBRIEF_TOKEN_SECRET: must be at least 16 characters');
    expect(message).not.toContain(secret);
    expect(message.toLowerCase()).not.toContain(secret.toLowerCase());
    expect(message).toMatch(/HASHBRIEF_SENDER_CONCURRENCY: .*\(got "0"\)/);
  });

  it('refuses timeouts above 10 minutes, which Node would clamp to 1 ms', () => {
    for (const name of ['HASHBRIEF_HTTP_TIMEOUT_MS', 'HASHBRIEF_FETCH_BUDGET_MS']) {
      expect(() => loadEnv({ [name]: '3000000000' })).toThrow(new RegExp(`${name}.*600000`, 's'));
      expect(loadEnv({ [name]: '600000' })[name as 'HASHBRIEF_HTTP_TIMEOUT_MS']).toBe(600_000);
    }
  });

  it('refuses a From that is not an RFC 5322 mailbox, naming the variable', () => {
    for (const bad of [
      'not an address',
      'hashbrief <briefing@example.com',
      'Brief <a@b.com>, Other <c@d.com>',
      'brief@',
      'Brief <brief@exa mple.com>',
      'Brief, Inc. <brief@example.com>',
      'Brief <brief@example.com>\r\nBcc: x@example.net',
    ]) {
      expect(() => loadEnv({ HASHBRIEF_FROM_ADDRESS: bad }), bad).toThrow(
        /HASHBRIEF_FROM_ADDRESS: must be a mailbox/,
      );
    }
  });

  it('accepts the mailbox forms a From header may take', () => {
    for (const good of [
      'briefing@example.com',
      'hashbrief <briefing@localhost>',
      '"Brief, Inc." <brief@example.com>',
      'J. Doe <j.doe+news@mail.example.org>',
      'Zoë Brief <brief@example.com>',
      '<brief@example.com>',
    ]) {
      expect(loadEnv({ HASHBRIEF_FROM_ADDRESS: good }).HASHBRIEF_FROM_ADDRESS, good).toBe(good);
    }
  });
});
