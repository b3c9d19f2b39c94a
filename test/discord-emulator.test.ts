// The Discord emulator against the REAL discord.js client over loopback sockets: if these pass,
// the bot's end-to-end tests exercise the same code paths discord.js takes against Discord.
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  InteractionResponseType,
  MessageFlags,
  PermissionFlagsBits,
  REST,
  Routes,
} from "discord.js";
import type { Interaction, RateLimitData, TextChannel } from "discord.js";
import { startDiscordEmulator } from "./support/discord-emulator/index.ts";
import type { DiscordEmulator } from "./support/discord-emulator/index.ts";

const GUILD_ID = "300000000000000001";
const GENERAL = "300000000000000002";
const READ_ONLY = "300000000000000003";
const HIDDEN = "300000000000000004";

const COMMANDS = [
  {
    name: "summarize",
    description: "Summarize an article",
    options: [
      { type: ApplicationCommandOptionType.String, name: "url", description: "Article link", required: true },
      { type: ApplicationCommandOptionType.Boolean, name: "private", description: "Only you see the brief" },
    ],
  },
  { name: "ping", description: "Check the bot" },
  { name: "slow", description: "Answers too late" },
  { name: "followups", description: "Defers, then follows up twice" },
  {
    name: "watch",
    description: "Follow tickers",
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "add",
        description: "Follow a ticker",
        options: [{ type: ApplicationCommandOptionType.String, name: "ticker", description: "Symbol", required: true, autocomplete: true }],
      },
    ],
  },
  { name: "Summarize link", type: ApplicationCommandType.Message },
];

let emu: DiscordEmulator;
let client: Client;
let rest: REST;
const handlerErrors: unknown[] = [];
const lateErrors: unknown[] = [];
const pongIds: Array<string | undefined> = [];
let releaseSlow: () => void = () => {};

