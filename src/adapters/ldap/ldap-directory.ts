/**
 * Directory port over LDAP (Active Directory in production), with ldapts.
 * Searches run on one shared service-account connection; password checks bind as the user on
 * a fresh connection of their own that is closed right after.
 */
import { AndFilter, EqualityFilter, ExtensibleFilter, NotFilter, PresenceFilter, type Entry, type Filter } from "ldapts";
import type { Clock } from "../../ports/clock.js";
import { systemClock } from "../real-time.js";
import type { Directory, DirectoryUser, PasswordCheck } from "../../ports/directory.js";
import { accountProblem } from "./account-status.js";
import { MATCHING_RULE_IN_CHAIN } from "./group-membership.js";
import { GroupMembership } from "./group-membership.js";
import type { ConnectionSettings } from "./ldap-connection.js";
import { BindConnections } from "./bind-connections.js";
import { planTransport, type LdapDirectoryDeps, type LdapDirectoryOptions, type LdapLogger } from "./ldap-directory-options.js";
import { passwordCheckFromBindError, unavailable } from "./ldap-errors.js";
import { first, normaliseDn, values } from "./ldap-entry.js";
import { normaliseMobile } from "./mobile-number.js";
import { ServiceConnection, describe } from "./service-connection.js";
import { userFilter } from "./user-filter.js";

export type { LdapDirectoryOptions, LdapDirectoryDeps, LdapLogger, NestedGroupMode } from "./ldap-directory-options.js";

