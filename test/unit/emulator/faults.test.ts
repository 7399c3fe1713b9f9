import { describe, expect, it } from 'vitest';
import { FaultSpecError } from '../../../src/emulator/errors';
import { type Fault, FaultBook, faultMatches, parseFaultSpec } from '../../../src/emulator/faults';

describe('parseFaultSpec', () => {
  it('parses targets, kinds, arguments and times', () => {
    // Act
    const faults = parseFaultSpec(
      'mempool:/v1/mining/pools=status:503x2, cm=rate-limit:5x1; *=latency:800,mp:/blocks=reset,coinmetrics=drift',
    );

    // Assess
    expect(faults).toEqual<Fault[]>([
      { upstream: 'mempool', route: '/v1/mining/pools', kind: 'status', status: 503, times: 2 },
      { upstream: 'coinmetrics', route: '*', kind: 'rate-limit', retryAfterSeconds: 5, times: 1 },
      { upstream: '*', route: '*', kind: 'latency', ms: 800 },
      { upstream: 'mempool', route: '/blocks', kind: 'reset' },
      { upstream: 'coinmetrics', route: '*', kind: 'drift' },
    ]);
  });

  it('fills defaults for status and rate-limit', () => {
    expect(parseFaultSpec('mp=status,cm=rate-limit')).toEqual([
      { upstream: 'mempool', route: '*', kind: 'status', status: 503 },
      { upstream: 'coinmetrics', route: '*', kind: 'rate-limit', retryAfterSeconds: 1 },
    ]);
  });

  it('parses a glitch: targets joined by +, a factor (0 included), and times', () => {
    expect(
      parseFaultSpec(
        'cm=glitch:PriceUSD*5, cm=glitch:HashRate+BlkCnt*10x1, mp=glitch:price*0.2, cm=glitch:HashRate*0',
      ),
    ).toEqual<Fault[]>([
      { upstream: 'coinmetrics', route: '*', kind: 'glitch', targets: ['PriceUSD'], factor: 5 },
      {
        upstream: 'coinmetrics',
        route: '*',
        kind: 'glitch',
        targets: ['HashRate', 'BlkCnt'],
        factor: 10,
        times: 1,
      },
      { upstream: 'mempool', route: '*', kind: 'glitch', targets: ['price'], factor: 0.2 },
      { upstream: 'coinmetrics', route: '*', kind: 'glitch', targets: ['HashRate'], factor: 0 },
    ]);
  });

  it('returns no faults for an empty spec', () => {
    expect(parseFaultSpec(' , ')).toEqual([]);
  });

  it.each([
    ['mp=stauts', /part 1 "mp=stauts": unknown fault kind "stauts"/],
    ['cm=latency:10,bitcoind=reset', /part 2 "bitcoind=reset": unknown upstream "bitcoind"/],
    ['mp:v1/prices=reset', /route must start with "\/"/],
    ['mp=latency', /latency needs milliseconds/],
    ['mp=status:200', /status must be 400\.\.599/],
    ['mp=reset:3', /reset takes no argument/],
    ['mempool', /expected TARGET=KIND/],
    ['mp=timeoutx0', /times must be 1\.\./],
    ['cm=glitch', /glitch needs TARGET\*FACTOR/],
    ['cm=glitch:PriceUSD', /glitch needs TARGET\*FACTOR/],
    ['cm=glitch:PriceUSD*-2', /glitch factor must be a number ≥ 0, got "-2"/],
    ['cm=glitch:Price*5', /unknown glitch target "Price"/],
  ])('rejects %s naming the part', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(FaultSpecError);
    expect(() => parseFaultSpec(spec)).toThrow(message);
  });
});

describe('faultMatches', () => {
  it('matches by upstream and path prefix', () => {
    const fault: Fault = { upstream: 'mempool', route: '/v1/mining', kind: 'reset' };
    expect(faultMatches(fault, 'mempool', '/v1/mining/pools/1w')).toBe(true);
    expect(faultMatches(fault, 'mempool', '/v1/prices')).toBe(false);
    expect(faultMatches(fault, 'coinmetrics', '/v1/mining/pools/1w')).toBe(false);
    expect(faultMatches({ ...fault, upstream: '*', route: '*' }, 'coinmetrics', '/x')).toBe(true);
  });
});

describe('FaultBook', () => {
  it('hits only the first N matching requests, then lets requests through', () => {
    // Prepare
    const book = new FaultBook([
      { upstream: 'mempool', route: '/v1/prices', kind: 'status', status: 503, times: 2 },
    ]);

    // Act
    const kinds = [1, 2, 3].map(() => book.take('mempool', '/v1/prices')?.kind ?? null);

    // Assess
    expect(kinds).toEqual(['status', 'status', null]);
  });

  it('uses the first fault with hits left, so faults can be sequenced', () => {
    const book = new FaultBook([
      { upstream: '*', route: '*', kind: 'status', times: 1 },
      { upstream: '*', route: '*', kind: 'rate-limit', times: 1 },
    ]);
    const kinds = [1, 2, 3].map(() => book.take('coinmetrics', '/timeseries/asset-metrics')?.kind ?? null);
    expect(kinds).toEqual(['status', 'rate-limit', null]);
  });

  it('does not count requests that the fault does not match', () => {
    const book = new FaultBook([{ upstream: 'mempool', route: '/v1/prices', kind: 'reset', times: 1 }]);
    expect(book.take('mempool', '/blocks/tip/height')).toBeNull();
    expect(book.take('mempool', '/v1/prices')?.kind).toBe('reset');
  });

  it('resets counters when the faults are replaced', () => {
    const fault: Fault = { upstream: '*', route: '*', kind: 'reset', times: 1 };
    const book = new FaultBook([fault]);
    book.take('mempool', '/v1/prices');
    book.set([fault]);
    expect(book.take('mempool', '/v1/prices')?.kind).toBe('reset');
  });
});
