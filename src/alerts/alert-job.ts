/**
 * The mid-week alert run (daily: the alerts Lambda's schedule, or `hashbrief alerts`). For its as-of day
 * (the last complete day Coin Metrics has, or the one given) it:
 * 1. fetches only a recent window of Coin Metrics days (ALERT_WINDOW_DAYS) and mempool's present-day
 *    figures, judged by the same integrity witnesses as an issue (implausible figures hold the run);
 * 2. reads the latest weekly issue's snapshot and daily series for the rules' long windows;
 * 3. finds the alerts newly tripped since the latest of that issue and the last alert edition, holding
 *    back those still in their type's cooldown;
 * 4. makes one edition per alert event (`alerts/<asOf>-<alertId>/`, written once: a rerun is a no-op);
 * 5. mails the day's most severe edition to the readers who want alerts, through the send queue, once per
 *    mail day (runs/alert-mail/), and the ledger counts alert mail per reader and day.
 * `{ asOf }` archives editions for that day without mailing (a backfill); `{ dryRun: true }` works in
 * memory and archives and sends nothing. Runs on sample data do nothing: alerts come from live data only.
 */
import { type ManifestDeps, readAlertsManifest, readIndexManifest } from '../archive/manifest';
import { createMemoryArchiveStore } from '../archive/memory-store';
import { readIssueFile, readSnapshot } from '../archive/read';
import type { ArchiveStore } from '../archive/store';
import { newPlaceholderNonce } from '../contracts/placeholders';
import { utcDay } from '../days';
import { planDelivery } from '../delivery/plan';
import type { SendQueue } from '../delivery/queue';
import type { SubscriberStore } from '../delivery/subscribers';
import { ALERT_RULES, alertLevels } from '../metrics/alerts';
import type { Assumptions } from '../metrics/assumptions';
import { sourceStatuses } from '../metrics/snapshot';
import { archiveFeeds } from '../pipeline/links';
import type { IssueSettings } from '../pipeline/produce-issue';
import type { FetchPorts } from '../ports';
import { renderAlertEdition } from '../render/alert-edition';
import type { Snapshot } from '../snapshot/schema';
import { fetchReportInputs } from '../sources/inputs';
import { holdIfUnsettled } from '../sources/integrity';
import { archiveAlertEdition, type EditionFile, readAlertEdition } from './archive-edition';
import { type AlertEdition, buildAlertEdition, editionIdFor, SEVERITY_RANK } from './edition';
import { AlertViewUnavailableError, alertWindowStart, evaluateAlertView } from './evaluate';
import { alertBaseline, alertEvents } from './events';
import { parseLongHistory } from './long-history';
import { claimMailDay, markMailDayPlanned } from './mail-day';

export interface AlertJobDeps extends FetchPorts {
  archive: ArchiveStore;
  subscribers: SubscriberStore;
  queue: SendQueue;
}

/** What the alert run takes from configuration: an issue's settings, the batch size and the cooldowns. */
export interface AlertJobSettings extends IssueSettings {
  /** Recipients per send-queue message (HASHBRIEF_RECIPIENTS_PER_MESSAGE). */
  recipientsPerMessage: number;
  /** Days between two editions of one alert type (events.ts, parseAlertCooldowns). */
  cooldownDays: Readonly<Record<string, number>>;
}

export interface AlertJobPayload {
  asOf?: string;
  dryRun?: boolean;
}

/** What happened to one edition of the day. */
export interface EditionOutcome {
  editionId: string;
  alertId: string;
  severity: AlertEdition['severity'];
  title: string;
  status: 'created' | 'already-archived' | 'dry-run';
  mail:
    | { planned: true; mailDay: string; queued: number; recipients: number; alreadyPlanned: boolean }
    | { planned: false; reason: string };
}

export interface AlertJobResult {
  /**
   * `alerts`: editions were made or found for the day; `no-alerts`: nothing newly tripped; `skipped`: the
   * rules could not be judged (no weekly issue yet, sample data, a long history that does not reach).
   */
  status: 'alerts' | 'no-alerts' | 'skipped';
  asOf: string | null;
  dryRun: boolean;
  baseline: { kind: 'issue' | 'alert'; id: string; asOf: string } | null;
  editions: EditionOutcome[];
  /** Alerts held back by their type's cooldown. */
  suppressed: { alertId: string; lastEditionId: string; cooldownDays: number }[];
  reason: string | null;
  warnings: string[];
}

/** The latest live weekly issue on or before `asOf`, with its snapshot and daily series. */
async function latestIssueOn(archive: ArchiveStore, asOf: string) {
  const entry = (await readIndexManifest(archive)).find((e) => !e.sample && e.asOf <= asOf);
  if (!entry) return null;
  const snapshot = await readSnapshot(archive, entry.issueId);
  const csv = await readIssueFile(archive, entry.issueId, 'metrics.csv');
  return { entry, snapshot, long: parseLongHistory(csv.body.toString('utf8')) };
}

