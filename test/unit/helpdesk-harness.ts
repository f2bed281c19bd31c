/**
 * HelpdeskService on fakes for the unit tests: in-memory tickets, a notifier that records
 * card posts, updates and messages to the employee, and a demo directory that can go down.
 */
import { beforeEach } from "vitest";
import { DemoDirectory } from "../../src/adapters/demo-directory.js";
import type { EnrollmentState } from "../../src/ports/enrollment-state.js";
import { ConcurrentUpdateError, DirectoryUnavailableError } from "../../src/features/shared/errors.js";
import { HelpdeskService } from "../../src/features/helpdesk/helpdesk-service.js";
import type { TicketView } from "../../src/ports/ticket-view.js";
import type { Caller } from "../../src/ports/caller.js";
import type { DirectoryUser } from "../../src/ports/directory.js";
import type { EmployeeMessage, HelpdeskNotifier } from "../../src/ports/helpdesk-notifier.js";
import type { Versioned } from "../../src/ports/stores.js";
import { openStatuses, type MessageRef, type Ticket, type TicketListFilter, type TicketStore } from "../../src/ports/tickets.js";
import { FakeClock, MemoryStores, MemoryTemporaryAccess } from "./fakes.js";
import { randomBytes } from "node:crypto";
import { AesGcmSecretBox } from "../../src/adapters/aes-gcm-secret-box.js";
import { TemporaryAccessIssuer } from "../../src/features/validation/temporary-access-issuer.js";
import { defaultTemporaryAccessPolicy } from "../../src/features/validation/temporary-access-policy.js";

export class MemoryTickets implements TicketStore {
  rows = new Map<string, Versioned<Ticket>>();
  async create(ticket: Ticket) {
    // Checked and inserted with no await between, as the database's unique index does.
    const open = [...this.rows.values()].some(
      (r) => r.value.subject === ticket.subject.toLowerCase() && openStatuses.includes(r.value.status),
    );
    if (this.rows.has(ticket.id) || open) throw new ConcurrentUpdateError("exists");
    this.rows.set(ticket.id, { value: structuredClone(ticket), version: 1 });
    return 1;
  }
  async get(id: string) {
    const row = this.rows.get(id);
    return row ? structuredClone(row) : null;
  }
  async findOpenForSubject(subject: string) {
    const lower = subject.toLowerCase();
    const row = [...this.rows.values()].find((r) => r.value.subject === lower && openStatuses.includes(r.value.status));
    return row ? structuredClone(row) : null;
  }
  async save(ticket: Ticket, expected: number) {
    const row = this.rows.get(ticket.id);
    if (!row || row.version !== expected) throw new ConcurrentUpdateError("moved");
    this.rows.set(ticket.id, { value: structuredClone(ticket), version: expected + 1 });
    return expected + 1;
  }
  async list(filter: TicketListFilter = {}) {
    const subject = filter.subject?.toLowerCase();
    return [...this.rows.values()]
      .map((r) => r.value)
      .filter((t) => (!filter.status || filter.status.includes(t.status)) && (subject === undefined || t.subject === subject))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, filter.limit ?? 100)
      .map((t) => structuredClone(t));
  }
}

export class FakeNotifier implements HelpdeskNotifier {
  posted: TicketView[] = [];
  updates: { ref: MessageRef; view: TicketView }[] = [];
  told: { userKey: string; message: EmployeeMessage }[] = [];
  reachable = new Set<string>();
  failPost = false;
  async postTicketCard(view: TicketView): Promise<MessageRef> {
    if (this.failPost) throw new Error("channel unreachable");
    this.posted.push(structuredClone(view));
    return {
      conversationId: "19:helpdesk@thread.tacv2",
      activityId: `activity-${this.posted.length}`,
      serviceUrl: "https://smba.example/",
    };
  }
  async updateTicketCard(ref: MessageRef, view: TicketView): Promise<void> {
    this.updates.push({ ref, view: structuredClone(view) });
  }
  async notifyEmployee(userKey: string, message: EmployeeMessage): Promise<boolean> {
    if (!this.reachable.has(userKey)) return false;
    this.told.push({ userKey, message });
    return true;
  }
}

