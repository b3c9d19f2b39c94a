/**
 * A small, faithful Discord emulator: REST API v10 and gateway v10 on 127.0.0.1, for the REAL
 * discord.js client. It records what the bot sent, enforces Discord's limits and answers with
 * Discord's errors.
 *
 *   const emu = await startDiscordEmulator({ guilds: [{ id, name, channels: [{ id, name }] }] });
 *   const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emu.apiUrl } });
 *   await client.login(emu.token);                  // GET /gateway/bot → ws://127.0.0.1:PORT
 *   const h = emu.dispatchSlashCommand({ name: "summarize", options: { url: "https://…" } });
 *   await h.waitForAck(); const reply = await h.waitForReply();
 *   await client.destroy(); await emu.close();
 *
 * Options (all optional): token, applicationId, botUser {id, username}, guilds [{ id, name, locale,
 * everyonePermissions, botPermissions, channels [{ id, name, type, parentId, permissionOverwrites }] }]
 * (default: one guild with #general), heartbeatIntervalMs (41250), ackWindowMs (3000),
 * interactionTokenTtlMs (15 min), nonceWindowMs (5 min), rateLimit { limit, windowMs } (50 per 1 s
 * per route and major parameter, sent as x-ratelimit-* headers on every answer).
 *
 * REST (JSON or multipart; "Authorization: Bot <token>" or 401, except interaction/webhook routes):
 *   GET /gateway, /gateway/bot, /users/@me, /applications/@me
 *   GET|PUT /applications/:app/commands and /applications/:app/guilds/:guild/commands
 *     (validated like Discord: name, description, ≤25 options/choices, nesting, sizes → 400/50035)
 *   POST /interactions/:id/:token/callback   types 4, 5, 8, 9; once (40060); within the ack window
 *     (10062 after); ?with_response=true answers the callback resource
 *   POST /webhooks/:app/:token (follow-up; the first one after a deferral fills the deferred reply),
 *   GET|PATCH|DELETE /webhooks/:app/:token/messages/:id|@original; tokens live 15 min (50027 after)
 *   GET /channels/:id, POST /channels/:id/messages (permissions, enforce_nonce dedupe)
 *   Message limits: content 2000, 10 embeds, title 256, description 4096, 25 fields, field name
 *   256 / value 1024, footer 2048, author 256, 6000 across all embeds, nonce 25; empty → 50006.
 *
 * Gateway: HELLO, IDENTIFY → READY (+ GUILD_CREATE per guild), HEARTBEAT → ACK, RESUME → replay +
 * RESUMED, INVALID_SESSION for unknown sessions; dispatches made while disconnected are replayed.
 * Shards (option `shards`, default 1, recommended by GET /gateway/bot): IDENTIFY must carry
 * [id, shards] (else 4010/4011); each guild, its events and its interactions belong to shard
 * (guild_id >> 22) % shards, DMs to shard 0; `guildIdOnShard(shard, shards)` makes ids for tests.
 *
 * Driver: dispatchSlashCommand(spec), dispatchAutocomplete(spec + focused), dispatchMessageCommand
 * ({ name, targetMessage }) → InteractionHandle { id, token, payload, ack, acknowledged,
 * ackLatencyMs, expired, ephemeral, original, followups, autocompleteChoices, rejectedCallbacks,
 * waitForAck(), waitForReply(pred?), waitForFollowup(pred?) }; dispatch(event, data) for any
 * other gateway event; dropConnection(mode?) ("close" 4000 | "terminate" | "reconnect" |
 * "invalidate"); injectFault(spec) / failChannel(id, kind) / clearFaults() (faults: rateLimit, serverError,
 * missingPermissions, missingAccess, unknownChannel, delay (answered late), stall (never answered, nothing
 * created, until releaseStalled()/clearFaults()); by count `times` or for a time `untilMs`); channelMessages(id),
 * directMessages(userId) (POST /users/@me/channels + a post there); GET /guilds/:id (system_channel_id),
 * messages, commands, requests, interactions, gatewayStats; waitFor(probe, timeoutMs); close().
 * Records: RecordedMessage { content, embeds, flags, ephemeral, loading, allowedMentions, pings,
 * writes, … } — `pings` is who Discord notified at creation (nobody: { everyone: false, users: [],
 * roles: [] }).
 *
 * Not emulated: compression and ETF, component/modal-submit interactions (so callback types 6/7 are
 * refused), members/presences, the global 50 req/s limit. Lengths are UTF-16 units (String#length),
 * never more lenient than Discord's count.
 */
