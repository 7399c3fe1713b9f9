import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEmulateFlags, runEmulate } from '../../../src/cli/commands/emulate';
import { type CliIo, UsageError } from '../../../src/cli/context';

const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/emulator/tiny-btc.csv');
const clock = () => new Date('2026-03-02T10:00:00Z');

function captureIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t.toString()), stderr: (t) => err.push(t), isTty: false };
}

describe('parseEmulateFlags', () => {
  it('parses port, data and faults', () => {
    const flags = parseEmulateFlags({ port: '8080', data: 'x.csv', faults: 'mp=resetx1' });
    expect(flags).toEqual({
      port: 8080,
      data: 'x.csv',
      faults: [{ upstream: 'mempool', route: '*', kind: 'reset', times: 1 }],
    });
  });

  it.each([
    [{ port: 'abc' }, /--port: must be a whole number/],
    [{ port: '70000' }, /--port:/],
    [{ faults: 'mp=explode' }, /--faults: fault spec part 1 "mp=explode"/],
  ])('rejects bad flags with a UsageError naming the flag (%#)', (raw, message) => {
    expect(() => parseEmulateFlags(raw)).toThrow(UsageError);
    expect(() => parseEmulateFlags(raw)).toThrow(message);
  });
});

describe('runEmulate', () => {
  it('serves the sample ending yesterday, prints the env lines, and closes on shutdown', async () => {
    // Prepare
    const io = captureIo();
    let tip = '';
    const untilShutdown = async () => {
      const url = /HASHBRIEF_MEMPOOL_URL=(\S+)/.exec(io.out.join(''))?.[1];
      const cm = /HASHBRIEF_COINMETRICS_URL=(\S+)/.exec(io.out.join(''))?.[1];
      tip = await (await fetch(`${url}/blocks/tip/height`)).text();
      const page = await (
        await fetch(`${cm}/timeseries/asset-metrics?assets=btc&metrics=PriceUSD&page_size=1`)
      ).json();
      expect(JSON.stringify(page)).toContain('2026-03-01T00:00:00.000000000Z');
    };

    // Act
    await runEmulate(parseEmulateFlags({}), { io, cwd: process.cwd(), clock, untilShutdown });

    // Assess
    const printed = io.out.join('');
    expect(printed).toMatch(/export HASHBRIEF_COINMETRICS_URL=http:\/\/127\.0\.0\.1:\d+\/coinmetrics\/v4/);
    expect(printed).toMatch(/export HASHBRIEF_MEMPOOL_URL=http:\/\/127\.0\.0\.1:\d+\/mempool\/api/);
    expect(printed).toContain('sample (synthetic)');
    expect(printed).toContain('SAMPLE DATA, not live');
    expect(Number(tip)).toBeGreaterThan(900_000);
    expect(io.err.join('')).toContain('stopped');
    const base = /listening on (\S+)/.exec(printed)?.[1];
    await expect(fetch(`${base}/mempool/api/v1/prices`)).rejects.toThrow();
  });

  it('serves a CSV given with --data, relative to the working folder', async () => {
    const io = captureIo();
    let tip = '';
    const untilShutdown = async () => {
      const url = /HASHBRIEF_MEMPOOL_URL=(\S+)/.exec(io.out.join(''))?.[1];
      tip = await (await fetch(`${url}/blocks/tip/height`)).text();
    };
    await runEmulate(parseEmulateFlags({ data: path.basename(FIXTURE) }), {
      io,
      cwd: path.dirname(FIXTURE),
      clock,
      untilShutdown,
    });
    expect(io.out.join('')).toContain(`csv:${FIXTURE}`);
    expect(Number(tip)).toBeGreaterThan(0);
  });

  it('turns a missing --data path into a UsageError', async () => {
    const io = captureIo();
    await expect(
      runEmulate(parseEmulateFlags({ data: 'missing.csv' }), {
        io,
        cwd: '/nonexistent',
        clock,
        untilShutdown: async () => {},
      }),
    ).rejects.toThrow(UsageError);
  });
});
