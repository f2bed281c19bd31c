import type { Directory, DirectoryUser, PasswordCheck } from "../ports/directory.js";

/** The password every demo account has (local mode only; documented in the README). */
export const DEMO_PASSWORD = "Passw0rd!";

/** The demo directory's eligible group (what LDAP_ELIGIBLE_GROUP_DN names in production). */
export const DEMO_ELIGIBLE_GROUP = "enrollment-eligible";
/**
 * The audience of the example campaign (campaigns/example.json), written as a real AD group
 * DN so the example reads like production; in the demo directory its members are the eligible ones.
 */
export const DEMO_CAMPAIGN_GROUP = "CN=OTP-Behoriga,OU=Grupper,DC=regionjh,DC=se";

interface DemoAccount extends DirectoryUser {
  groups: string[];
}

/**
 * The Microsoft 365 Agents Playground's built-in users, so the playground works out of the
 * box. Mobile numbers are from the range PTS reserves for fiction (070-174 06 05…99).
 * adelev has no mobile number and pattif is disabled, to show those answers.
 */
const accounts: DemoAccount[] = [
  {
    id: "demo:alexw",
    loginName: "alexw",
    upn: "alexw@example.com",
    displayName: "Alex Wilber",
    givenName: "Alex",
    surname: "Wilber",
    mail: "alexw@example.com",
    department: "Akutmottagningen",
    mobile: "+46701740605",
    groups: [DEMO_ELIGIBLE_GROUP, DEMO_CAMPAIGN_GROUP],
  },
  {
    id: "demo:meganb",
    loginName: "meganb",
    upn: "meganb@example.com",
    displayName: "Megan Bowen",
    givenName: "Megan",
    surname: "Bowen",
    mail: "meganb@example.com",
    department: "IT-support",
    mobile: "+46701740606",
    groups: [DEMO_ELIGIBLE_GROUP, DEMO_CAMPAIGN_GROUP, "helpdesk"],
  },
  {
    id: "demo:adelev",
    loginName: "adelev",
    upn: "adelev@example.com",
    displayName: "Adele Vance",
    givenName: "Adele",
    surname: "Vance",
    mail: "adelev@example.com",
    department: "Röntgen",
    groups: [DEMO_ELIGIBLE_GROUP, DEMO_CAMPAIGN_GROUP],
  },
  {
    id: "demo:isaiahl",
    loginName: "isaiahl",
    upn: "isaiah@example.com",
    displayName: "Isaiah Langer",
    givenName: "Isaiah",
    surname: "Langer",
    mail: "isaiahl@example.com",
    department: "Vårdcentral Östersund",
    mobile: "+46701740608",
    groups: [DEMO_ELIGIBLE_GROUP, DEMO_CAMPAIGN_GROUP],
  },
  {
    id: "demo:pattif",
    loginName: "pattif",
    upn: "pattif@example.com",
    displayName: "Patti Fernandez",
    givenName: "Patti",
    surname: "Fernandez",
    mail: "pattif@example.com",
    department: "Ekonomi",
    mobile: "+46701740609",
    problem: "disabled",
    groups: [],
  },
  {
    id: "demo:lynner",
    loginName: "lynner",
    upn: "lynner@example.com",
    displayName: "Lynne Robbins",
    givenName: "Lynne",
    surname: "Robbins",
    mail: "lynner@example.com",
    department: "Barnkliniken",
    mobile: "+46701740610",
    groups: [DEMO_ELIGIBLE_GROUP, DEMO_CAMPAIGN_GROUP],
  },
];

function publicView({ groups: _groups, ...user }: DemoAccount): DirectoryUser {
  return { ...user };
}

/** Local-mode directory: the playground's users, in memory. */
export class DemoDirectory implements Directory {
  async findByUpn(upn: string): Promise<DirectoryUser | null> {
    const found = accounts.find((a) => a.upn === upn.toLowerCase());
    return found ? publicView(found) : null;
  }

  async findByLoginName(loginName: string): Promise<DirectoryUser | null> {
    const found = accounts.find((a) => a.loginName === loginName.toLowerCase());
    return found ? publicView(found) : null;
  }

  async verifyPassword(user: DirectoryUser, password: string): Promise<PasswordCheck> {
    const account = accounts.find((a) => a.id === user.id);
    if (!account || password !== DEMO_PASSWORD) return { ok: false, reason: "invalidCredentials" };
    return account.problem ? { ok: false, reason: account.problem } : { ok: true };
  }

  async isMemberOf(user: DirectoryUser, groupId: string): Promise<boolean> {
    return accounts.find((a) => a.id === user.id)?.groups.includes(groupId) ?? false;
  }

  async listGroupMembers(groupId: string): Promise<DirectoryUser[]> {
    return accounts.filter((a) => a.groups.includes(groupId)).map(publicView);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