/** The demo directory, which can be made to stop answering. */
export class SwitchableDirectory extends DemoDirectory {
  down = false;
  override async findByUpn(upn: string): Promise<DirectoryUser | null> {
    if (this.down) throw new DirectoryUnavailableError("down");
    return super.findByUpn(upn);
  }
}

export const alex: Caller = { userKey: "aad-alex", upn: "alexw@example.com", locale: "sv" };
export const megan = { upn: "meganb@example.com" }; // in group "helpdesk"
export const lynne = { upn: "lynner@example.com" }; // not

export function enrollment(overrides: Partial<EnrollmentState> = {}): EnrollmentState {
  return {
    flowId: "flow-1",
    step: "sms",
    locale: "sv",
    startedAt: "2026-11-25T08:50:00.000Z",
    updatedAt: "2026-11-25T08:55:00.000Z",
    callerUpn: alex.upn,
    account: { id: "demo:alexw", loginName: "alexw", displayName: "Alex Wilber", mobile: "+46701740605" },
    passwordFailures: 0,
    confirmFailures: 0,
    lastError: "error.smsWrong",
    ...overrides,
  };
}

export interface HelpdeskHarness {
  clock: FakeClock;
  stores: MemoryStores;
  tickets: MemoryTickets;
  notifier: FakeNotifier;
  directory: SwitchableDirectory;
  service: HelpdeskService;
  grants: MemoryTemporaryAccess;
  /** Gives alexw an active token on "Jobbmobil". */
  activateToken(): void;
}

/** A HelpdeskService on fakes, Alex reachable and stuck at the SMS step; ticket ids ticket-1, ticket-2, … */
export async function helpdeskHarness(): Promise<HelpdeskHarness> {
  const clock = new FakeClock();
  const stores = new MemoryStores();
  const tickets = new MemoryTickets();
  const notifier = new FakeNotifier();
  notifier.reachable.add(alex.userKey);
  const directory = new SwitchableDirectory();
  const grants = new MemoryTemporaryAccess();
  let ids = 0;
  const service = new HelpdeskService({
    tickets,
    notifier,
    directory,
    enrollments: stores,
    tokens: stores,
    rates: stores,
    audit: stores,
    clock,
    // The channel's pacing waits on the fake clock: moving it is the wait.
    wait: async (ms) => clock.advance(ms / 1000),
    helpdeskGroupId: "helpdesk",
    temporaryAccess: {
      store: grants,
      issuer: new TemporaryAccessIssuer(grants, new AesGcmSecretBox(randomBytes(32)), defaultTemporaryAccessPolicy),
      hours: defaultTemporaryAccessPolicy.hours,
    },
    newId: () => `ticket-${++ids}`,
  });
  await stores.save(alex.userKey, enrollment(), null);

  const activateToken = () =>
    stores.tokens.push({
      id: "tok-1",
      loginName: "alexw",
      upn: alex.upn,
      deviceName: "Jobbmobil",
      secretSealed: "sealed-SECRET",
      activatedAt: new Date("2026-11-01T10:00:00Z"),
      lastTimeStep: 1,
      status: "active",
    });

  return { clock, stores, tickets, notifier, directory, service, activateToken, grants };
}

/** Call inside a describe: a new harness before each test, read through the returned view. */
export function helpdeskHarnessPerTest(): HelpdeskHarness {
  let current: HelpdeskHarness | undefined;
  beforeEach(async () => {
    current = await helpdeskHarness();
  });
  return new Proxy({} as HelpdeskHarness, {
    get(_target, key) {
      if (!current) throw new Error("the helpdesk harness is made in beforeEach");
      return current[key as keyof HelpdeskHarness];
    },
  });
}