import { EventEmitter } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { InteractionResponseType, type APIApplicationCommand, type APIApplicationCommandOptionChoice, type APIUser } from "discord.js";
import { Gateway, type DropMode, type GatewayStats } from "./gateway.ts";
import { messageCommandPayload, slashCommandPayload, type AutocompleteSpec, type MessageCommandSpec, type SlashCommandSpec } from "./interactions.ts";
import { apiUser, buildGuild, guildCreatePayload, snowflake, randomToken, type Channel, type Guild, type GuildConfig } from "./model.ts";
import { RestApi } from "./rest.ts";
import type { AckRecord, EmulatorState, FaultSpec, InjectedFault, InteractionRecord, RecordedMessage, RequestRecord } from "./state.ts";

export { guildIdOnShard } from "./model.ts";
export type { AutocompleteSpec, MessageCommandSpec, SlashCommandSpec } from "./interactions.ts";
export type { ChannelConfig, GuildConfig, Guild, Channel } from "./model.ts";
export type { AckRecord, FaultSpec, InjectedFault, RecordedMessage, RequestRecord } from "./state.ts";
export type { DropMode, GatewayStats } from "./gateway.ts";
export type { Pings } from "./validation.ts";

export interface DiscordEmulatorOptions {
  token?: string;
  applicationId?: string;
  botUser?: { id?: string; username?: string };
  guilds?: GuildConfig[];
  heartbeatIntervalMs?: number;
  ackWindowMs?: number;
  interactionTokenTtlMs?: number;
  nonceWindowMs?: number;
  rateLimit?: { limit: number; windowMs: number };
  /** Gateway shards (default 1). */
  shards?: number;
}

const DEFAULT_WAIT_MS = 5000;
type Probe<T> = () => T | undefined | null | false;

export class InteractionHandle {
  readonly id: string;
  readonly token: string;
  /** The INTERACTION_CREATE data as dispatched. */
  readonly payload: InteractionRecord["payload"];
  readonly #emu: DiscordEmulator;
  readonly #record: InteractionRecord;
  constructor(emu: DiscordEmulator, record: InteractionRecord) {
    this.#emu = emu;
    this.#record = record;
    ({ id: this.id, token: this.token, payload: this.payload } = record);
  }
  get ack(): AckRecord | null {
    return this.#record.ack;
  }
  get acknowledged(): boolean {
    return this.#record.ack !== null;
  }
  get ackLatencyMs(): number | undefined {
    return this.#record.ack?.latencyMs;
  }
  /** The ack window passed without an accepted callback: Discord shows "The application did not respond". */
  get expired(): boolean {
    return !this.#record.ack && Date.now() - this.#record.createdAt > this.#record.ackWindowMs;
  }
  /** Whether the response (reply or deferral) is ephemeral; undefined before a message response. */
  get ephemeral(): boolean | undefined {
    return this.original?.ephemeral;
  }
  get original(): RecordedMessage | undefined {
    return this.#record.originalId ? this.#emu.messageById(this.#record.originalId) : undefined;
  }
  get followups(): RecordedMessage[] {
    return this.#record.followupIds.flatMap((id) => this.#emu.messageById(id) ?? []);
  }
  get autocompleteChoices(): APIApplicationCommandOptionChoice[] | undefined {
    const ack = this.#record.ack;
    return ack?.type === InteractionResponseType.ApplicationCommandAutocompleteResult ? (ack.data["choices"] as APIApplicationCommandOptionChoice[]) : undefined;
  }
  get rejectedCallbacks(): InteractionRecord["rejectedCallbacks"] {
    return this.#record.rejectedCallbacks;
  }
  waitForAck(timeoutMs = DEFAULT_WAIT_MS): Promise<AckRecord> {
    return this.#emu.waitFor(() => this.#record.ack, timeoutMs, `ack of interaction ${this.id}`);
  }
  /** The original response once it is no longer "thinking…" and matches the predicate. */
  waitForReply(predicate: (m: RecordedMessage) => boolean = () => true, timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedMessage> {
    return this.#emu.waitFor(() => {
      const original = this.original;
      return original && !original.loading && predicate(original) && original;
    }, timeoutMs, `reply to interaction ${this.id}`);
  }
  waitForFollowup(predicate: (m: RecordedMessage) => boolean = () => true, timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedMessage> {
    return this.#emu.waitFor(() => this.followups.find(predicate), timeoutMs, `follow-up of interaction ${this.id}`);
  }
}

