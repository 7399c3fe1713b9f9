/**
 * The emulated mempool.space REST routes hashbrief reads, answered from a MempoolState with the shapes
 * of mempool's backend (docs/emulator.md, docs/sources.md).
 */
import { type EmulatorResponse, jsonResponse, textResponse } from './http-types';
import { type DifficultyRetarget, hashrateForDifficulty, type MempoolState } from './mempool-state';
import { allocateBlocks } from './pools';

const EPOCH_BLOCKS = 2016;
const TARGET_SPACING_MS = 600_000;

/** Days covered by mempool's interval names; anything else means all time (as in the backend). */
const INTERVAL_DAYS: Record<string, number> = {
  '24h': 1,
  '3d': 3,
  '1w': 7,
  '1m': 30,
  '3m': 90,
  '6m': 180,
  '1y': 365,
  '2y': 730,
  '3y': 1095,
  '4y': 1460,
};

/** Illustrative fixed exchange rates for `/v1/prices` (units of currency per USD). */
const FX_PER_USD: Record<string, number> = {
  EUR: 0.92,
  GBP: 0.79,
  CAD: 1.37,
  CHF: 0.88,
  AUD: 1.53,
  JPY: 150,
};

/** mempool's answer for routes it does not have. */
export function mempoolNotFound(route: string): EmulatorResponse {
  return jsonResponse(404, { error: 'Not Found', path: route });
}

const mean = (values: number[]): number =>
  values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;

function recentHashrates(state: MempoolState, days: number): number[] {
  return state.days
    .slice(-days)
    .map((day) => day.hashrateHs)
    .filter((v): v is number => v !== null);
}

function pools(state: MempoolState, interval: string): EmulatorResponse {
  const days = INTERVAL_DAYS[interval] ?? state.days.length;
  const total = state.days.slice(-days).reduce((sum, day) => sum + day.blocks, 0);
  const counts = allocateBlocks(total, state.pools);
  const entries = counts.map(({ pool, blockCount }, index) => ({
    // mempool's poolId is its database row id; here it is simply the unique id + 1, as in its fixtures.
    poolId: pool.poolUniqueId + 1,
    name: pool.name,
    link: pool.link,
    blockCount,
    rank: index + 1,
    emptyBlocks: Math.floor(blockCount / 400),
    slug: pool.slug,
    avgMatchRate: Math.round((99.9 + (pool.poolUniqueId % 10) / 100) * 100) / 100,
    avgFeeDelta: (-(0.01 + (pool.poolUniqueId % 7) / 100)).toFixed(8),
    poolUniqueId: pool.poolUniqueId,
  }));
  return jsonResponse(200, {
    pools: entries,
    blockCount: total,
    lastEstimatedHashrate: mean(recentHashrates(state, 1)),
    lastEstimatedHashrate3d: mean(recentHashrates(state, 3)),
    lastEstimatedHashrate1w: mean(recentHashrates(state, 7)),
  });
}

function lastRetarget(state: MempoolState): DifficultyRetarget | undefined {
  return state.difficulty.at(-1);
}

function difficultyAdjustment(state: MempoolState): EmulatorResponse {
  const previous = lastRetarget(state);
  const blocksInEpoch = state.tipHeight % EPOCH_BLOCKS;
  const previousTime = previous?.time ?? state.tipTime - blocksInEpoch * 600;
  const timeAvg =
    blocksInEpoch > 0
      ? Math.round(((state.tipTime - previousTime) * 1000) / blocksInEpoch)
      : TARGET_SPACING_MS;
  const remainingBlocks = EPOCH_BLOCKS - blocksInEpoch;
  const remainingTime = remainingBlocks * timeAvg;
  return jsonResponse(200, {
    progressPercent: (blocksInEpoch / EPOCH_BLOCKS) * 100,
    difficultyChange: Math.min(300, Math.max(-75, (TARGET_SPACING_MS / timeAvg - 1) * 100)),
    estimatedRetargetDate: state.tipTime * 1000 + remainingTime,
    remainingBlocks,
    remainingTime,
    previousRetarget: previous ? (previous.adjustment - 1) * 100 : 0,
    // Seconds, not ms: mempool's backend sets it from the block time, unlike estimatedRetargetDate.
    previousTime,
    nextRetargetHeight: state.tipHeight + remainingBlocks,
    timeAvg,
    adjustedTimeAvg: timeAvg,
    timeOffset: 0,
    expectedBlocks: (state.tipTime - previousTime) / 600,
  });
}

