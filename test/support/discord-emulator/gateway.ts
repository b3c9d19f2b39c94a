// Gateway v10 over `ws`, JSON encoding, no compression (discord.js only asks for zlib-stream when
// the optional zlib-sync package is installed). Sessions keep every dispatch so RESUME can replay.
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
  seq: number;
  events: Dispatch[];
  socket: WebSocket | undefined;
}

export interface GatewayHooks {
  token: string;
  heartbeatIntervalMs: number;
  /** READY data for a new session (guilds unavailable; GUILD_CREATE follows). */
  ready(sessionId: string): unknown;
  guildCreates(): unknown[];
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
  #current: Session | undefined;

  constructor(server: Server, hooks: GatewayHooks) {
    this.#hooks = hooks;
    this.#wss = new WebSocketServer({ server });
    this.#wss.on("connection", (socket, request) => this.#accept(socket, request.url ?? "/"));
  }

  /** True while the latest session has an open, identified (or resumed) socket. */
  get connected(): boolean {
    return this.#current?.socket?.readyState === WebSocket.OPEN;
  }

  /** Sends (or, while disconnected, buffers for RESUME) a dispatch on the latest session. */
  dispatch(t: string, d: unknown): number {
    const session = this.#current;
    if (!session) throw new Error("discord-emulator: no gateway session yet; log the client in first");
    const event: Dispatch = { op: GatewayOpcodes.Dispatch, s: ++session.seq, t, d };
    session.events.push(event);
    if (session.socket) send(session.socket, event);
    return event.s;
  }

  drop(mode: DropMode = { kind: "close" }): void {
    const session = this.#current;
    const socket = session?.socket;
    if (!session || !socket) throw new Error("discord-emulator: no connected gateway session to drop");
    if (mode.kind === "close") socket.close(mode.code ?? GatewayCloseCodes.UnknownError, "emulator dropped the connection");
    else if (mode.kind === "terminate") socket.terminate();
    else if (mode.kind === "reconnect") send(socket, { op: GatewayOpcodes.Reconnect, d: null, s: null, t: null });
    else {
      this.#sessions.delete(session.id);
      this.#current = undefined;
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
          session = this.#identify(socket);
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

  #identify(socket: WebSocket): Session {
    this.stats.identifies++;
    const session: Session = { id: randomToken(16), seq: 0, events: [], socket };
    this.#sessions.set(session.id, session);
    this.#current = session;
    this.dispatch("READY", this.#hooks.ready(session.id));
    for (const guild of this.#hooks.guildCreates()) this.dispatch("GUILD_CREATE", guild);
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
    this.dispatch("RESUMED", {});
    this.#hooks.onChange();
    return session;
  }
}
