// Gateway v10 over `ws`, JSON encoding, no compression (discord.js only asks for zlib-stream when
// the optional zlib-sync package is installed). Sessions keep every dispatch so RESUME can replay.
// Sharding as Discord does it: IDENTIFY carries shard [id, count]; a guild's events (and its
// interactions) go only to shard (guild_id >> 22) % count; DMs and other events to shard 0.
import type { Server } from "node:http";
import { WebSocketServer, WebSocket } from "ws";
import { GatewayCloseCodes, GatewayOpcodes } from "discord.js";
import { randomToken } from "./model.ts";

interface Dispatch {
  op: GatewayOpcodes.Dispatch;
  s: number;
  t: string;
  d: unknown;
}
interface Session {
  id: string;
  shard: number;
  seq: number;
  events: Dispatch[];
  socket: WebSocket | undefined;
}

export interface GatewayHooks {
  token: string;
  heartbeatIntervalMs: number;
  /** Shards the bot must identify with (GET /gateway/bot recommends it). */
  shardCount: number;
  /** READY data for a new session of a shard (its guilds unavailable; GUILD_CREATE follows). */
  ready(sessionId: string, shard: number): unknown;
  guildCreates(shard: number): unknown[];
  onChange(): void;
}

export interface GatewayStats {
  connections: number;
  identifies: number;
  resumes: number;
  heartbeats: number;
  invalidSessions: number;
}

/** How `dropConnection` ends the current socket. */
export type DropMode =
  /** Close frame with a resumable code (default 4000 Unknown error): discord.js resumes. */
  | { kind: "close"; code?: number }
  /** TCP reset without a close frame (the client sees 1006): discord.js resumes. */
  | { kind: "terminate" }
  /** Opcode 7 Reconnect: discord.js closes itself and resumes. */
  | { kind: "reconnect" }
  /** Opcode 9 Invalid Session (d=false) and forget the session: discord.js identifies anew. */
  | { kind: "invalidate" };

const send = (socket: WebSocket, payload: unknown) => {
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(payload));
};

export class Gateway {
  readonly stats: GatewayStats = { connections: 0, identifies: 0, resumes: 0, heartbeats: 0, invalidSessions: 0 };
  readonly #wss: WebSocketServer;
  readonly #hooks: GatewayHooks;
  readonly #sessions = new Map<string, Session>();
  /** The latest session of each shard. */
  readonly #current = new Map<number, Session>();

  constructor(server: Server, hooks: GatewayHooks) {
    this.#hooks = hooks;
    this.#wss = new WebSocketServer({ server });
    this.#wss.on("connection", (socket, request) => this.#accept(socket, request.url ?? "/"));
  }