function hashrate(state: MempoolState, interval: string): EmulatorResponse {
  const days = INTERVAL_DAYS[interval];
  const since = days === undefined ? Number.NEGATIVE_INFINITY : state.tipTime - days * 86_400;
  const current = lastRetarget(state);
  const week = recentHashrates(state, 7);
  return jsonResponse(200, {
    hashrates: state.days
      .filter((day) => day.hashrateHs !== null && day.startTime + 86_400 > since)
      .map((day) => ({ timestamp: day.startTime, avgHashrate: day.hashrateHs })),
    difficulty: state.difficulty
      .filter((d) => d.time > since)
      .map((d) => ({ time: d.time, height: d.height, difficulty: d.difficulty, adjustment: d.adjustment })),
    currentHashrate: week.length > 0 ? mean(week) : current ? hashrateForDifficulty(current.difficulty) : 0,
    currentDifficulty: current?.difficulty ?? 0,
  });
}

function rewardStats(state: MempoolState, blockCountText: string): EmulatorResponse {
  if (!/^\d+$/.test(blockCountText) || Number(blockCountText) < 1) {
    return jsonResponse(400, { error: `Invalid block count: ${blockCountText}` });
  }
  let wanted = Number(blockCountText);
  let reward = 0;
  let fee = 0;
  let tx = 0;
  let taken = 0;
  // Walk back from the tip, taking whole or partial days; per-block values are the day's averages.
  for (let i = state.days.length - 1; i >= 0 && wanted > 0; i--) {
    const day = state.days[i];
    if (!day || day.blocks === 0) continue;
    const k = Math.min(wanted, day.blocks);
    reward += ((day.subsidySats + day.feeSats) * k) / day.blocks;
    fee += (day.feeSats * k) / day.blocks;
    tx += (day.txCount * k) / day.blocks;
    taken += k;
    wanted -= k;
  }
  // The docs example sends the three sums as strings.
  return jsonResponse(200, {
    startBlock: state.tipHeight - taken + 1,
    endBlock: state.tipHeight,
    totalReward: String(Math.round(reward)),
    totalFee: String(Math.round(fee)),
    totalTx: String(Math.round(tx)),
  });
}

/** Typical virtual size of a transaction, to turn a day's fees per transaction into sat/vB. */
const VBYTES_PER_TX = 250;

/** Recommended fees (sat/vB, whole numbers, ordered fastest ≥ … ≥ minimum) from the last day's fee level. */
function recommendedFees(state: MempoolState): EmulatorResponse {
  const last = state.days.at(-1);
  const perVbyte = last && last.txCount > 0 ? last.feeSats / last.txCount / VBYTES_PER_TX : 1;
  const minimumFee = 1;
  const economyFee = Math.max(minimumFee, Math.round(perVbyte * 0.5));
  const hourFee = Math.max(economyFee, Math.round(perVbyte));
  const halfHourFee = Math.max(hourFee, Math.round(perVbyte * 1.2));
  const fastestFee = Math.max(halfHourFee, Math.round(perVbyte * 1.5));
  return jsonResponse(200, { fastestFee, halfHourFee, hourFee, economyFee, minimumFee });
}

/**
 * Average block fees over the interval. mempool groups by 5 min to 12 h buckets depending on the interval;
 * the emulator has daily data, so it answers one entry per day (documented in docs/emulator.md).
 */
function blockFees(state: MempoolState, interval: string): EmulatorResponse {
  const days = INTERVAL_DAYS[interval] ?? state.days.length;
  const entries = state.days
    .slice(-days)
    .filter((day) => day.blocks > 0)
    .map((day) => ({
      avgHeight: Math.round(day.firstHeight + (day.blocks - 1) / 2),
      timestamp: day.startTime + 43_200,
      avgFees: Math.round(day.feeSats / day.blocks),
      USD: day.priceUsd === null ? 0 : Math.round(day.priceUsd),
    }));
  return jsonResponse(200, entries);
}

