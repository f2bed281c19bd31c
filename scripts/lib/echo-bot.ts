/**
 * The yardstick of `npm run bench:turns`: a bare botbuilder echo bot on the product's stack
 * (restify + CloudAdapter, local mode: no Bot Framework authentication). A message is
 * answered through the Bot Connector ("echo: …"), an `adaptiveCard/action` invoke with a
 * one-line card in the invoke response. PORT on 127.0.0.1; prints "listening" when ready.
 */
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, type InvokeResponse, type TurnContext } from "botbuilder";
import restify from "restify";

class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity(`echo: ${String(context.activity.text ?? "")}`);
      await next();
    });
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const card = { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: `echo: ${context.activity.name}` }] };
    return { status: 200, body: { statusCode: 200, type: "application/vnd.microsoft.card.adaptive", value: card } };
  }
}

const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
const bot = new EchoBot();
const server = restify.createServer({ name: "echo-bot" });
server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024 }));
server.post("/api/messages", async (req, res) => {
  await adapter.process(req, res, (context) => bot.run(context));
});
server.get("/healthz", async (_req, res) => {
  res.send(200, { status: "ok" });
});
server.listen(Number(process.env.PORT ?? 3979), "127.0.0.1", () => console.log("listening"));
process.once("SIGTERM", () => server.close(() => process.exit(0)));
