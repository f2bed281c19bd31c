import { UserState, type TurnContext } from "botbuilder";

/** What BotState keeps in the turn state: the state object, and what it looked like when read or last saved. */
interface Cached {
  state: Record<string, unknown>;
  hash: string;
}

/**
 * botbuilder's UserState with a cheaper change check. BotState takes a "hash" of the state when it
 * reads it and again before saving (botbuilder-stdlib's stringify, then SHA-256: both on every
 * turn); here that hash is the state's JSON text itself, compared as a string. The user state is
 * plain JSON data (a language, the ids of the cards in the chat), so its JSON text says whether it
 * changed. Reads and writes are BotState's own: the same storage key, the same eTag "*" write, the
 * same turn-state entry (so clear() and delete() keep working), only the hash differs.
 */
export class JsonUserState extends UserState {
  override async load(context: TurnContext, force = false): Promise<Record<string, unknown>> {
    const cached = context.turnState.get(this.turnStateKey) as Cached | undefined;
    if (!force && cached?.state) return cached.state;
    const key = await this.storageKey(context);
    const state = ((await this.storage.read([key]))[key] ?? {}) as Record<string, unknown>;
    context.turnState.set(this.turnStateKey, { state, hash: changeText(state) } satisfies Cached);
    return state;
  }

  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    let cached = context.turnState.get(this.turnStateKey) as Cached | undefined;
    if (!force && (!cached || cached.hash === changeText(cached.state))) return;
    cached ??= { state: {}, hash: "" };
    const key = await this.storageKey(context);
    cached.state.eTag = "*";
    await this.storage.write({ [key]: cached.state });
    cached.hash = changeText(cached.state);
    context.turnState.set(this.turnStateKey, cached);
  }

  /** BotState's turn-state key (a private symbol of botbuilder's, the same for load, clear, delete and get). */
  private get turnStateKey(): symbol {
    return (this as unknown as { stateKey: symbol }).stateKey;
  }
}

/** The state's JSON text without its eTag (which storage sets on every read and write, as BotState's hash leaves it out). */
function changeText(state: Record<string, unknown>): string {
  const { eTag: _eTag, ...rest } = state;
  return JSON.stringify(rest);
}
