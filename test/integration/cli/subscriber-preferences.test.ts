import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addressHash } from '../../../src/delivery/address';
import { runCli } from '../../support/cli-run';
import { TEST_FROM } from '../../support/delivery-fixtures';
import { freshDirForEachTest } from '../../support/temp-dirs';

let cwd: string;
freshDirForEachTest('hashbrief-prefs-cli-', (dir) => {
  cwd = dir;
});

function run(...argv: string[]) {
  return runCli(argv, { cwd, env: { HASHBRIEF_FROM_ADDRESS: TEST_FROM } });
}

async function listed() {
  const list = await run('subscribers', 'list', '--json');
  return JSON.parse(list.stdout) as {
    id: string;
    weekly: boolean;
    alerts: boolean;
    powerPriceUsdPerKwh: number | null;
    fleet: (string | number)[];
  }[];
}

describe('hashbrief subscribers: preferences', () => {
  it('adds a reader with preferences, shown by list without the address', async () => {
    const added = await run(
      'subscribers',
      'add',
      'miner@example.com',
      '--no-weekly',
      '--power-price',
      '0.045',
      '--fleet',
      'antminer-s21,antminer-s19-xp,25',
    );
    const text = await run('subscribers', 'list');

    expect(added.code).toBe(0);
    expect(await listed()).toEqual([
      expect.objectContaining({
        id: addressHash('miner@example.com'),
        weekly: false,
        alerts: true,
        powerPriceUsdPerKwh: 0.045,
        fleet: ['antminer-s21', 'antminer-s19-xp', 25],
      }),
    ]);
    expect(text.stdout).toContain('no-weekly alerts $0.045/kWh fleet=antminer-s21,antminer-s19-xp,25');
    expect(text.stdout).not.toContain('@');
  });

  it('defaults a new reader to both mails, no power price and no fleet', async () => {
    await run('subscribers', 'add', 'plain@example.com');

    expect(await listed()).toEqual([
      expect.objectContaining({ weekly: true, alerts: true, powerPriceUsdPerKwh: null, fleet: [] }),
    ]);
  });

  it('`set` changes only the preferences given, and clears with --no-power-price and --no-fleet', async () => {
    await run('subscribers', 'add', 'miner@example.com', '--power-price', '0.05', '--fleet', 'antminer-s21');

    const first = await run('subscribers', 'set', 'miner@example.com', '--no-alerts');
    const afterFirst = (await listed())[0];
    const second = await run(
      'subscribers',
      'set',
      'miner@example.com',
      '--no-power-price',
      '--no-fleet',
      '--weekly',
    );
    const afterSecond = (await listed())[0];

    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^updated [0-9a-f]{64} {2}weekly no-alerts \$0\.05\/kWh fleet=antminer-s21\n$/,
    );
    expect(afterFirst).toMatchObject({ weekly: true, alerts: false, powerPriceUsdPerKwh: 0.05 });
    expect(second.code).toBe(0);
    expect(afterSecond).toMatchObject({ weekly: true, alerts: false, powerPriceUsdPerKwh: null, fleet: [] });
  });

  it('refuses bad values as usage errors naming the flag, changing nothing', async () => {
    await run('subscribers', 'add', 'miner@example.com');

    const price = await run('subscribers', 'set', 'miner@example.com', '--power-price', '6');
    const fleet = await run('subscribers', 'add', 'other@example.com', '--fleet', 'antminer-s99');
    const nothing = await run('subscribers', 'set', 'miner@example.com');

    expect(price.code).toBe(2);
    expect(price.stderr).toContain('--power-price: must be US dollars per kWh');
    expect(fleet.code).toBe(2);
    expect(fleet.stderr).toContain('--fleet: unknown machine "antminer-s99"');
    expect(nothing.code).toBe(2);
    expect(await listed()).toHaveLength(1);
    expect((await listed())[0]).toMatchObject({ powerPriceUsdPerKwh: null });
  });

  it('fails (exit 1) to set preferences for an address that is not on the list', async () => {
    const result = await run('subscribers', 'set', 'ghost@example.com', '--no-alerts');

    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('ghost');
  });

  it('exports preferences as columns that import reads back', async () => {
    await run(
      'subscribers',
      'add',
      'a@example.com',
      '--no-alerts',
      '--power-price',
      '0.07',
      '--fleet',
      'antminer-s21,30',
    );
    await run('subscribers', 'add', 'b@example.com');
    const exported = await run('subscribers', 'export');
    await rm(path.join(cwd, 'out'), { recursive: true, force: true });
    await writeFile(path.join(cwd, 'export.csv'), exported.stdout);

    const imported = await run('subscribers', 'import', 'export.csv');

    expect(exported.stdout.split('\n')[0]).toBe(
      'address,status,source,createdAt,updatedAt,weekly,alerts,powerPriceUsdPerKwh,fleet',
    );
    expect(imported.code).toBe(0);
    const byId = new Map((await listed()).map((r) => [r.id, r]));
    expect(byId.get(addressHash('a@example.com'))).toMatchObject({
      weekly: true,
      alerts: false,
      powerPriceUsdPerKwh: 0.07,
      fleet: ['antminer-s21', 30],
    });
    expect(byId.get(addressHash('b@example.com'))).toMatchObject({ alerts: true, powerPriceUsdPerKwh: null });
  });

  it('imports preference columns, updates them for readers already active, and rejects a bad cell by line', async () => {
    await run('subscribers', 'add', 'old@example.com');
    await writeFile(
      path.join(cwd, 'list.csv'),
      [
        'email,name,weekly,alerts,power_price,fleet',
        'new@example.com,New,yes,no,0.04,"antminer-s21,antminer-s21-xp"',
        'old@example.com,Old,,,0.08,',
        'bad@example.com,Bad,perhaps,,,',
      ].join('\n'),
    );

    const result = await run('subscribers', 'import', 'list.csv');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('line 4: weekly: must be yes or no');
    expect(result.stdout).toContain('imported 1, already active 1 (preferences updated for 1)');
    const byId = new Map((await listed()).map((r) => [r.id, r]));
    expect(byId.get(addressHash('new@example.com'))).toMatchObject({
      weekly: true,
      alerts: false,
      powerPriceUsdPerKwh: 0.04,
      fleet: ['antminer-s21', 'antminer-s21-xp'],
    });
    expect(byId.get(addressHash('old@example.com'))).toMatchObject({
      weekly: true,
      powerPriceUsdPerKwh: 0.08,
    });
    expect(byId.has(addressHash('bad@example.com'))).toBe(false);
  });
});
