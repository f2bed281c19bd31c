import type { Directory, DirectoryUser } from "../../ports/directory.js";

/**
 * The helpdesk member behind a UPN, or null when the directory does not know them or they
 * are not in the helpdesk group (nested membership counts). The one check every helpdesk
 * privilege goes through; DirectoryUnavailableError passes through to the caller.
 */
export async function findHelpdeskMember(
  directory: Pick<Directory, "findByUpn" | "isMemberOf">,
  helpdeskGroupId: string,
  upn: string,
): Promise<DirectoryUser | null> {
  const user = await directory.findByUpn(upn);
  return user && (await directory.isMemberOf(user, helpdeskGroupId)) ? user : null;
}
