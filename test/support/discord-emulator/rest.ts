// REST API v10 routes: auth, injected faults, per-bucket rate limits, Discord's JSON errors.
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  ApplicationCommandType,
  ChannelType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  MessageType,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
} from "discord.js";
import type { APIAllowedMentions, APIApplicationCommand, APIEmbed, APIMessage } from "discord.js";
import { apiChannel, apiUser, botPermissionsIn, guildCreatePayload, snowflake } from "./model.ts";
import type { Channel, Guild } from "./model.ts";
import type { EmulatorState, FaultKind, InjectedFault, InteractionRecord, Json, RecordedAttachment, RecordedMessage } from "./state.ts";
import { computePings, FormErrors, isEmptyMessage, validateAutocompleteResult, validateCommands, validateMessage, validateModal } from "./validation.ts";
import type { ErrorTree } from "./validation.ts";

const API_PREFIX = "/api/v10";

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
interface Ctx {
  params: string[];
  query: URLSearchParams;
  /** The parsed body as sent (may be an array); `body` is the same when it is an object, else {}. */
  json: unknown;
  body: Json;
  files: RecordedAttachment[];
}
interface Route {
  method: string;
  pattern: RegExp;
  auth: boolean;
  handle(ctx: Ctx): Reply;
}

const ok = (body?: unknown): Reply => ({ status: body === undefined ? 204 : 200, body });
const fail = (status: number, code: number, message: string, errors?: ErrorTree): Reply => ({
  status,
  body: errors ? { message, code, errors } : { message, code },
});
const invalidForm = (errors: FormErrors): Reply => fail(400, RESTJSONErrorCodes.InvalidFormBodyOrContentType, "Invalid Form Body", errors.tree);
const route = (method: string, path: string, handle: (ctx: Ctx) => Reply, auth = true): Route => ({ method, pattern: new RegExp(`^${path}$`), auth, handle });
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

const FAULT_REPLIES: Record<Exclude<FaultKind, "rateLimit" | "serverError" | "delay" | "stall">, Reply> = {
  missingPermissions: fail(403, RESTJSONErrorCodes.MissingPermissions, "Missing Permissions"),
  missingAccess: fail(403, RESTJSONErrorCodes.MissingAccess, "Missing Access"),
  unknownChannel: fail(404, RESTJSONErrorCodes.UnknownChannel, "Unknown Channel"),
};
const THREADS: readonly ChannelType[] = [ChannelType.AnnouncementThread, ChannelType.PublicThread, ChannelType.PrivateThread];
const TEXT_CHANNELS: readonly ChannelType[] = [ChannelType.GuildText, ChannelType.GuildVoice, ChannelType.GuildAnnouncement, ChannelType.GuildStageVoice, ...THREADS];
const CHANNEL_FLAGS = MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;
const INTERACTION_FLAGS = CHANNEL_FLAGS | MessageFlags.Ephemeral;

export class RestApi {
  readonly #state: EmulatorState;
  readonly #routes: Route[];
  readonly #buckets = new Map<string, { remaining: number; resetAt: number }>();

