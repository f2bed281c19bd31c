/**
 * One run of a campaign: resolve the audience, plan who is due, enqueue (idempotently),
 * deliver at the rate limit, report. Safe to run again at any time, from several instances.
 *
 * People due now without a stored conversation are `notReachable`, unless an AppInstaller is
 * given (GRAPH_INSTALL_ENABLED): then the bot is installed for them through Microsoft Graph
 * and they count as `installRequested`. The run does not wait for the chat: Teams sends the
 * bot a conversationUpdate, the bot stores the reference, and a later run reminds them as
 * usual (an install is not a reminder, so the once-a-day limit does not hold it back).
 */
import type { Clock } from "../../ports/clock.js";
import type { ConversationRefStore, TokenStore } from "../../ports/stores.js";
import type { Campaign } from "../../ports/reminders.js";
import { localDay } from "./calendar.js";
import { DeliveryRunner, type DeliveryCounts, type DeliveryDeps, type DeliveryOptions } from "./delivery-runner.js";
import { planRound, type Candidate, type Plan, type PlanStatus } from "./planner.js";
import type { AppInstaller, AudienceMember, ReminderStore } from "../../ports/reminders.js";

export interface DeliveryReport {
  /** Reminders this run had to deliver: newly planned plus unfinished ones taken over. */
  planned: number;
  sent: number;
  failed: number;
  skippedEnrolled: number;
  notReachable: number;
  snoozed: number;
  durationMs: number;
  /**
   * Due, had no conversation, and the bot was installed for them now (reminded on a later run).
   * Only with an installer (GRAPH_INSTALL_ENABLED): otherwise the report keeps the keys exactly.
   */
  installRequested?: number;
}

export interface RunResult {
  report: DeliveryReport;
  status: PlanStatus;
  details: {
    newlyPlanned: number;
    resumed: number;
    excluded: number;
    alreadyReminded: number;
    retries: number;
    throttled: number;
    audience: number;
    /** Installs Graph answered "already installed" (yet no conversation stored) or that failed: counted in notReachable. */
    installAlreadyInstalled: number;
    installFailed: number;
  };
}

export interface CampaignRunnerDeps extends DeliveryDeps {
  store: ReminderStore;
  tokens: Pick<TokenStore, "findActive">;
  conversations: Pick<ConversationRefStore, "get" | "findByUpn">;
  clock: Clock;
  /** Resolves the campaign's audience (directory group or UPN list) to accounts. */
  audience: (campaign: Campaign) => Promise<{ members: AudienceMember[]; unknown: string[] }>;
  /** Installs the bot for people it has no conversation with (GRAPH_INSTALL_ENABLED); absent: they are notReachable. */
  installer?: AppInstaller;
}

export interface InstallCounts {
  installed: number;
  alreadyInstalled: number;
  failed: number;
}

/** Concurrent Graph requests: installs are few (only people never seen) and Graph throttles per tenant. */
const INSTALL_CONCURRENCY = 4;

/** Installs the bot for each person; never throws (an installer that does counts as failed). */
async function installFor(people: { upn: string }[], deps: CampaignRunnerDeps): Promise<InstallCounts> {
  const counts: InstallCounts = { installed: 0, alreadyInstalled: 0, failed: 0 };
  const installer = deps.installer;
  if (!installer || people.length === 0) return counts;
  const already: string[] = [];
  await mapLimit(people, INSTALL_CONCURRENCY, async (person) => {
    let outcome: Awaited<ReturnType<AppInstaller["install"]>>;
    try {
      outcome = await installer.install({ upn: person.upn });
    } catch (error) {
      deps.logger?.warn({ upn: person.upn, reason: (error as Error).name }, "app install threw");
      outcome = "failed";
    }
    counts[outcome]++;
    if (outcome === "alreadyInstalled") already.push(person.upn);
  });
  if (already.length > 0) {
    // Installed, but the bot never stored the chat (it missed the conversationUpdate, e.g. it was down).
    deps.logger?.warn(
      { count: already.length, upns: already.slice(0, 20) },
      "app already installed but no conversation stored: not reachable until the person writes to the bot",
    );
  }
  deps.logger?.info({ ...counts }, "app installs requested");
  return counts;
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!);
      }
    }),
  );
  return out;
}

/**
 * People looked up, planned and enqueued a page at a time: what the run holds besides the
 * audience's names is one page, so its memory does not grow with the audience (the queue is
 * read back in batches by the DeliveryRunner).
 */
const PLAN_PAGE = 500;

