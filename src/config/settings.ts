/**
 * The one mapping from the environment to run settings. The report and alerts Lambdas and the CLI all
 * take their settings from here, so a variable means the same thing in every host. Values arrive
 * validated and converted by the env schema (env.ts): the assumptions and alert cooldowns are parsed
 * there, once, and shared from here on.
 */
import type { AlertJobSettings } from '../alerts/alert-job';
import type { IssueSettings } from '../pipeline/produce-issue';
import type { ReportJobSettings } from '../pipeline/report-job';
import type { Env } from './env';

/** The same settings in the three shapes the runs take. */
export interface Settings {
  /** What every issue takes (the CLI's `run` and `report`, `archive verify`'s fallback). */
  readonly issue: IssueSettings;
  /** The weekly report run (report Lambda). */
  readonly report: ReportJobSettings;
  /** The mid-week alert run (alerts Lambda, `hashbrief alerts`). */
  readonly alerts: AlertJobSettings;
}

/** Maps the parsed environment (loadEnv) to the settings of an issue, a report run and an alert run. */
export function settingsFromEnv(env: Env): Settings {
  const issue: IssueSettings = {
    coinMetricsUrl: env.HASHBRIEF_COINMETRICS_URL,
    mempoolUrl: env.HASHBRIEF_MEMPOOL_URL,
    assumptions: env.HASHBRIEF_ASSUMPTIONS_JSON,
    postalAddress: env.HASHBRIEF_POSTAL_ADDRESS,
    publicBaseUrl: env.HASHBRIEF_PUBLIC_BASE_URL,
    linksBaseUrl: env.HASHBRIEF_LINKS_BASE_URL,
    httpSettings: {
      timeoutMs: env.HASHBRIEF_HTTP_TIMEOUT_MS,
      budgetMs: env.HASHBRIEF_FETCH_BUDGET_MS,
      retries: env.HASHBRIEF_HTTP_RETRIES,
    },
  };
  const recipientsPerMessage = env.HASHBRIEF_RECIPIENTS_PER_MESSAGE;
  return {
    issue,
    report: { ...issue, recipientsPerMessage },
    alerts: { ...issue, recipientsPerMessage, cooldownDays: env.HASHBRIEF_ALERT_COOLDOWN_DAYS },
  };
}