export class DiscordEmulator {
  /** Base for discord.js `rest: { api }` (discord.js appends /v10). */
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: APIUser;
  readonly guilds: readonly Guild[];
  readonly #state: EmulatorState;
  readonly #gateway: Gateway;
  readonly #rest: RestApi;
  readonly #server: ReturnType<typeof createServer>;
  readonly #events = new EventEmitter().setMaxListeners(0);
  readonly #handles: InteractionHandle[] = [];

  constructor(state: EmulatorState, server: ReturnType<typeof createServer>, gateway: Gateway, rest: RestApi, port: number) {
    this.#state = state;
    this.#server = server;
    this.#gateway = gateway;
    this.#rest = rest;
    this.apiUrl = `http://127.0.0.1:${port}/api`;
    this.gatewayUrl = state.gatewayUrl;
    this.token = state.token;
    this.applicationId = state.applicationId;
    this.botUser = state.bot;
    this.guilds = state.guilds;
  }

  /** Registered commands, global and per guild (guild ones carry guild_id). */
  get commands(): APIApplicationCommand[] {
    return this.#state.commands;
  }
  get messages(): RecordedMessage[] {
    return [...this.#state.messages.values()];
  }
  get requests(): readonly RequestRecord[] {
    return this.#state.requests;
  }
  get interactions(): readonly InteractionHandle[] {
    return this.#handles;
  }
  get gatewayStats(): GatewayStats & { connected: boolean } {
    return { ...this.#gateway.stats, connected: this.#gateway.connected };
  }
  get shardCount(): number {
    return this.#state.settings.shards;
  }
  /** The shard a guild's events and interactions go to. */
  shardOf(guildId: string): number {
    return this.#gateway.shardOf(guildId);
  }
  shardConnected(shard: number): boolean {
    return this.#gateway.shardConnected(shard);
  }
  get ackWindowMs(): number {
    return this.#state.settings.ackWindowMs;
  }
  channel(id: string): Channel | undefined {
    return this.#state.channels.get(id);
  }
  messageById(id: string): RecordedMessage | undefined {
    return this.#state.messages.get(id);
  }
  /** Messages (channel posts, replies, follow-ups, ephemeral ones too) in a channel, oldest first. */
  channelMessages(channelId: string, options: { includeDeleted?: boolean } = {}): RecordedMessage[] {
    return this.messages.filter((m) => m.channelId === channelId && (options.includeDeleted || !m.deleted));
  }

  injectFault(spec: FaultSpec): InjectedFault {
    const fault: InjectedFault = { spec, remaining: spec.times ?? 1, hits: 0 };
    this.#state.faults.push(fault);
    return fault;
  }
  /** Every request to the channel (and its messages) fails until clearFaults(). */
  failChannel(channelId: string, fault: "missingPermissions" | "missingAccess" | "unknownChannel"): InjectedFault {
    return this.injectFault({ path: new RegExp(`^/channels/${channelId}(/|$)`), times: Number.POSITIVE_INFINITY, fault });
  }
  clearFaults(): void {
    this.#state.faults.length = 0;
    this.releaseStalled();
  }
  /** Ends every request a "stall" fault holds: its connection is destroyed and nothing is created (a lost request). */
  releaseStalled(): void {
    for (const end of this.#state.stalled) end();
    this.#state.stalled.clear();
  }
  /** Requests a "stall" fault holds right now. */
  get stalledRequests(): number {
    return this.#state.stalled.size;
  }
  /** Messages the bot sent by direct message to a user. */
  directMessages(userId: string): RecordedMessage[] {
    return this.messages.filter((m) => m.guildId === null && this.#state.dmChannels.get(m.channelId) === userId);
  }

  dispatchSlashCommand(spec: SlashCommandSpec): InteractionHandle {
    return this.#dispatchInteraction(spec, slashCommandPayload(this.#state, spec));
  }
  dispatchAutocomplete(spec: AutocompleteSpec): InteractionHandle {
    return this.#dispatchInteraction(spec, slashCommandPayload(this.#state, spec, spec.focused));
  }
  dispatchMessageCommand(spec: MessageCommandSpec): InteractionHandle {
    const recorded = (id: string) => {
      const message = this.messageById(id);
      return message && this.#rest.apiMessage(message);
    };
    return this.#dispatchInteraction(spec, messageCommandPayload(this.#state, spec, recorded));
  }
  /** Any other gateway event (e.g. "GUILD_DELETE"); returns its sequence number. */
  dispatch(event: string, data: unknown): number {
    return this.#gateway.dispatch(event, data);
  }
  /** Ends the bot's gateway connection (of one shard, default 0); see DropMode. Default: close with 4000 (resumable). */
  dropConnection(mode: DropMode = { kind: "close" }, shard = 0): void {
    this.#gateway.drop(mode, shard);
  }

  /** Resolves with the probe's first truthy value; re-checked on every change and every 25 ms. */
  waitFor<T>(probe: Probe<T>, timeoutMs = DEFAULT_WAIT_MS, what = "condition"): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.#events.off("change", check);
      };
      const check = () => {
        try {
          const value = probe();
          if (value !== undefined && value !== null && value !== false) {
            finish();
            resolve(value);
          }
        } catch (error) {
          finish();
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`discord-emulator: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const poll = setInterval(check, 25);
      this.#events.on("change", check);
      check();
    });
  }

  async close(): Promise<void> {
    this.releaseStalled();
    await this.#gateway.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** @internal called by the state on every change. */
  notify(): void {
    this.#events.emit("change");
  }

  #dispatchInteraction(spec: { ackWindowMs?: number }, built: { payload: InteractionRecord["payload"]; user: APIUser }): InteractionHandle {
    const { payload, user } = built;
    const record: InteractionRecord = {
      id: payload.id,
      token: payload.token,
      type: payload.type,
      payload,
      user,
      createdAt: Date.now(),
      ackWindowMs: spec.ackWindowMs ?? this.#state.settings.ackWindowMs,
      ack: null,
      originalId: null,
      followupIds: [],
      rejectedCallbacks: [],
    };
    this.#state.interactions.set(record.id, record);
    this.#gateway.dispatch("INTERACTION_CREATE", payload);
    const handle = new InteractionHandle(this, record);
    this.#handles.push(handle);
    this.notify();
    return handle;
  }
}

export async function startDiscordEmulator(options: DiscordEmulatorOptions = {}): Promise<DiscordEmulator> {
  const applicationId = options.applicationId ?? options.botUser?.id ?? snowflake();
  const bot = apiUser(options.botUser?.id ?? applicationId, options.botUser?.username ?? "marketbrief", { bot: true });
  const ownerId = snowflake();
  const guilds = (options.guilds ?? [{ id: snowflake(), name: "Emulated Guild", channels: [{ id: snowflake(), name: "general" }] }]).map((g) =>
    buildGuild(g, ownerId),
  );
  let emulator: DiscordEmulator | undefined;
  const state: EmulatorState = {
    token: options.token ?? `${Buffer.from(bot.id).toString("base64url")}.${randomToken(4)}.${randomToken(27)}`,
    applicationId,
    bot,
    guilds,
    channels: new Map(guilds.flatMap((g) => g.channels.map((c) => [c.id, c] as const))),
    settings: {
      ackWindowMs: options.ackWindowMs ?? 3000,
      interactionTokenTtlMs: options.interactionTokenTtlMs ?? 15 * 60_000,
      nonceWindowMs: options.nonceWindowMs ?? 5 * 60_000,
      rateLimit: options.rateLimit ?? { limit: 50, windowMs: 1000 },
      shards: options.shards ?? 1,
    },
    gatewayUrl: "",
    commands: [],
    messages: new Map(),
    interactions: new Map(),
    requests: [],
    faults: [],
    dmChannels: new Map(),
    stalled: new Set(),
    notify: () => emulator?.notify(),
  };
  const rest = new RestApi(state);
  const server = createServer((req, res) => {
    rest.handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ message: `emulator error: ${String(error)}`, code: 0 }));
    });
  });
  const gateway = new Gateway(server, {
    token: state.token,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    shardCount: options.shards ?? 1,
    ready: (sessionId, shard) => ({
      v: 10,
      user: { ...bot, verified: true, mfa_enabled: false, flags: 0, email: null },
      guilds: guilds.filter((g) => gateway.shardOf(g.id) === shard).map((g) => ({ id: g.id, unavailable: true })),
      session_id: sessionId,
      resume_gateway_url: state.gatewayUrl,
      shard: [shard, options.shards ?? 1],
      application: { id: applicationId, flags: 0 },
      user_settings: {},
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
    }),
    guildCreates: (shard) => guilds.filter((g) => gateway.shardOf(g.id) === shard).map((g) => guildCreatePayload(g, bot)),
    onChange: () => state.notify(),
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  state.gatewayUrl = `ws://127.0.0.1:${port}`;
  emulator = new DiscordEmulator(state, server, gateway, rest, port);
  return emulator;
}