/** The audience planned page by page: counts summed, due rows enqueued as each page is planned. */
async function planAndEnqueue(
  campaign: Campaign,
  members: AudienceMember[],
  deps: CampaignRunnerDeps,
  now: Date,
  ignoreWindow: boolean,
): Promise<{ plan: Plan; inserted: number }> {
  const day = localDay(now, campaign.window);
  const input = { campaign, now, ignoreWindow, seen: new Set<string>() };
  const total = planRound({ ...input, candidates: [], snoozes: new Map(), roundsTaken: new Set(), plannedToday: new Set() });
  let inserted = 0;
  for (let i = 0; total.status === "ok" && i < members.length; i += PLAN_PAGE) {
    const page = members.slice(i, i + PLAN_PAGE);
    const upns = page.map((m) => m.upn);
    const [candidates, snoozes, history] = await Promise.all([
      mapLimit(page, 16, async (m) => {
        const [token, ref] = await Promise.all([deps.tokens.findActive(m.loginName), deps.conversations.findByUpn(m.upn)]);
        const candidate: Candidate = { upn: m.upn, loginName: m.loginName, enrolled: token !== null };
        if (ref) candidate.userKey = ref.userKey;
        return candidate;
      }),
      deps.store.snoozes(campaign.id, upns),
      deps.store.history(campaign.id, day, upns),
    ]);
    const plan = planRound({ ...input, candidates, snoozes, roundsTaken: history.roundsTaken, plannedToday: history.plannedOnDay });
    inserted += (await deps.store.enqueue(plan.due)).length;
    total.skippedEnrolled += plan.skippedEnrolled;
    total.notReachable += plan.notReachable;
    total.snoozed += plan.snoozed;
    total.excluded += plan.excluded;
    total.alreadyReminded += plan.alreadyReminded;
    // Only an installer needs to know who they are (all of them could be a whole audience).
    if (deps.installer) total.unreachable.push(...plan.unreachable);
  }
  return { plan: total, inserted };
}

export async function runCampaign(
  campaign: Campaign,
  deps: CampaignRunnerDeps,
  options: Partial<DeliveryOptions> & { ignoreWindow?: boolean } = {},
): Promise<RunResult> {
  const started = deps.clock.now();
  await deps.store.saveCampaign(campaign, started);
  const { members, unknown } = await deps.audience(campaign);
  const { plan, inserted: newlyPlanned } = await planAndEnqueue(campaign, members, deps, deps.clock.now(), options.ignoreWindow ?? false);

  const before = await deps.store.unfinished(campaign.id);
  const resumed = Math.max(0, before.pending + before.sending - newlyPlanned);

  // Outside the window nothing new is planned, and unfinished rows wait for the next run inside it.
  let counts: DeliveryCounts = { sent: 0, failed: 0, skippedEnrolled: 0, notReachable: 0, snoozed: 0, retries: 0, throttled: 0 };
  let installs: InstallCounts = { installed: 0, alreadyInstalled: 0, failed: 0 };
  if (plan.status === "ok") {
    // Graph installs and Teams sends are different services: run them side by side.
    [counts, installs] = await Promise.all([new DeliveryRunner(deps, options).run(campaign), installFor(plan.unreachable, deps)]);
  }

  const report: DeliveryReport = {
    planned: plan.status === "ok" ? newlyPlanned + resumed : 0,
    sent: counts.sent,
    failed: counts.failed,
    skippedEnrolled: plan.skippedEnrolled + counts.skippedEnrolled,
    notReachable: plan.notReachable - installs.installed + unknown.length + counts.notReachable,
    snoozed: plan.snoozed + counts.snoozed,
    durationMs: deps.clock.now().getTime() - started.getTime(),
  };
  if (deps.installer) report.installRequested = installs.installed;
  // Outside the window the plan saw nobody: keep the last real run's picture of the audience.
  if (plan.status === "ok") {
    const audience = members.length + unknown.length;
    // The stored picture has no column for pending installs: they cannot be messaged yet either.
    const notReachable = report.notReachable + installs.installed;
    await deps.store.recordRun(campaign.id, { at: deps.clock.now(), audience, skippedEnrolled: report.skippedEnrolled, notReachable });
  }
  return {
    report,
    status: plan.status,
    details: {
      newlyPlanned,
      resumed: plan.status === "ok" ? resumed : 0,
      excluded: plan.excluded,
      alreadyReminded: plan.alreadyReminded,
      retries: counts.retries,
      throttled: counts.throttled,
      audience: members.length + unknown.length,
      installAlreadyInstalled: installs.alreadyInstalled,
      installFailed: installs.failed,
    },
  };
}