async function onInteraction(interaction: Interaction): Promise<void> {
  if (interaction.isAutocomplete()) {
    const typed = interaction.options.getFocused().toUpperCase();
    await interaction.respond(["BABA", "BIDU", "SAP.DE"].filter((t) => t.startsWith(typed)).map((t) => ({ name: t, value: t })));
    return;
  }
  if (interaction.isMessageContextMenuCommand()) {
    await interaction.reply({ content: `target: ${interaction.targetMessage.content}`, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
    return;
  }
  if (!interaction.isChatInputCommand()) return;
  switch (interaction.commandName) {
    case "summarize": {
      const ephemeral = interaction.options.getBoolean("private") ?? false;
      await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
      const url = interaction.options.getString("url", true);
      await interaction.editReply({ content: `Brief of ${url}`, embeds: [{ title: "Brief", description: "Shares rose." }], allowedMentions: { parse: [] } });
      return;
    }
    case "ping": {
      const response = await interaction.reply({ content: "pong", allowedMentions: { parse: [] }, withResponse: true });
      pongIds.push(response.resource?.message?.id);
      return;
    }
    case "slow":
      await new Promise<void>((resolve) => (releaseSlow = resolve));
      await interaction.reply("too late").catch((error: unknown) => lateErrors.push(error));
      return;
    case "followups":
      await interaction.deferReply();
      await interaction.followUp("first");
      await interaction.followUp("second");
      return;
    case "watch":
      await interaction.reply(`watching ${interaction.options.getString("ticker", true)}`);
      return;
  }
}

/** The first error code at a path of Discord's "Invalid Form Body" error tree. */
function formErrorCode(error: DiscordAPIError, ...path: string[]): string | undefined {
  let node = (error.rawError as { errors?: unknown }).errors;
  for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key];
  return (node as Record<string, Array<{ code: string }> | undefined> | undefined)?.["_errors"]?.[0]?.code;
}

const general = () => client.channels.cache.get(GENERAL) as TextChannel;
const channelPosts = () => emu.channelMessages(GENERAL).filter((m) => m.source === "channel").length;

/** The DiscordAPIError a promise rejects with. */
async function apiError(promise: Promise<unknown>): Promise<DiscordAPIError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DiscordAPIError)) throw new Error(`expected a DiscordAPIError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  emu = await startDiscordEmulator({
    heartbeatIntervalMs: 400,
    guilds: [
      {
        id: GUILD_ID,
        name: "Market Desk",
        channels: [
          { id: GENERAL, name: "general" },
          { id: READ_ONLY, name: "read-only", permissionOverwrites: [{ id: GUILD_ID, type: 0, deny: PermissionFlagsBits.SendMessages }] },
          { id: HIDDEN, name: "hidden", permissionOverwrites: [{ id: GUILD_ID, type: 0, deny: PermissionFlagsBits.ViewChannel }] },
        ],
      },
    ],
  });
  rest = new REST({ api: emu.apiUrl }).setToken(emu.token);
  await rest.put(Routes.applicationGuildCommands(emu.applicationId, GUILD_ID), { body: COMMANDS });
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emu.apiUrl } });
  client.on(Events.InteractionCreate, (interaction) => void onInteraction(interaction).catch((error: unknown) => handlerErrors.push(error)));
  const ready = once(client, Events.ClientReady);
  await client.login(emu.token);
  await ready;
});

afterAll(async () => {
  await client?.destroy();
  await emu?.close();
});

describe("discord emulator with real discord.js", () => {
  it("logs in over the gateway, receives the guild and gets heartbeats acknowledged", async () => {
    expect(client.user?.id).toBe(emu.botUser.id);
    expect(client.application?.id).toBe(emu.applicationId);
    const guild = client.guilds.cache.get(GUILD_ID);
    expect(guild?.name).toBe("Market Desk");
    const me = guild?.members.me;
    expect(me && general().permissionsFor(me)?.has(PermissionFlagsBits.SendMessages)).toBe(true);
    const readOnly = client.channels.cache.get(READ_ONLY) as TextChannel;
    expect(me && readOnly.permissionsFor(me)?.has(PermissionFlagsBits.SendMessages)).toBe(false);
    await emu.waitFor(() => emu.gatewayStats.heartbeats >= 1, 3000, "a heartbeat");
    await emu.waitFor(() => client.ws.ping >= 0, 3000, "a heartbeat ack");
    expect(emu.gatewayStats).toMatchObject({ identifies: 1, connected: true });
  });

  it("bulk-overwrites commands, keeps their ids and rejects invalid ones with 50035", async () => {
    const before = emu.commands.map((c) => c.id).toSorted();
    const again = (await rest.put(Routes.applicationGuildCommands(emu.applicationId, GUILD_ID), { body: COMMANDS })) as Array<{ id: string }>;
    expect(again.map((c) => c.id).toSorted()).toEqual(before);
    expect(await rest.get(Routes.applicationGuildCommands(emu.applicationId, GUILD_ID))).toHaveLength(COMMANDS.length);

    const invalid = [
      { name: "Bad Name", description: "x".repeat(101) },
      { name: "Summarize link", type: ApplicationCommandType.Message, description: "menus have none" },
      {
        name: "many",
        description: "too many options",
        options: Array.from({ length: 26 }, (_, i) => ({ type: ApplicationCommandOptionType.String, name: `o${i}`, description: "d" })),
      },
    ];
    const error = await apiError(rest.put(Routes.applicationGuildCommands(emu.applicationId, GUILD_ID), { body: invalid }));
    expect(error.status).toBe(400);
    expect(error.code).toBe(50035);
    expect(formErrorCode(error, "0", "name")).toBe("APPLICATION_COMMAND_INVALID_NAME");
    expect(formErrorCode(error, "0", "description")).toBe("BASE_TYPE_BAD_LENGTH");
    expect(formErrorCode(error, "1", "description")).toBeDefined();
    expect(formErrorCode(error, "2", "options")).toBe("BASE_TYPE_MAX_LENGTH");
    expect(emu.commands.map((c) => c.id).toSorted()).toEqual(before);

    const wrongToken = new REST({ api: emu.apiUrl, retries: 0 }).setToken("not-the-token");
    expect((await apiError(wrongToken.get(Routes.user()))).status).toBe(401);
  });

  it("records a deferral within the ack window and the edited reply", async () => {
    const handle = emu.dispatchSlashCommand({ name: "summarize", options: { url: "https://example.com/news" } });
    const ack = await handle.waitForAck();
    expect(ack.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(handle.ackLatencyMs).toBeLessThanOrEqual(emu.ackWindowMs);
    const reply = await handle.waitForReply();
    expect(reply.content).toBe("Brief of https://example.com/news");
    expect(reply.embeds[0]?.title).toBe("Brief");
    expect(reply.allowedMentions).toEqual({ parse: [] });
    expect(handle.ephemeral).toBe(false);

    const hidden = emu.dispatchSlashCommand({ name: "summarize", options: { url: "https://example.com/x", private: true } });
    expect((await hidden.waitForReply()).flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(hidden.ephemeral).toBe(true);
  });

  it("refuses a second acknowledgement with 40060", async () => {
    const handle = emu.dispatchSlashCommand({ name: "ping" });
    const reply = await handle.waitForReply();
    expect(reply.content).toBe("pong");
    await emu.waitFor(() => pongIds.includes(reply.id), 3000, "discord.js to read the callback response");
    const error = await apiError(
      rest.post(Routes.interactionCallback(handle.id, handle.token), { body: { type: 4, data: { content: "again" } }, auth: false }),
    );
    expect([error.status, error.code]).toEqual([400, 40060]);
    expect(handle.rejectedCallbacks.map((r) => r.code)).toEqual([40060]);
    expect(handle.original?.content).toBe("pong");
  });

  it("answers 10062 to a reply sent after the ack window", async () => {
    const handle = emu.dispatchSlashCommand({ name: "slow", ackWindowMs: 100 });
    await emu.waitFor(() => handle.expired, 3000, "the ack window to pass");
    releaseSlow();
    await emu.waitFor(() => lateErrors.length > 0, 3000, "the late reply to fail");
    expect((lateErrors[0] as DiscordAPIError).code).toBe(10062);
    expect(handle.acknowledged).toBe(false);
  });

  it("lets discord.js retry a rate-limited reply edit until it lands", async () => {
    const seen: RateLimitData[] = [];
    client.rest.on("rateLimited", (info) => seen.push(info));
    const fault = emu.injectFault({ method: "PATCH", path: /\/messages\/@original$/, fault: "rateLimit", retryAfterSeconds: 0.2 });
    const handle = emu.dispatchSlashCommand({ name: "summarize", options: { url: "https://example.com/rl" } });
    expect((await handle.waitForReply()).content).toBe("Brief of https://example.com/rl");
    expect(fault.hits).toBe(1);
    const edits = emu.requests.filter((r) => r.method === "PATCH" && r.path.includes(handle.token));
    expect(edits.map((r) => r.status)).toEqual([429, 200]);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.method.toUpperCase()).toBe("PATCH");
    expect(seen[0]?.retryAfter).toBeGreaterThanOrEqual(200); // header value plus discord.js's own offset
  });

  it("resumes after dropped connections and keeps delivering interactions", async () => {
    emu.dropConnection();
    // Dispatched while the bot is disconnected: replayed on RESUME.
    const missed = emu.dispatchSlashCommand({ name: "ping" });
    expect((await missed.waitForReply(undefined, 10_000)).content).toBe("pong");
    expect(emu.gatewayStats).toMatchObject({ identifies: 1, resumes: 1 });

    emu.dropConnection({ kind: "terminate" });
    await emu.waitFor(() => emu.gatewayStats.resumes === 2 && emu.gatewayStats.connected, 10_000, "the second resume");
    const after = emu.dispatchSlashCommand({ name: "ping" });
    expect((await after.waitForReply()).content).toBe("pong");
    expect(emu.gatewayStats.identifies).toBe(1);
  });

  it("enforces Discord's message limits and records nothing invalid", async () => {
    const before = channelPosts();
    const tooLong = await apiError(general().send({ embeds: [{ description: "x".repeat(4097) }] }));
    expect([tooLong.status, tooLong.code]).toEqual([400, 50035]);
    expect(formErrorCode(tooLong, "embeds", "0", "description")).toBe("BASE_TYPE_MAX_LENGTH");
    const total = await apiError(general().send({ embeds: [{ description: "x".repeat(3001) }, { description: "y".repeat(3000) }] }));
    expect(formErrorCode(total, "embeds")).toBe("MAX_EMBED_SIZE_EXCEEDED");
    const content = await apiError(general().send("z".repeat(2001)));
    expect(formErrorCode(content, "content")).toBe("BASE_TYPE_MAX_LENGTH");
    const fields = Array.from({ length: 26 }, (_, i) => ({ name: `f${i}`, value: "v" }));
    expect(formErrorCode(await apiError(general().send({ embeds: [{ fields }] })), "embeds", "0", "fields")).toBe("BASE_TYPE_MAX_LENGTH");
    expect(channelPosts()).toBe(before);
    expect((await general().send({ embeds: [{ description: "x".repeat(4096) }] })).embeds[0]?.description).toHaveLength(4096);
  });

  it("records allowed_mentions and whom a message would ping", async () => {
    const quiet = await general().send({ content: "@everyone <@123456789012345678> BABA +3%", allowedMentions: { parse: [] } });
    const recorded = emu.messageById(quiet.id);
    expect(recorded?.allowedMentions).toEqual({ parse: [] });
    expect(recorded?.pings).toEqual({ everyone: false, users: [], roles: [] });
    const loud = await general().send("@everyone BABA +3%");
    expect(emu.messageById(loud.id)?.pings.everyone).toBe(true);
  });

  it("returns the same message for a repeated enforced nonce", async () => {
    const first = await general().send({ content: "digest 2024-05-01", nonce: "slot-42", enforceNonce: true });
    const second = await general().send({ content: "digest 2024-05-01", nonce: "slot-42", enforceNonce: true });
    expect(second.id).toBe(first.id);
    expect(emu.channelMessages(GENERAL).filter((m) => m.nonce === "slot-42")).toHaveLength(1);
  });

  it("answers permission, access, unknown-channel and server faults like Discord", async () => {
    expect((await apiError((client.channels.cache.get(READ_ONLY) as TextChannel).send("hi"))).code).toBe(50013);
    expect((await apiError(rest.post(Routes.channelMessages(HIDDEN), { body: { content: "hi" } }))).code).toBe(50001);
    expect((await apiError(rest.post(Routes.channelMessages("399999999999999999"), { body: { content: "hi" } }))).code).toBe(10003);

    emu.failChannel(GENERAL, "missingPermissions");
    const denied = await apiError(general().send("hi"));
    expect([denied.status, denied.code]).toEqual([403, 50013]);
    emu.clearFaults();

    emu.injectFault({ method: "GET", path: `/channels/${GENERAL}`, fault: "unknownChannel" });
    expect((await apiError(rest.get(Routes.channel(GENERAL)))).code).toBe(10003);

    const flaky = emu.injectFault({ method: "POST", path: `/channels/${GENERAL}/messages`, fault: "serverError" });
    await general().send("after a 500");
    expect(flaky.hits).toBe(1);
    expect(emu.requests.filter((r) => r.path === `/channels/${GENERAL}/messages`).slice(-2).map((r) => r.status)).toEqual([500, 200]);
  });

  it("dispatches message context menus, autocomplete and subcommands", async () => {
    const menu = emu.dispatchMessageCommand({ name: "Summarize link", targetMessage: { content: "see https://example.com/a" } });
    const reply = await menu.waitForReply();
    expect(reply.content).toBe("target: see https://example.com/a");
    expect(menu.ephemeral).toBe(true);

    const typing = emu.dispatchAutocomplete({ name: "watch", subcommand: "add", options: { ticker: "b" }, focused: "ticker" });
    await typing.waitForAck();
    expect(typing.autocompleteChoices).toEqual([
      { name: "BABA", value: "BABA" },
      { name: "BIDU", value: "BIDU" },
    ]);
    const watch = emu.dispatchSlashCommand({ name: "watch", subcommand: "add", options: { ticker: "BABA" } });
    expect((await watch.waitForReply()).content).toBe("watching BABA");
    expect(() => emu.dispatchSlashCommand({ name: "unknown" })).toThrow(/not registered/);
    expect(() => emu.dispatchSlashCommand({ name: "summarize" })).toThrow(/requires option "url"/);
  });

  it("fills a deferred reply with the first follow-up and posts the next one", async () => {
    const handle = emu.dispatchSlashCommand({ name: "followups" });
    const second = await handle.waitForFollowup((m) => m.content === "second");
    expect(handle.original?.content).toBe("first");
    expect(handle.followups).toEqual([second]);
    const unknown = await apiError(rest.patch(Routes.webhookMessage(emu.applicationId, "bogus-token", "@original"), { body: { content: "x" }, auth: false }));
    expect(unknown.code).toBe(10015);
    expect(handlerErrors).toEqual([]);
  });
});