/** Longest login name / UPN looked up; longer input cannot be an account (AD caps UPN at 1024). */
const MAX_LOOKUP_LENGTH = 256;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export class LdapDirectory implements Directory {
  private readonly settings: ConnectionSettings;
  private readonly service: ServiceConnection;
  /** Users' password checks, on connections kept between them (only binds run on them). */
  private readonly binds: BindConnections;
  private readonly groups: GroupMembership;
  private readonly logger: LdapLogger;
  private readonly clock: Clock;
  private readonly userObjectClass: string;

  constructor(
    private readonly options: LdapDirectoryOptions,
    deps: LdapDirectoryDeps,
  ) {
    const plan = planTransport(options);
    for (const key of ["bindDn", "bindPassword", "baseDn", "loginAttribute", "upnAttribute", "mobileAttribute"] as const) {
      if (!options[key]) throw new Error(`LDAP directory option ${key} must not be empty`);
    }
    if (!(options.connectTimeoutMs > 0) || !(options.operationTimeoutMs > 0)) {
      throw new Error("LDAP connectTimeoutMs and operationTimeoutMs must be positive");
    }
    this.logger = deps.logger;
    this.clock = deps.clock ?? systemClock;
    this.userObjectClass = options.userObjectClass ?? "user";
    if (plan.secure === "plaintext") {
      this.logger.warn(
        { url: options.url },
        "LDAP over plain ldap:// without StartTLS (LDAP_ALLOW_PLAINTEXT): passwords cross the network unencrypted",
      );
    }
    this.settings = {
      url: options.url,
      plan,
      ...(options.caPem ? { caPem: options.caPem } : {}),
      connectTimeoutMs: options.connectTimeoutMs,
      operationTimeoutMs: options.operationTimeoutMs,
    };
    this.service = new ServiceConnection(this.settings, { dn: options.bindDn, password: options.bindPassword }, this.logger);
    this.binds = new BindConnections(this.settings, this.clock);
    this.groups = new GroupMembership(this.service, options.nestedGroups, options.maxNestingDepth ?? 5, this.logger);
  }

  findByUpn(upn: string): Promise<DirectoryUser | null> {
    return this.findOne(this.options.upnAttribute, upn);
  }

  findByLoginName(loginName: string): Promise<DirectoryUser | null> {
    return this.findOne(this.options.loginAttribute, loginName);
  }

  async verifyPassword(user: DirectoryUser, password: string): Promise<PasswordCheck> {
    // AD treats a bind with an empty password as anonymous and *accepts* it.
    if (typeof password !== "string" || password.length === 0) return { ok: false, reason: "invalidCredentials" };
    if (!user.id) return { ok: false, reason: "invalidCredentials" };
    try {
      await this.binds.bind(user.id, password);
      return { ok: true };
    } catch (error) {
      const check = passwordCheckFromBindError(error);
      this.logger.info({ reason: check.ok ? undefined : check.reason }, "LDAP user bind refused");
      return check;
    }
  }

  async isMemberOf(user: DirectoryUser, groupId: string): Promise<boolean> {
    if (!user.id || !groupId) return false;
    try {
      return await this.groups.isMember(user.id, groupId);
    } catch (error) {
      throw unavailable("group membership", error);
    }
  }

  /**
   * Nested members of a group. On Active Directory one paged search with the in-chain
   * matching rule; elsewhere breadth-first over memberOf (users and sub-groups whose
   * memberOf is the group), bounded depth, cycles ignored. Filters are ldapts filter
   * objects, so the DN is never parsed as filter syntax.
   */
  async listGroupMembers(groupId: string): Promise<DirectoryUser[]> {
    if (typeof groupId !== "string" || !groupId.trim() || groupId.length > 1024 || CONTROL_CHARACTERS.test(groupId)) return [];
    try {
      const entries = (await this.isActiveDirectory())
        ? await this.pagedUserSearch(new ExtensibleFilter({ matchType: "memberOf", rule: MATCHING_RULE_IN_CHAIN, value: groupId.trim() }))
        : await this.membersByMemberOf(groupId.trim());
      const users: DirectoryUser[] = [];
      const seen = new Set<string>();
      for (const entry of entries) {
        const key = normaliseDn(entry.dn);
        if (seen.has(key)) continue;
        seen.add(key);
        const user = await this.toUser(entry);
        if (user) users.push(user);
      }
      return users;
    } catch (error) {
      this.logger.error({ err: describe(error) }, "LDAP group member search failed");
      throw unavailable("group member search", error);
    }
  }

  private adCheck?: Promise<boolean>;

  private isActiveDirectory(): Promise<boolean> {
    if (this.options.nestedGroups !== "auto") return Promise.resolve(this.options.nestedGroups === "in-chain");
    this.adCheck ??= this.service
      .run("read rootDSE", (client) =>
        client.search("", {
          scope: "base",
          filter: new PresenceFilter({ attribute: "objectClass" }),
          attributes: ["supportedCapabilities"],
        }),
      )
      .then((r) =>
        r.searchEntries
          .flatMap((e) => values(e, "supportedCapabilities"))
          .some((c) => ["1.2.840.113556.1.4.800", "1.2.840.113556.1.4.1851"].includes(c)),
      )
      .catch((error: unknown) => {
        this.adCheck = undefined;
        throw error;
      });
    return this.adCheck;
  }

  private async pagedUserSearch(condition: Filter): Promise<Entry[]> {
    const filter = new AndFilter({
      filters: [
        new EqualityFilter({ attribute: "objectClass", value: this.userObjectClass }),
        new NotFilter({ filter: new EqualityFilter({ attribute: "objectClass", value: "computer" }) }),
        condition,
      ],
    });
    const result = await this.service.run("group member search", (client) =>
      client.search(this.options.baseDn, { scope: "sub", filter, attributes: this.attributes(), paged: { pageSize: 500 } }),
    );
    return result.searchEntries;
  }

  private async membersByMemberOf(groupDn: string): Promise<Entry[]> {
    const maxDepth = this.options.maxNestingDepth ?? 5;
    const visited = new Set<string>([normaliseDn(groupDn)]);
    let level = [groupDn];
    const found: Entry[] = [];
    for (let depth = 0; depth <= maxDepth && level.length > 0; depth++) {
      const next: string[] = [];
      for (const group of level) {
        const direct = new EqualityFilter({ attribute: "memberOf", value: group });
        found.push(...(await this.pagedUserSearch(direct)));
        if (depth === maxDepth) continue;
        const subGroups = await this.service.run("sub-group search", (client) =>
          client.search(this.options.baseDn, {
            scope: "sub",
            filter: new AndFilter({ filters: [new EqualityFilter({ attribute: "objectClass", value: "group" }), direct] }),
            attributes: ["1.1"],
            paged: { pageSize: 500 },
          }),
        );
        for (const sub of subGroups.searchEntries) {
          const key = normaliseDn(sub.dn);
          if (visited.has(key) || visited.size >= 500) continue;
          visited.add(key);
          next.push(sub.dn);
        }
      }
      level = next;
    }
    return found;
  }

  async ping(): Promise<void> {
    try {
      await this.service.run("ping", (client) => client.search("", { scope: "base", attributes: ["supportedLDAPVersion"] }));
    } catch (error) {
      throw unavailable("ping", error);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.service.close(), this.binds.close()]);
  }

  private async findOne(attribute: string, value: string): Promise<DirectoryUser | null> {
    if (typeof value !== "string") return null;
    const wanted = value.trim();
    if (!wanted || wanted.length > MAX_LOOKUP_LENGTH || CONTROL_CHARACTERS.test(wanted)) return null;
    const filter = userFilter(this.userObjectClass, attribute, wanted);
    try {
      const result = await this.service.run("user search", (client) =>
        client.search(this.options.baseDn, { scope: "sub", filter, sizeLimit: 2, attributes: this.attributes() }),
      );
      const matches = result.searchEntries.filter((entry) => sameValue(first(entry, attribute), wanted));
      if (matches.length !== 1) {
        if (matches.length > 1) this.logger.warn({ attribute, matches: matches.length }, "LDAP lookup is ambiguous; treating as not found");
        return null;
      }
      return await this.toUser(matches[0] as Entry);
    } catch (error) {
      this.logger.error({ attribute, err: describe(error) }, "LDAP user search failed");
      throw unavailable("user search", error);
    }
  }

  private attributes(): string[] {
    const o = this.options;
    return [
      o.loginAttribute,
      o.upnAttribute,
      o.mobileAttribute,
      o.departmentAttribute ?? "department",
      "cn",
      "displayName",
      "givenName",
      "sn",
      "mail",
      "userAccountControl",
      "accountExpires",
      "lockoutTime",
      "pwdLastSet",
      "memberOf",
    ];
  }

  private async toUser(entry: Entry): Promise<DirectoryUser | null> {
    const o = this.options;
    const loginName = first(entry, o.loginAttribute);
    const upn = first(entry, o.upnAttribute);
    if (!loginName || !upn) return null;
    const user: DirectoryUser = {
      id: entry.dn,
      loginName,
      upn,
      displayName: first(entry, "displayName") ?? first(entry, "cn") ?? loginName,
    };
    const optional = {
      givenName: first(entry, "givenName"),
      surname: first(entry, "sn"),
      mail: first(entry, "mail"),
      department: first(entry, o.departmentAttribute ?? "department"),
      mobile: normaliseMobile(first(entry, o.mobileAttribute), o.defaultCountry),
    };
    for (const [key, value] of Object.entries(optional)) {
      if (value !== undefined) (user as unknown as Record<string, string>)[key] = value;
    }
    const problem =
      accountProblem(
        {
          userAccountControl: first(entry, "userAccountControl"),
          accountExpires: first(entry, "accountExpires"),
          lockoutTime: first(entry, "lockoutTime"),
          pwdLastSet: first(entry, "pwdLastSet"),
        },
        this.clock.now(),
        o.lockoutDurationMinutes,
      ) ??
      (o.eligibleGroupDn && !(await this.groups.isMember(entry.dn, o.eligibleGroupDn, values(entry, "memberOf")))
        ? "notEligible"
        : undefined);
    if (problem) user.problem = problem;
    return user;
  }
}

/**
 * The server matched case-insensitively; also insist the value is the same up to case
 * (AD's collation can equate accented and plain letters: "åsa" must not find "asa").
 */
function sameValue(actual: string | undefined, wanted: string): boolean {
  return actual !== undefined && actual.localeCompare(wanted, "sv", { sensitivity: "accent" }) === 0;
}