/** The issue's recorded levels; an issue from before levels were recorded gets them computed now. */
function levelsOf(snapshot: Snapshot, assumptions: Assumptions): Record<string, number> {
  if (Object.keys(snapshot.alertLevels).length > 0) return snapshot.alertLevels;
  return alertLevels(snapshot.metrics, assumptions, {});
}

const ruleOrder = (id: string) => ALERT_RULES.findIndex((r) => r.id === id);

/** Runs the day's alerts; see the module comment. */
export async function runAlertJob(
  payload: AlertJobPayload,
  deps: AlertJobDeps,
  settings: AlertJobSettings,
): Promise<AlertJobResult> {
  const dryRun = payload.dryRun === true;
  const archive = dryRun ? readOnly(deps.archive) : deps.archive;
  const { reporter } = deps;
  const today = utcDay(deps.clock());
  const result: AlertJobResult = {
    status: 'no-alerts',
    asOf: null,
    dryRun,
    baseline: null,
    editions: [],
    suppressed: [],
    reason: null,
    warnings: [],
  };
  const skip = (reason: string): AlertJobResult => {
    reporter.info(`alerts: nothing judged: ${reason}`);
    return { ...result, status: 'skipped', reason };
  };

  const { inputs, integrity } = await fetchReportInputs(
    { ...deps, settings: settings.httpSettings },
    {
      coinMetricsUrl: settings.coinMetricsUrl,
      mempoolUrl: settings.mempoolUrl,
      ...(payload.asOf !== undefined ? { asOf: payload.asOf } : {}),
      coinMetricsFrom: alertWindowStart(payload.asOf ?? today),
    },
  );
  if (inputs.coinMetrics.status !== 'ok') {
    const why = inputs.coinMetrics.status === 'failed' ? inputs.coinMetrics.reason : 'skipped';
    throw new AlertViewUnavailableError(`no alerts judged: Coin Metrics unavailable (${why})`);
  }
  // Implausible figures no witness settles are never mailed as an alert either.
  holdIfUnsettled(integrity);
  result.asOf = inputs.asOf;
  if (inputs.sample) return skip('the data is synthetic sample data; alerts are judged on live data only');

  const latest = await latestIssueOn(archive, inputs.asOf);
  if (!latest)
    return skip(`no weekly issue on or before ${inputs.asOf} yet; alerts start after the first issue`);
  let evaluation: ReturnType<typeof evaluateAlertView>;
  try {
    evaluation = evaluateAlertView(inputs, latest.long, latest.snapshot);
  } catch (error) {
    if (error instanceof AlertViewUnavailableError) return skip(error.message);
    throw error;
  }

  const editions = await readAlertsManifest(archive);
  const baseline = alertBaseline(
    {
      issueId: latest.snapshot.issueId,
      asOf: latest.snapshot.asOf,
      levels: levelsOf(latest.snapshot, settings.assumptions),
    },
    editions,
    inputs.asOf,
  );
  if (!baseline) return skip('no baseline');
  result.baseline = { kind: baseline.kind, id: baseline.id, asOf: baseline.asOf };
  const events = alertEvents({
    view: evaluation.view,
    assumptions: settings.assumptions,
    baseline,
    asOf: inputs.asOf,
    editions,
    cooldownDays: settings.cooldownDays,
  });
  result.suppressed = events.suppressed.map((s) => ({
    alertId: s.alert.id,
    lastEditionId: s.lastEditionId,
    cooldownDays: s.cooldownDays,
  }));
  for (const s of events.suppressed) {
    reporter.info(
      `alerts: ${s.alert.id} held back by its ${s.cooldownDays}-day cooldown (${s.lastEditionId})`,
    );
  }
  const fired = [...events.fired].sort(
    (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || ruleOrder(a.id) - ruleOrder(b.id),
  );
  if (fired.length === 0) {
    reporter.info(
      `alerts: nothing newly tripped on ${inputs.asOf} (against ${baseline.kind} ${baseline.id})`,
    );
    return result;
  }

  // Every source the run asked, as the weekly issue lists them.
  const sources = sourceStatuses(inputs);
  const manifestDeps: Pick<ManifestDeps, 'renderFeeds' | 'clock'> = {
    renderFeeds: archiveFeeds(settings.publicBaseUrl, deps.clock),
    clock: deps.clock,
  };
  const made: AlertEdition[] = [];
  for (const alert of fired) {
    const editionId = editionIdFor(inputs.asOf, alert.id);
    const stored = dryRun ? null : await readAlertEdition(archive, editionId);
    if (stored) {
      made.push(stored);
      result.editions.push(outcomeOf(stored, 'already-archived'));
      continue;
    }
    const edition = buildAlertEdition({
      alert,
      evaluation,
      levels: events.levels,
      baseline,
      latestIssue: { issueId: latest.snapshot.issueId, asOf: latest.snapshot.asOf },
      sources,
      createdAt: deps.clock().toISOString(),
    });
    const rendered = await renderAlertEdition({
      edition,
      series: evaluation.series,
      pools: evaluation.view.pools,
      links: alertLinks(edition, settings.publicBaseUrl),
      footer: { postalAddress: settings.postalAddress },
      imageMode: settings.publicBaseUrl ? 'hosted' : 'cid',
      ...(settings.publicBaseUrl ? { publicBaseUrl: settings.publicBaseUrl } : {}),
      placeholderNonce: newPlaceholderNonce(deps.random),
    });
    if (dryRun) {
      made.push(edition);
      result.editions.push(outcomeOf(edition, 'dry-run'));
      continue;
    }
    const files: EditionFile[] = [
      { name: 'index.html', body: rendered.webHtml },
      { name: 'alert.txt', body: rendered.webText },
      { name: `charts/${rendered.image.filename}`, body: rendered.image.png },
      { name: `charts/${rendered.image.svgFilename}`, body: rendered.image.svg },
      { name: 'email.json', body: `${JSON.stringify(rendered.stored)}\n` },
    ];
    const archived = await archiveAlertEdition(archive, { edition, files }, manifestDeps);
    reporter.info(`alerts: edition ${editionId} ${archived.status}`);
    made.push(archived.edition);
    result.editions.push(outcomeOf(archived.edition, archived.status));
  }
  result.status = 'alerts';

  if (dryRun || payload.asOf !== undefined) {
    const reason = dryRun ? 'dry run' : 'an edition for a given as-of day is archived, not mailed';
    for (const e of result.editions) e.mail = { planned: false, reason };
    return result;
  }
  await mailTheDay(made, result, deps, settings);
  return result;
}

/** Mails the most severe edition of the day, once per mail day; the others are archived and in the feeds. */
async function mailTheDay(
  made: AlertEdition[],
  result: AlertJobResult,
  deps: AlertJobDeps,
  settings: AlertJobSettings,
): Promise<void> {
  const [top, ...rest] = made;
  if (!top) return;
  const outcome = (id: string) => result.editions.find((e) => e.editionId === id);
  for (const other of rest) {
    const o = outcome(other.editionId);
    if (o) {
      o.mail = {
        planned: false,
        reason: `one alert mail per reader per day: ${top.editionId} is the day's mail (this one is in the archive and the feeds)`,
      };
    }
  }
  const o = outcome(top.editionId);
  if (!o) return;
  const claim = await claimMailDay(deps.archive, top.mailDay, top.editionId, deps.clock);
  if (claim.kind === 'taken') {
    o.mail = {
      planned: false,
      reason: `one alert mail per reader per day: ${claim.record.editionId} was mailed on ${top.mailDay}`,
    };
    return;
  }
  if (claim.kind === 'planned') {
    const planned = claim.record.planned;
    o.mail = {
      planned: true,
      mailDay: top.mailDay,
      queued: 0,
      recipients: planned?.recipients ?? 0,
      alreadyPlanned: true,
    };
    return;
  }
  const plan = await planDelivery({
    issueId: top.editionId,
    alertDay: top.mailDay,
    subscribers: deps.subscribers,
    queue: deps.queue,
    recipientsPerMessage: settings.recipientsPerMessage,
    reporter: deps.reporter,
  });
  await markMailDayPlanned(deps.archive, top.mailDay, top.editionId, claim, plan, deps.clock);
  o.mail = {
    planned: true,
    mailDay: top.mailDay,
    queued: plan.queued,
    recipients: plan.recipients,
    alreadyPlanned: false,
  };
}

function outcomeOf(edition: AlertEdition, status: EditionOutcome['status']): EditionOutcome {
  return {
    editionId: edition.editionId,
    alertId: edition.alertId,
    severity: edition.severity,
    title: edition.title,
    status,
    mail: { planned: false, reason: 'not yet planned' },
  };
}

/** Where an edition's links point: absolute under the public base URL, relative within the archive. */
function alertLinks(edition: AlertEdition, publicBaseUrl: string | undefined) {
  const issue = encodeURIComponent(edition.latestIssue.issueId);
  const id = encodeURIComponent(edition.editionId);
  if (!publicBaseUrl) {
    return {
      latestIssueUrl: `../../issues/${issue}/newsletter.html`,
      editionUrl: 'index.html',
      archiveIndexUrl: '../../index.html',
      feedUrl: '../../feed.xml',
    };
  }
  return {
    latestIssueUrl: `${publicBaseUrl}/issues/${issue}/newsletter.html`,
    editionUrl: `${publicBaseUrl}/alerts/${id}/index.html`,
    archiveIndexUrl: `${publicBaseUrl}/index.html`,
    feedUrl: `${publicBaseUrl}/feed.xml`,
  };
}

/** A dry run reads the real archive but writes into memory only. */
function readOnly(archive: ArchiveStore): ArchiveStore {
  const scratch = createMemoryArchiveStore();
  return {
    location: `${archive.location} (dry run)`,
    putIfAbsent: (key, body, options) => scratch.putIfAbsent(key, body, options),
    putIfMatch: (key, body, etag, options) => scratch.putIfMatch(key, body, etag, options),
    get: async (key) => (await scratch.get(key)) ?? archive.get(key),
    list: (prefix) => archive.list(prefix),
    delete: (key) => scratch.delete(key),
    url: (key, options) => archive.url(key, options),
  };
}