function prices(state: MempoolState): EmulatorResponse {
  const usd = [...state.days].reverse().find((day) => day.priceUsd !== null)?.priceUsd ?? 0;
  const body: Record<string, number> = { time: state.tipTime, USD: Math.round(usd) };
  for (const [currency, rate] of Object.entries(FX_PER_USD)) body[currency] = Math.round(usd * rate);
  return jsonResponse(200, body);
}

/** Where mempool's price history starts; earlier times get its placeholder entry (USD 0). */
const PRICE_HISTORY_START_S = 1_279_497_600;
/** A day's price is stamped at its last hour, as the last of mempool's hourly prices would be. */
const LAST_HOUR_S = 86_400 - 3600;

/**
 * `/v1/historical-price?currency=…&timestamp=…`: mempool's latest price strictly before `timestamp`
 * (its `$getNearestHistoricalPrice`), from the day's PriceUSD stamped at 23:00 UTC; without a timestamp,
 * the whole history, newest first. With a currency only that column (and USD) is listed; an unknown
 * currency answers `null`, as mempool does. Before the history starts: `{ time: 1279497600, USD: 0 }`.
 */
function historicalPrice(state: MempoolState, query: URLSearchParams): EmulatorResponse {
  const currency = query.get('currency');
  if (currency !== null && currency !== 'USD' && !(currency in FX_PER_USD)) return jsonResponse(200, null);
  const timestamp = Number.parseInt(query.get('timestamp') ?? '', 10) || 0;
  const entries = state.days
    .filter((day) => day.priceUsd !== null && day.priceUsd > 0)
    .map((day) => ({ time: day.startTime + LAST_HOUR_S, usd: day.priceUsd ?? 0 }))
    .filter((entry) => timestamp === 0 || entry.time < timestamp)
    .reverse();
  const picked = timestamp === 0 ? entries : entries.slice(0, 1);
  const row = (time: number, usd: number): Record<string, number> => {
    if (currency !== null) return { time, [currency]: usd * (FX_PER_USD[currency] ?? 1), USD: usd };
    const out: Record<string, number> = { time, USD: usd };
    for (const [code, rate] of Object.entries(FX_PER_USD)) out[code] = usd * rate;
    return out;
  };
  const prices = picked.map((entry) => row(entry.time, entry.usd));
  if (prices.length === 0 && currency !== null) prices.push(row(PRICE_HISTORY_START_S, 0));
  const exchangeRates = Object.fromEntries(
    Object.entries(FX_PER_USD).map(([code, rate]) => [`USD${code}`, rate]),
  );
  return jsonResponse(200, { prices, exchangeRates });
}

type RouteHandler = (state: MempoolState, param: string, query: URLSearchParams) => EmulatorResponse;

/** Route table: path pattern under `/api` → handler (captures are the path parameters). */
const ROUTES: readonly [RegExp, RouteHandler][] = [
  [/^\/blocks\/tip\/height$/, (state) => textResponse(200, String(state.tipHeight))],
  [/^\/v1\/difficulty-adjustment$/, difficultyAdjustment],
  [/^\/v1\/prices$/, prices],
  [/^\/v1\/historical-price$/, (state, _param, query) => historicalPrice(state, query)],
  [/^\/v1\/fees\/recommended$/, recommendedFees],
  [/^\/v1\/mining\/pools\/([^/]+)$/, pools],
  [/^\/v1\/mining\/hashrate\/([^/]+)$/, hashrate],
  [/^\/v1\/mining\/reward-stats\/([^/]+)$/, rewardStats],
  [/^\/v1\/mining\/blocks\/fees\/([^/]+)$/, blockFees],
];

/** Answers one mempool request for `route` (the path under `/api`) with its query parameters. */
export function mempoolResponse(
  state: MempoolState,
  route: string,
  query: URLSearchParams = new URLSearchParams(),
): EmulatorResponse {
  for (const [pattern, handle] of ROUTES) {
    const match = pattern.exec(route);
    if (match) return handle(state, decodeURIComponent(match[1] ?? ''), query);
  }
  return mempoolNotFound(route);
}