  /** True while every shard's latest session has an open, identified (or resumed) socket. */
  get connected(): boolean {
    return Array.from({ length: this.#hooks.shardCount }, (_, shard) => this.shardConnected(shard)).every(Boolean);
  }

  shardConnected(shard: number): boolean {
    return this.#current.get(shard)?.socket?.readyState === WebSocket.OPEN;
  }

  /** The shard a guild's events go to. */
  shardOf(guildId: string): number {
    return Number((BigInt(guildId) >> 22n) % BigInt(this.#hooks.shardCount));
  }

  /** The shard an event belongs to: its guild's (guild_id, or the id of a GUILD_* event), else 0. */
  #route(t: string, d: unknown): number {
    const data = (typeof d === "object" && d !== null ? d : {}) as Record<string, unknown>;
    const guildId = data["guild_id"] ?? (t.startsWith("GUILD_") ? data["id"] : undefined);
    return typeof guildId === "string" && /^\d+$/.test(guildId) ? this.shardOf(guildId) : 0;
  }

  /** Sends (or, while disconnected, buffers for RESUME) a dispatch on the latest session of the event's shard. */
  dispatch(t: string, d: unknown, shard = this.#route(t, d)): number {
    const session = this.#current.get(shard);
    if (!session) throw new Error(`discord-emulator: no gateway session for shard ${shard} yet; log the client in first`);
    const event: Dispatch = { op: GatewayOpcodes.Dispatch, s: ++session.seq, t, d };
    session.events.push(event);
    if (session.socket) send(session.socket, event);
    return event.s;
  }

  drop(mode: DropMode = { kind: "close" }, shard = 0): void {
    const session = this.#current.get(shard);
    const socket = session?.socket;
    if (!session || !socket) throw new Error("discord-emulator: no connected gateway session to drop");
    if (mode.kind === "close") socket.close(mode.code ?? GatewayCloseCodes.UnknownError, "emulator dropped the connection");
    else if (mode.kind === "terminate") socket.terminate();
    else if (mode.kind === "reconnect") send(socket, { op: GatewayOpcodes.Reconnect, d: null, s: null, t: null });
    else {
      this.#sessions.delete(session.id);
      this.#current.delete(shard);
      this.stats.invalidSessions++;
      send(socket, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
    }
  }

  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #accept(socket: WebSocket, url: string): void {
    this.stats.connections++;
    const version = new URL(url, "ws://emulator").searchParams.get("v");
    if (version !== "10") return socket.close(GatewayCloseCodes.InvalidAPIVersion, "Invalid API version");
    let session: Session | undefined;
    socket.on("close", () => {
      if (session?.socket === socket) session.socket = undefined;
      this.#hooks.onChange();
    });
    socket.on("message", (raw) => {
      let payload: { op?: unknown; d?: unknown };
      try {
        payload = JSON.parse(String(raw)) as { op?: unknown; d?: unknown };
      } catch {
        return socket.close(GatewayCloseCodes.DecodeError, "Error while decoding payload.");
      }
      const d = (typeof payload.d === "object" && payload.d !== null ? payload.d : {}) as Record<string, unknown>;
      switch (payload.op) {
        case GatewayOpcodes.Heartbeat:
          this.stats.heartbeats++;
          return send(socket, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
        case GatewayOpcodes.Identify:
          if (session) return socket.close(GatewayCloseCodes.AlreadyAuthenticated, "Already authenticated.");
          if (d["token"] !== this.#hooks.token) return socket.close(GatewayCloseCodes.AuthenticationFailed, "Authentication failed.");
          session = this.#identify(socket, d["shard"]);
          return;
        case GatewayOpcodes.Resume:
          if (session) return socket.close(GatewayCloseCodes.AlreadyAuthenticated, "Already authenticated.");
          if (d["token"] !== this.#hooks.token) return socket.close(GatewayCloseCodes.AuthenticationFailed, "Authentication failed.");
          session = this.#resume(socket, String(d["session_id"]), Number(d["seq"]));
          return;
        case GatewayOpcodes.PresenceUpdate:
        case GatewayOpcodes.VoiceStateUpdate:
        case GatewayOpcodes.RequestGuildMembers:
          if (!session) socket.close(GatewayCloseCodes.NotAuthenticated, "Not authenticated.");
          return;
        default:
          return socket.close(GatewayCloseCodes.UnknownOpcode, "Unknown opcode.");
      }
    });
    send(socket, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.#hooks.heartbeatIntervalMs }, s: null, t: null });
  }

  #identify(socket: WebSocket, shardField: unknown): Session | undefined {
    const [shard, count] = Array.isArray(shardField) ? shardField.map(Number) : [0, 1];
    const wanted = this.#hooks.shardCount;
    if (count === undefined || shard === undefined || !Number.isInteger(shard) || shard < 0 || count !== wanted || shard >= count) {
      // Discord: 4011 when too few shards for the bot's guilds, 4010 for an invalid shard.
      if (count !== undefined && count < wanted) socket.close(GatewayCloseCodes.ShardingRequired, "Sharding required.");
      else socket.close(GatewayCloseCodes.InvalidShard, "Invalid shard.");
      return undefined;
    }
    this.stats.identifies++;
    const session: Session = { id: randomToken(16), shard, seq: 0, events: [], socket };
    this.#sessions.set(session.id, session);
    this.#current.set(shard, session);
    this.dispatch("READY", this.#hooks.ready(session.id, shard), shard);
    for (const guild of this.#hooks.guildCreates(shard)) this.dispatch("GUILD_CREATE", guild, shard);
    this.#hooks.onChange();
    return session;
  }

  #resume(socket: WebSocket, sessionId: string, seq: number): Session | undefined {
    const session = this.#sessions.get(sessionId);
    if (!session) {
      this.stats.invalidSessions++;
      send(socket, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      return undefined;
    }
    this.stats.resumes++;
    if (session.socket && session.socket !== socket) session.socket.terminate();
    session.socket = socket;
    for (const event of session.events) if (event.s > seq) send(socket, event);
    this.dispatch("RESUMED", {}, session.shard);
    this.#hooks.onChange();
    return session;
  }
}
