/**
 * The in-memory fakes the domain's unit tests use, held to the same contracts as the real
 * adapters (test/contracts/): a fake that drifts from its port fails here.
 */
import { DEMO_PASSWORD, DemoDirectory } from "../../src/adapters/demo-directory.js";
import { directoryContract } from "../contracts/directory.contract.js";
import { enrollmentStoreContract } from "../contracts/enrollment-store.contract.js";
import { smsSenderContract } from "../contracts/sms-sender.contract.js";
import { ticketStoreContract } from "../contracts/ticket-store.contract.js";
import { FakeSms, MemoryStores } from "./fakes.js";
import { MemoryTickets } from "./helpdesk-harness.js";

enrollmentStoreContract("MemoryStores (fake)", async () => new MemoryStores());
ticketStoreContract("MemoryTickets (fake)", async () => new MemoryTickets());
smsSenderContract("FakeSms (fake)", async () => {
  const sms = new FakeSms();
  return { sender: sms, delivered: async () => sms.sent, breakNext: () => void (sms.failNext = true) };
});
directoryContract("DemoDirectory (local mode)", () => new DemoDirectory(), {
  user: { upn: "alexw@example.com", loginName: "alexw", password: DEMO_PASSWORD, mobile: "+46701740605", group: "enrollment-eligible" },
  disabledLoginName: "pattif",
  unknownGroup: "no-such-group",
});
