import type { ConfigurationBotFrameworkAuthentication } from "botbuilder";
import { LRUCache } from "lru-cache";

type Authentication = ConfigurationBotFrameworkAuthentication;
type AuthenticateRequestResult = Awaited<ReturnType<Authentication["authenticateRequest"]>>;
type ConnectorFactory = NonNullable<AuthenticateRequestResult["connectorFactory"]>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory["create"]>>;
type ClaimsIdentity = Parameters<Authentication["createUserTokenClient"]>[0];
type UserTokenClient = Awaited<ReturnType<Authentication["createUserTokenClient"]>>;

/** Service URLs × audiences a bot talks to: Teams has a handful of regional ones. */
const MAX_CLIENTS = 100;

/** The bot's own app id as the token names it (v1 `appid`, v2 `azp`); both go into the key. */
function appIdsOf(identity: ClaimsIdentity | undefined): string {
  const claim = (type: string) => identity?.claims?.find((c) => c.type === type)?.value ?? "";
  return `${claim("appid")}\n${claim("azp")}`;
}

/**
 * Bot Connector clients kept across turns instead of built for each one. CloudAdapter makes
 * a ConnectorClient (an Azure HTTP pipeline) and a UserTokenClient for every activity; they
 * hold only the bot's own credentials and a base URL, so one per (app id, service URL,
 * audience) serves every turn, as the older BotFrameworkAdapter kept them. Its connections
 * are kept alive too. A client whose creation failed is not kept.
 */
export class ReusedConnectorClients {
  private readonly connectors = new LRUCache<string, Promise<ConnectorClient>>({ max: MAX_CLIENTS });
  private readonly tokenClients = new LRUCache<string, Promise<UserTokenClient>>({ max: MAX_CLIENTS });

  /** The result with a connector factory that hands out kept clients. */
  forRequest(result: AuthenticateRequestResult): AuthenticateRequestResult {
    const factory = result.connectorFactory;
    if (!factory) return result;
    const appIds = appIdsOf(result.claimsIdentity);
    const create = (serviceUrl: string, audience?: string): Promise<ConnectorClient> =>
      this.kept(this.connectors, `${appIds}\n${serviceUrl}\n${audience ?? ""}`, () => factory.create(serviceUrl, audience));
    return { ...result, connectorFactory: { create } as ConnectorFactory };
  }

  /** Makes `authentication` hand out one kept UserTokenClient per app id (the bot uses none; CloudAdapter makes one per turn). */
  keepUserTokenClients(authentication: Authentication): void {
    const create = authentication.createUserTokenClient.bind(authentication);
    authentication.createUserTokenClient = (identity) => this.kept(this.tokenClients, appIdsOf(identity), () => create(identity));
  }

  private kept<T>(cache: LRUCache<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
    let client = cache.get(key);
    if (!client) {
      client = make();
      cache.set(key, client);
      client.catch(() => cache.delete(key));
    }
    return client;
  }
}
