/**
 * JsonUserState: botbuilder's UserState with the state's JSON text as its change check. A turn
 * that changes nothing writes nothing; a changed, cleared or forced one writes the whole state
 * with eTag "*", under botbuilder's own key. botbuilder's MemoryStorage counts the writes.
 */
import { MemoryStorage, TestAdapter, TurnContext, type Activity, type StoreItems } from "botbuilder";
import { describe, expect, it } from "vitest";
import { JsonUserState } from "../../src/bot/edge/json-user-state.js";

const KEY = "msteams/users/29:alex/"; // botbuilder UserState's own key for this user

function turn(): TurnContext {
  const activity = { type: "message", channelId: "msteams", from: { id: "29:alex" }, conversation: { id: "a:alex" } } as Partial<Activity>;
  return new TurnContext(new TestAdapter(), activity);
}

/** MemoryStorage that keeps what each write() was given. */
class CountingStorage extends MemoryStorage {
  readonly writes: StoreItems[] = [];
  override async write(changes: StoreItems): Promise<void> {
    this.writes.push(structuredClone(changes));
    await super.write(changes);
  }
}

describe("JsonUserState", () => {
  it("writes only a turn that changed the state, and reads back what was written", async () => {
    const storage = new CountingStorage();
    const state = new JsonUserState(storage);
    const locale = state.createProperty<string>("preferredLocale");

    const first = turn();
    expect(await locale.get(first)).toBeUndefined();
    await state.saveChanges(first);
    expect(storage.writes).toHaveLength(0); // read, nothing set

    const second = turn();
    await locale.set(second, "en");
    await state.saveChanges(second);
    expect(storage.writes).toEqual([{ [KEY]: { preferredLocale: "en", eTag: "*" } }]);

    const third = turn();
    expect(await locale.get(third)).toBe("en");
    await locale.set(third, "en"); // the same value again
    await state.saveChanges(third);
    expect(storage.writes).toHaveLength(1);

    const fourth = turn();
    await locale.set(fourth, "sv");
    await state.saveChanges(fourth);
    expect(storage.writes).toHaveLength(2);
    expect(await locale.get(turn())).toBe("sv");
  });

  it("a nested change is a change; clear() and force write", async () => {
    const storage = new CountingStorage();
    const state = new JsonUserState(storage);
    const cards = state.createProperty<{ last?: { activityId: string } }>("cardsInChat");

    const first = turn();
    (await cards.get(first, {})).last = { activityId: "message-1" };
    await state.saveChanges(first);
    const second = turn();
    (await cards.get(second, {})).last!.activityId = "message-2";
    await state.saveChanges(second);
    expect(storage.writes.map((w) => (w[KEY] as { cardsInChat: { last: { activityId: string } } }).cardsInChat.last.activityId)).toEqual([
      "message-1",
      "message-2",
    ]);

    const third = turn();
    await state.load(third);
    await state.clear(third);
    await state.saveChanges(third);
    expect(storage.writes.at(-1)).toEqual({ [KEY]: { eTag: "*" } });

    const fourth = turn();
    await state.load(fourth);
    await state.saveChanges(fourth, true);
    expect(storage.writes).toHaveLength(4);
  });
});
