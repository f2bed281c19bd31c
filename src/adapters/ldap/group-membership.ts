/**
 * Nested group membership: AD's LDAP_MATCHING_RULE_IN_CHAIN when available, otherwise the
 * memberOf values of the user, walked upwards through the groups' memberOf (bounded depth).
 */
import { ExtensibleFilter, NoSuchObjectError, PresenceFilter, ResultCodeError, type Client } from "ldapts";
import type { LdapLogger, NestedGroupMode } from "./ldap-directory-options.js";
import { unavailable } from "./ldap-errors.js";
import { normaliseDn, values } from "./ldap-entry.js";
import type { ServiceConnection } from "./service-connection.js";

export const MATCHING_RULE_IN_CHAIN = "1.2.840.113556.1.4.1941";
/** rootDSE supportedCapabilities of AD DS and AD LDS (both support the in-chain rule). */
const ACTIVE_DIRECTORY_CAPABILITIES = ["1.2.840.113556.1.4.800", "1.2.840.113556.1.4.1851"];
/** Stop walking after this many groups, whatever the depth (huge or cyclic group graphs). */
const MAX_GROUPS_VISITED = 500;

type ResolvedMode = "in-chain" | "memberOf";

export class GroupMembership {
  private resolved?: ResolvedMode;

  constructor(
    private readonly service: ServiceConnection,
    private readonly mode: NestedGroupMode,
    private readonly maxDepth: number,
    private readonly logger: LdapLogger,
  ) {
    if (mode !== "auto") this.resolved = mode;
  }

  /**
   * True when `userDn` is a direct or nested member of `groupDn`.
   * `directGroups` are the user's memberOf values when already read (saves a search).
   */
  async isMember(userDn: string, groupDn: string, directGroups?: string[]): Promise<boolean> {
    const target = normaliseDn(groupDn);
    if (directGroups?.some((dn) => normaliseDn(dn) === target)) return true;
    const mode = await this.resolveMode();
    if (mode === "in-chain") {
      const answer = await this.inChain(userDn, groupDn);
      if (answer !== undefined) return answer;
    }
    return this.walkMemberOf(userDn, target, directGroups);
  }

  private async resolveMode(): Promise<ResolvedMode> {
    if (this.resolved) return this.resolved;
    const rootDse = await this.service.run("read rootDSE", (client) =>
      client.search("", { scope: "base", filter: new PresenceFilter({ attribute: "objectClass" }), attributes: ["supportedCapabilities"] }),
    );
    const capabilities = rootDse.searchEntries.flatMap((entry) => values(entry, "supportedCapabilities"));
    // OpenLDAP and others evaluate an unknown matching rule as Undefined and silently match
    // nothing, so support cannot be probed by trying it: ask whether this is AD.
    const mode: ResolvedMode = capabilities.some((c) => ACTIVE_DIRECTORY_CAPABILITIES.includes(c)) ? "in-chain" : "memberOf";
    this.logger.info({ nestedGroups: mode }, "LDAP nested group resolution selected");
    this.resolved = mode;
    return mode;
  }

  /** undefined when the server rejected the matching rule (auto mode then falls back). */
  private async inChain(userDn: string, groupDn: string): Promise<boolean | undefined> {
    try {
      const result = await this.service.run("nested group search", (client) =>
        client.search(userDn, {
          scope: "base",
          filter: new ExtensibleFilter({ matchType: "memberOf", rule: MATCHING_RULE_IN_CHAIN, value: groupDn }),
          attributes: ["1.1"],
        }),
      );
      return result.searchEntries.length > 0;
    } catch (error) {
      if (error instanceof NoSuchObjectError) return false;
      if (!(error instanceof ResultCodeError)) throw error;
      if (this.mode !== "auto") throw unavailable("in-chain group search (set nestedGroups to memberOf?)", error);
      this.logger.warn({ code: error.code }, "LDAP server rejected the in-chain matching rule; falling back to memberOf");
      this.resolved = "memberOf";
      return undefined;
    }
  }

  private async walkMemberOf(userDn: string, target: string, directGroups?: string[]): Promise<boolean> {
    let level = directGroups ?? (await this.service.run("read memberOf", (client) => readMemberOf(client, userDn)));
    const visited = new Set<string>();
    for (let depth = 0; depth <= this.maxDepth && level.length > 0; depth++) {
      const next: string[] = [];
      for (const dn of level) {
        const key = normaliseDn(dn);
        if (key === target) return true;
        if (visited.has(key) || visited.size >= MAX_GROUPS_VISITED) continue;
        visited.add(key);
        if (depth < this.maxDepth) next.push(dn);
      }
      if (next.length === 0) break;
      const parents = await this.service.run("read group memberOf", (client) => Promise.all(next.map((dn) => readMemberOf(client, dn))));
      level = parents.flat();
    }
    return false;
  }
}

async function readMemberOf(client: Client, dn: string): Promise<string[]> {
  try {
    const result = await client.search(dn, {
      scope: "base",
      filter: new PresenceFilter({ attribute: "objectClass" }),
      attributes: ["memberOf"],
    });
    return result.searchEntries.flatMap((entry) => values(entry, "memberOf"));
  } catch (error) {
    if (error instanceof NoSuchObjectError) return [];
    throw error;
  }
}
