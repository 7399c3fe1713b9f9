/**
 * The local upstream emulator: both APIs on one 127.0.0.1 port (`/coinmetrics/v4/...`, `/mempool/api/...`),
 * or the same logic as an in-process Fetch with no socket at all.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { type Fetch, realSleep } from '../ports';
import type { Dataset } from './dataset';
import type { Plan } from './fault-effects';
import type { Fault } from './faults';
import { COINMETRICS_MOUNT, createEmulatorCore, MEMPOOL_MOUNT } from './router';

/** A started emulator. */
export interface RunningEmulator {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** `${baseUrl}/coinmetrics/v4` */
  coinMetricsUrl: string;
  /** `${baseUrl}/mempool/api` */
  mempoolUrl: string;
  /** Replaces the faults and resets their `times` counters. */
  setFaults(faults: Fault[]): void;
  /** Requests so far, in arrival order; status 0 = no HTTP answer (timeout, reset). */
  requests(): { method: string; path: string; status: number }[];
  /** Stops listening, cuts open connections (hung requests included). */
  close(): Promise<void>;
}

/** The two base URLs of an emulator at `baseUrl`. */
export function emulatorUrls(baseUrl: string): { coinMetricsUrl: string; mempoolUrl: string } {
  return { coinMetricsUrl: `${baseUrl}${COINMETRICS_MOUNT}`, mempoolUrl: `${baseUrl}${MEMPOOL_MOUNT}` };
}

const statusOf = (plan: Plan): number => (plan.kind === 'respond' ? plan.status : 0);

/**
 * Serves `dataset` on 127.0.0.1 (`port` 0 or absent = any free port). Faults can be changed while running.
 */
export async function startEmulator(options: {
  dataset: Dataset;
  faults?: Fault[];
  port?: number;
}): Promise<RunningEmulator> {
  const core = createEmulatorCore(options.dataset, options.faults);
  const log: { method: string; path: string; status: number }[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let baseUrl = '';

  const send = (
    req: IncomingMessage,
    res: ServerResponse,
    plan: Extract<Plan, { kind: 'respond' }>,
  ): void => {
    const body = Buffer.from(plan.body, 'utf8');
    res.writeHead(plan.status, { ...plan.headers, 'content-length': String(body.length) });
    if (req.method === 'HEAD') {
      res.end();
    } else if (plan.truncate) {
      // Promise the whole body, deliver half, then drop the connection mid-body.
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => req.socket.destroy());
    } else {
      res.end(body);
    }
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', baseUrl);
    const plan = core.plan(req.method ?? 'GET', url);
    log.push({ method: req.method ?? 'GET', path: req.url ?? '/', status: statusOf(plan) });
    switch (plan.kind) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        // Never answer; the client's timeout (or close()) ends it.
        return;
      case 'respond': {
        if (plan.delayMs <= 0) {
          send(req, res, plan);
          return;
        }
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) send(req, res, plan);
        }, plan.delayMs);
        timers.add(timer);
        res.on('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
        });
      }
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('emulator did not bind a TCP port');
  baseUrl = `http://127.0.0.1:${address.port}`;

  return {
    baseUrl,
    ...emulatorUrls(baseUrl),
    setFaults: (faults) => core.faults.set(faults),
    requests: () => log.map((entry) => ({ ...entry })),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** What undici throws when a connection is reset, so callers see the same failure either way. */
function connectionReset(): TypeError {
  const cause = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  return new TypeError('fetch failed', { cause });
}

function hostNotFound(host: string): TypeError {
  const cause = Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return new TypeError('fetch failed', { cause });
}

function waitForAbort(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (signal?.aborted) reject(signal.reason);
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** A body that yields the first half and then fails the way a cut connection does. */
function truncatedBody(body: string): ReadableStream<Uint8Array> {
  const bytes = Buffer.from(body, 'utf8');
  let sent = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(new Uint8Array(bytes.subarray(0, Math.floor(bytes.length / 2))));
        return;
      }
      controller.error(new TypeError('terminated', { cause: connectionReset().cause }));
    },
  });
}

/**
 * The emulator as a Fetch, no socket: for the offline sample-data fallback and fast tests. It answers
 * `…/coinmetrics/v4/…` and `…/mempool/api/…` on any host, and the real upstream URLs
 * (`https://community-api.coinmetrics.io/v4/…`, `https://mempool.space/api/…`) too. Socket-level faults
 * become a rejected promise (reset, truncated body) or a promise that settles only when the signal aborts
 * (timeout). With `baseUrl`, only URLs on that origin are answered; others reject like an unknown host.
 */
export function createEmulatorFetch(options: {
  dataset: Dataset;
  faults?: Fault[];
  baseUrl?: string;
}): Fetch {
  const core = createEmulatorCore(options.dataset, options.faults);
  const origin = options.baseUrl === undefined ? undefined : new URL(options.baseUrl).origin;
  return async (input, init) => {
    const signal = init?.signal;
    if (signal?.aborted) throw signal.reason;
    const url = new URL(input);
    // With a baseUrl, anything else fails like an unknown host: nothing can silently reach a real upstream.
    if (origin !== undefined && url.origin !== origin) throw hostNotFound(url.hostname);
    const plan = core.plan('GET', url);
    switch (plan.kind) {
      case 'reset':
        throw connectionReset();
      case 'hang':
        return waitForAbort(signal);
      case 'respond': {
        if (plan.delayMs > 0) await realSleep(plan.delayMs, signal);
        const body = plan.truncate ? truncatedBody(plan.body) : plan.body;
        const headers = { ...plan.headers, 'content-length': String(Buffer.byteLength(plan.body)) };
        return new Response(body, { status: plan.status, headers });
      }
    }
  };
}
