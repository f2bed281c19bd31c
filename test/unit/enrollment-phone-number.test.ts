/**
 * The full mobile number is stored only while this flow may still send an SMS code (the SMS
 * step). Once the code is verified it is dropped from the stored state; the re-enrollment
 * notice at the last step asks the directory for the number again at that moment.
 */
import { describe, expect, it } from "vitest";
import { DemoDirectory } from "../../src/adapters/demo-directory.js";
import { DirectoryUnavailableError } from "../../src/features/shared/errors.js";
import type { DirectoryUser } from "../../src/ports/directory.js";
import { alex, harness } from "./enrollment-harness.js";

const ALEX_MOBILE = "+46701740605";
const stored = async (h: ReturnType<typeof harness>) => JSON.stringify((await h.stores.load(alex.userKey))!.value);

/** The demo directory, whose answers for alex can be changed mid-flow. */
class ChangingDirectory extends DemoDirectory {
  mobile: string | undefined = ALEX_MOBILE;
  down = false;
  override async findByUpn(upn: string): Promise<DirectoryUser | null> {
    return this.changed(await super.findByUpn(upn));
  }
  override async findByLoginName(loginName: string): Promise<DirectoryUser | null> {
    return this.changed(await super.findByLoginName(loginName));
  }
  private changed(user: DirectoryUser | null): DirectoryUser | null {
    if (this.down) throw new DirectoryUnavailableError("test: the directory is down");
    return user && user.loginName === "alexw" ? { ...user, mobile: this.mobile } : user;
  }
}

describe("enrollment: the phone number in the stored state", () => {
  it("is kept during the SMS step (a new code may be asked for) and dropped once the code is verified", async () => {
    const h = harness();
    const sms = await h.walk("sms");
    expect(await stored(h)).toContain(ALEX_MOBILE); // the check can fail
    const device = await h.service.submitSms(alex, sms.flowId, h.sms.lastCode());
    expect(device.step).toBe("device");
    const qr = await h.service.submitDevice(alex, device.flowId, "Min mobil");
    expect(qr.step).toBe("qr");
    const states = [await stored(h)];
    const done = await h.service.confirm(alex, qr.flowId, h.totp.codeAt(qr.qr!.secret, h.clock.now()));
    expect(done.step).toBe("done");
    states.push(await stored(h));
    for (const state of states) {
      expect(state).not.toContain("701740605");
      expect(state).toContain('"loginName":"alexw"');
    }
  });

  it("still shows the masked number on the SMS card", async () => {
    const h = harness();
    expect((await h.walk("sms")).maskedMobile).toBe("+46 70 *** ** 05");
  });

  it("sends the re-enrollment notice to the number the directory has when the token is activated", async () => {
    const directory = new ChangingDirectory();
    const h = harness(directory);
    await h.walk("done");
    h.clock.advance(3600);
    const qr = await h.walk("qr");
    directory.mobile = "+46701740699"; // IT changed the number after the SMS step
    const done = await h.service.confirm(alex, qr.flowId, h.totp.codeAt(qr.qr!.secret, h.clock.now()));
    expect(done.step).toBe("done");
    expect(h.sms.sent.at(-1)).toMatchObject({
      to: "+46701740699",
      text: expect.stringContaining("En ny Microsoft Authenticator (Min mobil)"),
    });
  });

  it("activates the token even when the directory cannot be asked for the notice's number, and audits the missed notice", async () => {
    const directory = new ChangingDirectory();
    const h = harness(directory);
    await h.walk("done");
    h.clock.advance(3600);
    const qr = await h.walk("qr");
    const sent = h.sms.sent.length;
    directory.down = true;
    const done = await h.service.confirm(alex, qr.flowId, h.totp.codeAt(qr.qr!.secret, h.clock.now()));
    expect(done.step).toBe("done");
    expect(h.sms.sent).toHaveLength(sent);
    expect((await h.stores.findActive("alexw"))!.deviceName).toBe("Min mobil");
    expect(h.stores.audit.filter((e) => e.action === "sms.notice.failed").map((e) => e.detail)).toEqual([{ kind: "directory" }]);
  });

  it("sends no notice when the directory no longer has a number, and audits that", async () => {
    const directory = new ChangingDirectory();
    const h = harness(directory);
    await h.walk("done");
    h.clock.advance(3600);
    const qr = await h.walk("qr");
    const sent = h.sms.sent.length;
    directory.mobile = undefined;
    expect((await h.service.confirm(alex, qr.flowId, h.totp.codeAt(qr.qr!.secret, h.clock.now()))).step).toBe("done");
    expect(h.sms.sent).toHaveLength(sent);
    expect(h.stores.audit.filter((e) => e.action === "sms.notice.failed").map((e) => e.detail)).toEqual([{ kind: "noMobile" }]);
  });
});
