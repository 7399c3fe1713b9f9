/**
 * Fault injection: which requests misbehave and how. A fault matches by upstream and path prefix; with
 * `times` it hits only the first N matching requests, so "fail twice, then succeed" is one fault.
 */
import { COIN_METRICS_COLUMNS } from '../contracts/report-inputs';
import { FaultSpecError } from './errors';

/** Every kind of misbehaviour the emulator can inject. */
export const FAULT_KINDS = [
  'latency',
  'timeout',
  'status',
  'rate-limit',
  'malformed-json',
  'truncated',
  'drift',
  'absurd',
  'glitch',
  'reset',
] as const;
/** One of FAULT_KINDS. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The two emulated upstreams. */
export type Upstream = 'coinmetrics' | 'mempool';

/** One injected misbehaviour. */
export type Fault = {
  upstream: Upstream | '*';
  /** Path prefix under that upstream's base (e.g. `/v1/mining/pools`), or '*'. */
  route: string;
  kind: FaultKind;
  /** latency: delay before the normal answer. */
  ms?: number;
  /** status: the HTTP status to answer with (default 503). */
  status?: number;
  /** rate-limit: the Retry-After value in seconds (default 1). */
  retryAfterSeconds?: number;
  /**
   * glitch: what the factor multiplies. Coin Metrics: column names (`PriceUSD`, `HashRate`, `BlkCnt`, …)
   * on the last day served, or `price` for its USD figures together (PriceUSD, CapMrktCurUSD, IssTotUSD:
   * a wrong reference rate). mempool: `price`, every USD price it serves.
   */
  targets?: GlitchTarget[];
  /** glitch: the factor (0 included: a value of 0). */
  factor?: number;
  /** Only the first N matching requests; default every one. */
  times?: number;
};

/** What a glitch can multiply: a Coin Metrics column, or `price` (the USD figures together). */
export const GLITCH_TARGETS = [...COIN_METRICS_COLUMNS, 'price'] as const;
/** One of GLITCH_TARGETS. */
export type GlitchTarget = (typeof GLITCH_TARGETS)[number];

const isGlitchTarget = (value: string): value is GlitchTarget =>
  (GLITCH_TARGETS as readonly string[]).includes(value);

/** `PriceUSD*5`, `HashRate+BlkCnt*10`, `price*0.2`: targets joined by `+`, then `*` and a factor ≥ 0. */
function parseGlitch(arg: string | undefined): { targets: GlitchTarget[]; factor: number } {
  const usage = 'glitch needs TARGET*FACTOR, e.g. glitch:PriceUSD*5 or glitch:HashRate+BlkCnt*10';
  if (arg === undefined) throw new Error(usage);
  const star = arg.lastIndexOf('*');
  if (star < 0) throw new Error(usage);
  const factorText = arg.slice(star + 1);
  if (!/^\d+(\.\d+)?$/.test(factorText)) {
    throw new Error(`glitch factor must be a number ≥ 0, got "${factorText}"`);
  }
  const targets = arg.slice(0, star).split('+');
  const unknown = targets.filter((t) => !isGlitchTarget(t));
  if (unknown.length > 0 || targets.length === 0) {
    throw new Error(`unknown glitch target "${unknown[0] ?? ''}" (expected ${GLITCH_TARGETS.join(', ')})`);
  }
  return { targets: targets.filter(isGlitchTarget), factor: Number(factorText) };
}

/** True when `fault` applies to a request for `route` (path under the base) of `upstream`. */
export function faultMatches(fault: Fault, upstream: Upstream, route: string): boolean {
  if (fault.upstream !== '*' && fault.upstream !== upstream) return false;
  if (fault.route === '*' || fault.route === '') return true;
  const prefix = fault.route.startsWith('/') ? fault.route : `/${fault.route}`;
  return route.startsWith(prefix);
}

/**
 * Faults plus how often each has fired. The first fault in list order that matches and has hits left
 * wins, so `[503 ×2, 429 ×1]` on one route answers 503, 503, 429, then normally.
 */
export class FaultBook {
  private faults: Fault[] = [];
  private hits: number[] = [];

  constructor(faults: readonly Fault[] = []) {
    this.set(faults);
  }

  /** Replaces all faults and resets their counters. */
  set(faults: readonly Fault[]): void {
    this.faults = [...faults];
    this.hits = this.faults.map(() => 0);
  }