  constructor(state: EmulatorState) {
    this.#state = state;
    const id = String.raw`(\d+)`;
    const commands = (guild: boolean) => (guild ? `/applications/${id}/guilds/${id}/commands` : `/applications/${id}/commands`);
    this.#routes = [
      route("GET", "/gateway", () => ok({ url: this.#state.gatewayUrl }), false),
      route("GET", "/gateway/bot", () =>
        ok({
          url: this.#state.gatewayUrl,
          shards: this.#state.settings.shards,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
        }),
      ),
      route("GET", "/users/@me", () => ok({ ...this.#state.bot, verified: true, mfa_enabled: false, email: null, flags: 0 })),
      route("GET", "/applications/@me", () => ok(this.#application())),
      ...[false, true].flatMap((guild) => [
        route("GET", commands(guild), (ctx) => this.#scopedCommands(ctx, (scope) => ok(this.#commandsIn(scope)))),
        route("PUT", commands(guild), (ctx) => this.#scopedCommands(ctx, (scope) => this.#overwriteCommands(scope, ctx.json))),
      ]),
      route("POST", `/interactions/${id}/([^/]+)/callback`, (ctx) => this.#callback(ctx), false),
      route("POST", `/webhooks/${id}/([^/]+)`, (ctx) => this.#webhook(ctx, (i) => this.#followup(i, ctx)), false),
      route("GET", `/webhooks/${id}/([^/]+)/messages/(@original|\\d+)`, (ctx) => this.#webhookMessage(ctx, (m) => ok(this.apiMessage(m))), false),
      route("PATCH", `/webhooks/${id}/([^/]+)/messages/(@original|\\d+)`, (ctx) => this.#webhookMessage(ctx, (m) => this.#edit(m, ctx)), false),
      route("DELETE", `/webhooks/${id}/([^/]+)/messages/(@original|\\d+)`, (ctx) => this.#webhookMessage(ctx, (m) => this.#delete(m)), false),
      route("GET", `/channels/${id}`, (ctx) => this.#channel(ctx, (channel) => ok(apiChannel(channel)))),
      route("POST", `/channels/${id}/messages`, (ctx) => this.#dmSend(ctx) ?? this.#channel(ctx, (channel, guild) => this.#channelSend(ctx, channel, guild))),
      route("POST", "/users/@me/channels", (ctx) => this.#openDm(ctx)),
      route("GET", `/guilds/${id}`, (ctx) => this.#guild(ctx)),
    ];
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://emulator");
    const pathname = decodeURIComponent(url.pathname); // discord.js sends @original as %40original
    const path = pathname.startsWith(API_PREFIX) ? pathname.slice(API_PREFIX.length) : "";
    const parsed = await parseBody(req.headers["content-type"] ?? "", raw);
    let fault: InjectedFault | undefined;
    const reply = async (): Promise<Reply> => {
      const first = decide();
      if (fault?.spec.fault === "delay") await new Promise((resolve) => setTimeout(resolve, fault?.spec.delayMs ?? 1000));
      if (fault?.spec.fault === "stall") {
        await new Promise<void>((resolve) => this.#state.stalled.add(resolve));
        return { status: -1 };
      }
      return first ?? handleRoute();
    };
    let handleRoute: () => Reply = () => fail(500, 0, "unreachable");
    const decide = (): Reply | undefined => {
      const candidates = this.#routes.filter((r) => r.pattern.test(path));
      const route = candidates.find((r) => r.method === method);
      if (!route) return candidates.length > 0 ? fail(405, 0, "405: Method Not Allowed") : fail(404, 0, "404: Not Found");
      if (route.auth && req.headers.authorization !== `Bot ${this.#state.token}`) return fail(401, 0, "401: Unauthorized");
      const bucket = `${method} ${route.pattern.source}`;
      const params = (route.pattern.exec(path) ?? []).slice(1);
      const now = Date.now();
      fault = this.#state.faults.find(
        (f) =>
          (f.spec.untilMs === undefined ? f.remaining > 0 : now < f.spec.untilMs) &&
          (f.spec.match === undefined || f.spec.match(parsed?.body)) &&
          (f.spec.method ?? method).toUpperCase() === method &&
          (typeof f.spec.path === "string" ? f.spec.path === path : f.spec.path.test(path)),
      );
      if (fault) {
        fault.remaining--;
        fault.hits++;
        if (fault.spec.fault !== "delay" && fault.spec.fault !== "stall") return this.#faultReply(fault, bucket);
      }
      handleRoute = () => {
        if (!parsed) return fail(400, 50109, "The request body contains invalid JSON.");
        const limited = this.#spend(`${bucket} ${params.slice(0, 2).join("/")}`, bucket);
        if (limited.status === 429) return limited;
        const { body, files } = parsed;
        const result = route.handle({ params, query: url.searchParams, json: body, body: isObject(body) ? body : {}, files });
        return { ...result, headers: { ...limited.headers, ...result.headers } };
      };
      return undefined;
    };
    const settled = await reply();
    if (settled.status === -1) {
      // A stalled request ends without an answer: the client sees the connection drop.
      this.#state.requests.push({ method, path, query: url.search, status: 0, at: Date.now(), body: parsed?.body, fault: "stall" });
      req.socket.destroy();
      this.#state.notify();
      return;
    }
    const record = { method, path, query: url.search, status: settled.status, at: Date.now(), body: parsed?.body, fault: fault?.spec.fault ?? null };
    this.#state.requests.push(record);
    const headers: Record<string, string> = { ...settled.headers };
    if (settled.body !== undefined) headers["content-type"] = "application/json";
    res.writeHead(settled.status, headers).end(settled.body === undefined ? undefined : JSON.stringify(settled.body));
    this.#state.notify();
  }

  // ---- rate limits and faults ---------------------------------------------------------------

  #headers(limit: number, remaining: number, resetAt: number, bucket: string, now = Date.now()): Record<string, string> {
    return {
      "x-ratelimit-limit": String(limit),
      "x-ratelimit-remaining": String(remaining),
      "x-ratelimit-reset": (resetAt / 1000).toFixed(3),
      "x-ratelimit-reset-after": ((resetAt - now) / 1000).toFixed(3),
      "x-ratelimit-bucket": createHash("sha1").update(bucket).digest("hex").slice(0, 16),
    };
  }

  /** Spends one request of the bucket; a 429 like Discord's when the client ignored the headers. */
  #spend(key: string, bucket: string): Reply {
    const { limit, windowMs } = this.#state.settings.rateLimit;
    const now = Date.now();
    let state = this.#buckets.get(key);
    if (!state || now >= state.resetAt) this.#buckets.set(key, (state = { remaining: limit, resetAt: now + windowMs }));
    if (state.remaining === 0) {
      const retryAfter = (state.resetAt - now) / 1000;
      return {
        status: 429,
        body: { message: "You are being rate limited.", retry_after: retryAfter, global: false },
        headers: { "retry-after": String(Math.ceil(retryAfter)), "x-ratelimit-scope": "user", ...this.#headers(limit, 0, state.resetAt, bucket, now) },
      };
    }
    state.remaining--;
    return { status: 200, headers: this.#headers(limit, state.remaining, state.resetAt, bucket, now) };
  }

  #faultReply(fault: InjectedFault, bucket: string): Reply {
    const { spec } = fault;
    if (spec.fault === "serverError") return fail(spec.status ?? 500, 0, `${spec.status ?? 500}: Internal Server Error`);
    if (spec.fault !== "rateLimit") return FAULT_REPLIES[spec.fault as keyof typeof FAULT_REPLIES];
    const retryAfter = spec.untilMs !== undefined ? Math.max(0.001, (spec.untilMs - Date.now()) / 1000) : (spec.retryAfterSeconds ?? 1);
    const global = spec.global ?? false;
    const now = Date.now();
    return {
      status: 429,
      body: { message: "You are being rate limited.", retry_after: retryAfter, global, ...(global ? { code: 0 } : {}) },
      headers: {
        "retry-after": String(retryAfter),
        "x-ratelimit-scope": spec.scope ?? (global ? "global" : "user"),
        ...(global ? { "x-ratelimit-global": "true" } : {}),
        ...this.#headers(this.#state.settings.rateLimit.limit, 0, now + retryAfter * 1000, bucket, now),
      },
    };
  }

  // ---- applications and commands ------------------------------------------------------------

  #application(): Json {
    const { applicationId, bot } = this.#state;
    return {
      id: applicationId, name: bot.username, icon: null, description: "", summary: "", verify_key: "0".repeat(64), flags: 0,
      bot_public: true, bot_require_code_grant: false, team: null, owner: apiUser(snowflake(), "owner"), bot, integration_types_config: { 0: {} },
    };
  }

  #scopedCommands(ctx: Ctx, then: (guildId: string | null) => Reply): Reply {
    const [appId, guildId] = ctx.params;
    if (appId !== this.#state.applicationId) return fail(403, 20012, "You are not authorized to perform this action on this application");
    if (guildId !== undefined && !this.#state.guilds.some((g) => g.id === guildId)) return fail(403, RESTJSONErrorCodes.MissingAccess, "Missing Access");
    return then(guildId ?? null);
  }

  #commandsIn(guildId: string | null): APIApplicationCommand[] {
    return this.#state.commands.filter((c) => (c.guild_id ?? null) === guildId);
  }

  #toCommand(definition: Json, guildId: string | null): APIApplicationCommand {
    const type = (definition["type"] ?? ApplicationCommandType.ChatInput) as ApplicationCommandType;
    const existing = this.#commandsIn(guildId).find((c) => c.type === type && c.name === definition["name"]);
    return {
      default_member_permissions: null,
      nsfw: false,
      integration_types: [0],
      contexts: null,
      ...definition,
      description: (definition["description"] as string | undefined) ?? "",
      id: existing?.id ?? snowflake(),
      application_id: this.#state.applicationId,
      version: snowflake(),
      type,
      ...(guildId === null ? {} : { guild_id: guildId }),
    } as APIApplicationCommand;
  }

  #overwriteCommands(guildId: string | null, definitions: unknown): Reply {
    const errors = validateCommands(definitions);
    if (!errors.empty || !Array.isArray(definitions)) return invalidForm(errors);
    const created = definitions.map((d) => this.#toCommand(d as Json, guildId));
    this.#state.commands = [...this.#state.commands.filter((c) => (c.guild_id ?? null) !== guildId), ...created];
    return ok(created);
  }

  // ---- messages -------------------------------------------------------------------------------

  apiMessage(message: RecordedMessage): APIMessage {
    const interaction = message.interactionId ? this.#state.interactions.get(message.interactionId) : undefined;
    return {
      id: message.id,
      channel_id: message.channelId,
      author: this.#state.bot,
      content: message.content,
      timestamp: new Date(message.createdAt).toISOString(),
      edited_timestamp: message.editedAt === null ? null : new Date(message.editedAt).toISOString(),
      tts: false,
      mention_everyone: message.pings.everyone,
      mentions: message.pings.users.map((id) => apiUser(id, `user-${id}`)),
      mention_roles: message.pings.roles,
      attachments: message.attachments.map(({ data: _data, ...a }) => ({ ...a, url: `https://cdn.invalid/${a.id}/${a.filename}`, proxy_url: `https://cdn.invalid/${a.id}` })),
      embeds: message.embeds,
      pinned: false,
      type: message.type,
      flags: message.flags,
      components: message.components as APIMessage["components"] & object,
      ...(message.nonce === null ? {} : { nonce: message.nonce }),
      ...(interaction
        ? {
            webhook_id: this.#state.applicationId,
            application_id: this.#state.applicationId,
            interaction_metadata: {
              id: interaction.id,
              type: interaction.type,
              user: interaction.user,
              authorizing_integration_owners: interaction.payload.authorizing_integration_owners,
            },
          }
        : {}),
    } as APIMessage;
  }

  #createMessage(ctx: Ctx, init: Pick<RecordedMessage, "channelId" | "guildId" | "source" | "interactionId" | "type">, flagsMask: number, body = ctx.body): RecordedMessage {
    const flags = Number(body["flags"] ?? 0) & flagsMask;
    const allowed = isObject(body["allowed_mentions"]) ? (body["allowed_mentions"] as APIAllowedMentions) : null;
    const content = typeof body["content"] === "string" ? body["content"] : "";
    const message: RecordedMessage = {
      ...init,
      id: snowflake(),
      content,
      embeds: Array.isArray(body["embeds"]) ? (body["embeds"] as APIEmbed[]) : [],
      components: Array.isArray(body["components"]) ? body["components"] : [],
      attachments: ctx.files,
      flags,
      ephemeral: (flags & MessageFlags.Ephemeral) !== 0,
      loading: false,
      deleted: false,
      nonce: typeof body["nonce"] === "string" || typeof body["nonce"] === "number" ? body["nonce"] : null,
      allowedMentions: allowed,
      pings: computePings(content, allowed ?? undefined),
      createdAt: Date.now(),
      editedAt: null,
      writes: [body],
    };
    this.#state.messages.set(message.id, message);
    return message;
  }

  /** Validates and applies an edit; completing a deferred reply is not an "edit" for Discord. */
  #applyEdit(message: RecordedMessage, ctx: Ctx): Reply | null {
    const { body } = ctx;
    const errors = validateMessage(body);
    if (!errors.empty) return invalidForm(errors);
    const next = {
      content: "content" in body ? body["content"] : message.content,
      embeds: "embeds" in body ? body["embeds"] : message.embeds,
      components: "components" in body ? body["components"] : message.components,
    };
    const attachments = "attachments" in body || ctx.files.length > 0 ? ctx.files : message.attachments;
    if (isEmptyMessage(next, attachments.length)) return fail(400, RESTJSONErrorCodes.CannotSendAnEmptyMessage, "Cannot send an empty message");
    message.content = typeof next.content === "string" ? next.content : "";
    message.embeds = Array.isArray(next.embeds) ? (next.embeds as APIEmbed[]) : [];
    message.components = Array.isArray(next.components) ? next.components : [];
    message.attachments = attachments;
    if (isObject(body["allowed_mentions"])) message.allowedMentions = body["allowed_mentions"] as APIAllowedMentions;
    if (message.loading) {
      message.loading = false;
      message.flags &= ~MessageFlags.Loading;
    } else message.editedAt = Date.now();
    message.writes.push(body);
    return null;
  }

  #edit(message: RecordedMessage, ctx: Ctx): Reply {
    return this.#applyEdit(message, ctx) ?? ok(this.apiMessage(message));
  }

  #checkNewMessage(ctx: Ctx): Reply | null {
    const errors = validateMessage(ctx.body);
    if (!errors.empty) return invalidForm(errors);
    if (isEmptyMessage(ctx.body, ctx.files.length)) return fail(400, RESTJSONErrorCodes.CannotSendAnEmptyMessage, "Cannot send an empty message");
    return null;
  }

  #delete(message: RecordedMessage): Reply {
    message.deleted = true;
    return ok();
  }

  // ---- channels -------------------------------------------------------------------------------

  #channel(ctx: Ctx, then: (channel: Channel, guild: Guild) => Reply): Reply {
    const channel = this.#state.channels.get(ctx.params[0] ?? "");
    const guild = this.#state.guilds.find((g) => g.id === channel?.guildId);
    if (!channel || !guild) return fail(404, RESTJSONErrorCodes.UnknownChannel, "Unknown Channel");
    if (!(botPermissionsIn(guild, channel, this.#state.bot.id) & PermissionFlagsBits.ViewChannel))
      return fail(403, RESTJSONErrorCodes.MissingAccess, "Missing Access");
    return then(channel, guild);
  }

  #channelSend(ctx: Ctx, channel: Channel, guild: Guild): Reply {
    if (!TEXT_CHANNELS.includes(channel.type)) return fail(400, RESTJSONErrorCodes.CannotSendMessagesInNonTextChannel, "Cannot send messages in a non-text channel");
    const permissions = botPermissionsIn(guild, channel, this.#state.bot.id);
    const needed = (THREADS.includes(channel.type) ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages) | (ctx.files.length ? PermissionFlagsBits.AttachFiles : 0n);
    if ((permissions & needed) !== needed) return fail(403, RESTJSONErrorCodes.MissingPermissions, "Missing Permissions");
    const invalid = this.#checkNewMessage(ctx);
    if (invalid) return invalid;
    const nonce = ctx.body["nonce"];
    if (ctx.body["enforce_nonce"] === true && nonce !== undefined && nonce !== null) {
      const since = Date.now() - this.#state.settings.nonceWindowMs;
      const duplicate = [...this.#state.messages.values()].find(
        (m) => m.source === "channel" && m.channelId === channel.id && m.nonce === nonce && m.createdAt >= since,
      );
      if (duplicate) return ok(this.apiMessage(duplicate));
    }
    const isReply = isObject(ctx.body["message_reference"]);
    const message = this.#createMessage(
      ctx,
      { channelId: channel.id, guildId: guild.id, source: "channel", interactionId: null, type: isReply ? MessageType.Reply : MessageType.Default },
      CHANNEL_FLAGS,
    );
    return ok(this.apiMessage(message));
  }

  // ---- direct messages and guilds --------------------------------------------------------------

  #openDm(ctx: Ctx): Reply {
    const recipient = ctx.body["recipient_id"];
    if (typeof recipient !== "string" || !/^\d{5,25}$/.test(recipient)) {
      const errors = new FormErrors();
      errors.add(["recipient_id"], "BASE_TYPE_REQUIRED", "This field is required");
      return invalidForm(errors);
    }
    const existing = [...this.#state.dmChannels].find(([, user]) => user === recipient)?.[0];
    const id = existing ?? snowflake();
    this.#state.dmChannels.set(id, recipient);
    return ok({ id, type: ChannelType.DM, last_message_id: null, flags: 0, recipients: [apiUser(recipient, `user-${recipient}`)] });
  }

  #dmSend(ctx: Ctx): Reply | undefined {
    const channelId = ctx.params[0] ?? "";
    if (!this.#state.dmChannels.has(channelId)) return undefined;
    const invalid = this.#checkNewMessage(ctx);
    if (invalid) return invalid;
    const message = this.#createMessage(ctx, { channelId, guildId: null, source: "channel", interactionId: null, type: MessageType.Default }, CHANNEL_FLAGS);
    return ok(this.apiMessage(message));
  }

  #guild(ctx: Ctx): Reply {
    const guild = this.#state.guilds.find((g) => g.id === ctx.params[0]);
    if (!guild) return fail(404, RESTJSONErrorCodes.UnknownGuild, "Unknown Guild");
    const { channels: _channels, members: _members, ...rest } = guildCreatePayload(guild, this.#state.bot);
    return ok(rest);
  }

  // ---- interactions ---------------------------------------------------------------------------

  #callback(ctx: Ctx): Reply {
    const interaction = this.#state.interactions.get(ctx.params[0] ?? "");
    const reject = (reply: Reply): Reply => {
      interaction?.rejectedCallbacks.push({ at: Date.now(), status: reply.status, code: (reply.body as { code: number }).code });
      return reply;
    };
    if (!interaction || interaction.token !== ctx.params[1]) return reject(fail(404, RESTJSONErrorCodes.UnknownInteraction, "Unknown interaction"));
    if (interaction.ack) return reject(fail(400, RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged, "Interaction has already been acknowledged."));
    const now = Date.now();
    if (now - interaction.createdAt > interaction.ackWindowMs) return reject(fail(404, RESTJSONErrorCodes.UnknownInteraction, "Unknown interaction"));
    const type = ctx.body["type"] as InteractionResponseType;
    const data = isObject(ctx.body["data"]) ? ctx.body["data"] : {};
    const allowed: readonly InteractionResponseType[] =
      interaction.type === InteractionType.ApplicationCommandAutocomplete
        ? [InteractionResponseType.ApplicationCommandAutocompleteResult]
        : [InteractionResponseType.ChannelMessageWithSource, InteractionResponseType.DeferredChannelMessageWithSource, InteractionResponseType.Modal];
    if (!allowed.includes(type)) {
      const errors = new FormErrors();
      errors.add(["type"], "INTERACTION_RESPONSE_TYPE_INVALID", "Interaction response type is invalid for this interaction");
      return reject(invalidForm(errors));
    }
    const checks = type === InteractionResponseType.ApplicationCommandAutocompleteResult ? validateAutocompleteResult(data) : type === InteractionResponseType.Modal ? validateModal(data) : null;
    if (checks && !checks.empty) return reject(invalidForm(checks));
    if (type === InteractionResponseType.ChannelMessageWithSource) {
      const invalid = this.#checkNewMessage({ ...ctx, body: data });
      if (invalid) return reject(invalid);
    }
    let message: RecordedMessage | undefined;
    if (type === InteractionResponseType.ChannelMessageWithSource || type === InteractionResponseType.DeferredChannelMessageWithSource) {
      const payload = interaction.payload;
      const commandType = "data" in payload && isObject(payload.data) ? payload.data["type"] : undefined;
      message = this.#createMessage(
        ctx,
        {
          channelId: payload.channel?.id ?? "",
          guildId: payload.guild_id ?? null,
          source: "reply",
          interactionId: interaction.id,
          type: commandType === ApplicationCommandType.ChatInput ? MessageType.ChatInputCommand : MessageType.ContextMenuCommand,
        },
        INTERACTION_FLAGS,
        type === InteractionResponseType.DeferredChannelMessageWithSource ? { flags: data["flags"] } : data,
      );
      if (type === InteractionResponseType.DeferredChannelMessageWithSource) {
        message.loading = true;
        message.flags |= MessageFlags.Loading;
      }
      interaction.originalId = message.id;
    }
    interaction.ack = { type, at: now, latencyMs: now - interaction.createdAt, data };
    if (ctx.query.get("with_response") !== "true") return ok();
    return ok({
      interaction: {
        id: interaction.id,
        type: interaction.type,
        ...(message ? { response_message_id: message.id, response_message_loading: message.loading, response_message_ephemeral: message.ephemeral } : {}),
      },
      resource: { type, ...(message ? { message: this.apiMessage(message) } : {}) },
    });
  }

  /** Resolves /webhooks/:app/:token to an acknowledged interaction, or Discord's error. */
  #webhook(ctx: Ctx, then: (interaction: InteractionRecord) => Reply): Reply {
    const [appId, token] = ctx.params;
    const interaction = [...this.#state.interactions.values()].find((i) => i.token === token);
    if (appId !== this.#state.applicationId || !interaction || !interaction.ack) return fail(404, RESTJSONErrorCodes.UnknownWebhook, "Unknown Webhook");
    if (Date.now() - interaction.createdAt > this.#state.settings.interactionTokenTtlMs)
      return fail(401, RESTJSONErrorCodes.InvalidWebhookToken, "Invalid Webhook Token");
    return then(interaction);
  }

  #webhookMessage(ctx: Ctx, then: (message: RecordedMessage) => Reply): Reply {
    return this.#webhook(ctx, (interaction) => {
      const wanted = ctx.params[2];
      const id = wanted === "@original" ? interaction.originalId : wanted;
      const message = id ? this.#state.messages.get(id) : undefined;
      if (!message || message.deleted || message.interactionId !== interaction.id) return fail(404, RESTJSONErrorCodes.UnknownMessage, "Unknown Message");
      return then(message);
    });
  }

  #followup(interaction: InteractionRecord, ctx: Ctx): Reply {
    const wait = ctx.query.get("wait") === "true";
    const original = interaction.originalId ? this.#state.messages.get(interaction.originalId) : undefined;
    // The first follow-up after a deferral fills the "thinking…" message instead of posting anew
    // (unless the bot deleted it: then follow-ups are new messages).
    if (original?.loading && !original.deleted) {
      const invalid = this.#checkNewMessage(ctx) ?? this.#applyEdit(original, ctx);
      return invalid ?? ok(wait ? this.apiMessage(original) : undefined);
    }
    const invalid = this.#checkNewMessage(ctx);
    if (invalid) return invalid;
    const payload = interaction.payload;
    const message = this.#createMessage(
      ctx,
      { channelId: payload.channel?.id ?? "", guildId: payload.guild_id ?? null, source: "followup", interactionId: interaction.id, type: MessageType.Default },
      INTERACTION_FLAGS,
    );
    interaction.followupIds.push(message.id);
    return ok(wait ? this.apiMessage(message) : undefined);
  }
}

/** JSON, or multipart/form-data with payload_json and files[n] (discord.js uses it for attachments). */
async function parseBody(contentType: string, raw: Buffer): Promise<{ body: unknown; files: RecordedAttachment[] } | null> {
  if (raw.length === 0) return { body: {}, files: [] };
  try {
    if (!contentType.startsWith("multipart/form-data")) return { body: JSON.parse(raw.toString("utf8")) as unknown, files: [] };
    const form = await new Request("http://emulator", { method: "POST", headers: { "content-type": contentType }, body: raw }).formData();
    const files: RecordedAttachment[] = [];
    for (const [, value] of form) {
      if (typeof value !== "string") {
        files.push({ id: String(files.length), filename: value.name, size: value.size, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) });
      }
    }
    const json = form.get("payload_json");
    return { body: typeof json === "string" ? (JSON.parse(json) as unknown) : {}, files };
  } catch {
    return null;
  }
}