  /** The fault for this request (and counts it), or null for a normal answer. */
  take(upstream: Upstream, route: string): Fault | null {
    for (let i = 0; i < this.faults.length; i++) {
      const fault = this.faults[i];
      if (!fault || !faultMatches(fault, upstream, route)) continue;
      const used = this.hits[i] ?? 0;
      if (fault.times !== undefined && used >= fault.times) continue;
      this.hits[i] = used + 1;
      return fault;
    }
    return null;
  }
}

const UPSTREAM_ALIASES: Record<string, Upstream | '*'> = {
  coinmetrics: 'coinmetrics',
  cm: 'coinmetrics',
  mempool: 'mempool',
  mp: 'mempool',
  '*': '*',
};

const isKind = (value: string): value is FaultKind => (FAULT_KINDS as readonly string[]).includes(value);

function wholeNumber(text: string, what: string, min: number, max: number): number {
  if (!/^\d+$/.test(text)) throw new Error(`${what} must be a whole number, got "${text}"`);
  const value = Number(text);
  if (value < min || value > max) throw new Error(`${what} must be ${min}..${max}, got ${value}`);
  return value;
}

function parseRule(rule: string): Fault {
  const eq = rule.indexOf('=');
  if (eq < 0) throw new Error('expected TARGET=KIND (e.g. "mempool:/v1/mining/pools=status:503x2")');
  const target = rule.slice(0, eq).trim();
  let action = rule.slice(eq + 1).trim();

  const colon = target.indexOf(':');
  const upstreamText = (colon < 0 ? target : target.slice(0, colon)).toLowerCase();
  const upstream = UPSTREAM_ALIASES[upstreamText];
  if (upstream === undefined) {
    throw new Error(`unknown upstream "${upstreamText}" (expected coinmetrics, mempool or *)`);
  }
  const route = colon < 0 ? '*' : target.slice(colon + 1).trim() || '*';
  if (route !== '*' && !route.startsWith('/'))
    throw new Error(`route must start with "/" or be "*", got "${route}"`);

  const fault: Fault = { upstream, route, kind: 'latency' };
  const timesMatch = /x(\d+)$/.exec(action);
  if (timesMatch) {
    fault.times = wholeNumber(timesMatch[1] ?? '', 'times', 1, 1_000_000);
    action = action.slice(0, -timesMatch[0].length);
  }
  const [kindText = '', arg, ...extra] = action.split(':');
  if (!isKind(kindText))
    throw new Error(`unknown fault kind "${kindText}" (expected one of ${FAULT_KINDS.join(', ')})`);
  if (extra.length > 0) throw new Error(`too many ":" parts in "${action}"`);
  fault.kind = kindText;
  switch (kindText) {
    case 'latency':
      if (arg === undefined) throw new Error('latency needs milliseconds, e.g. latency:1500');
      fault.ms = wholeNumber(arg, 'latency', 0, 600_000);
      break;
    case 'status':
      fault.status = arg === undefined ? 503 : wholeNumber(arg, 'status', 400, 599);
      break;
    case 'rate-limit':
      fault.retryAfterSeconds = arg === undefined ? 1 : wholeNumber(arg, 'Retry-After', 0, 86_400);
      break;
    case 'glitch':
      Object.assign(fault, parseGlitch(arg));
      break;
    default:
      if (arg !== undefined) throw new Error(`${kindText} takes no argument, got "${arg}"`);
  }
  return fault;
}

/**
 * Parses the CLI's `--faults` syntax: rules separated by `,` or `;`, each `TARGET=KIND[:ARG][xN]` where
 * TARGET is `coinmetrics|cm|mempool|mp|*` optionally followed by `:/path/prefix`. Examples:
 * `mempool:/v1/mining/pools=status:503x2`, `cm=rate-limit:5x1`, `*=latency:800`, `mp=reset`,
 * `cm=glitch:price*5` (Coin Metrics' last day at 5× the price), `cm=glitch:HashRate*0`.
 * A bad spec throws FaultSpecError naming the part.
 */
export function parseFaultSpec(spec: string): Fault[] {
  const parts = spec
    .split(/[;,]/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
  return parts.map((part, index) => {
    try {
      return parseRule(part);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new FaultSpecError(`fault spec part ${index + 1} "${part}": ${reason}`, { cause: error });
    }
  });
}
