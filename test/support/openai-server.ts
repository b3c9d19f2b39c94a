/**
 * A scriptable stand-in for OpenAI's Chat Completions API, for tests. Real `node:http` on
 * 127.0.0.1 with an ephemeral port; the real `openai` SDK talks to it over loopback.
 *
 *   import { startOpenAiServer } from "./support/openai-server.ts";
 *
 *   const llm = await startOpenAiServer();        // answers every "brief" request with a valid brief
 *   // point the app at it: OPENAI_BASE_URL=llm.url (e.g. "http://127.0.0.1:PORT/v1"), any API key
 *   llm.enqueue({ kind: "status", status: 429, retryAfterMs: 20 }, { kind: "raw", content: "{oops" });
 *   ...run the code under test...
 *   llm.requests.length;                          // chat completion requests received, in order
 *   llm.requests[0]?.body.messages;               // the parsed JSON body of each request
 *   userText(llm.requests[0]!);                   // all user-message text of a request
 *   await llm.waitForRequests(2);                 // bounded wait (default 5 s) for async callers
 *   await llm.close();                            // also releases requests left hanging
 *
 * Routes: POST /v1/chat/completions, GET /v1/models. Anything else answers 404 in OpenAI's
 * error shape. Responses carry OpenAI's shapes: { id, object: "chat.completion", created, model,
 * choices: [{ index, message: { role, content, refusal, annotations }, logprobs, finish_reason }],
 * usage: { prompt_tokens, completion_tokens, total_tokens } } and, for errors,
 * { error: { message, type, param, code } } with an `x-request-id` header on every answer.
 *
 * Each chat request takes the next queued behaviour (enqueue), else the default reply:
 *   { kind: "json", value }             content = JSON.stringify(value); value may be a function of the request
 *   { kind: "raw", content }            content exactly as given (broken JSON, prose)
 *   { kind: "status", status, message?, code?, type?, retryAfter?, retryAfterMs?, headers? }
 *                                       an error answer; 429 sends `retry-after: 1` unless retryAfter /
 *                                       retryAfterMs say otherwise (retryAfterMs also sends `retry-after-ms`)
 *   { kind: "hang" }                    never answers (released when the client gives up or on close)
 *   { kind: "disconnect" }              drops the connection without answering
 *   { kind: "truncate", content? }      finish_reason "length"; content defaults to half the default reply
 *   { kind: "refusal", refusal? }       message.refusal set, content null
 *   { kind: "content_filter" }          finish_reason "content_filter", content null
 *   { kind: "slow", delayMs, then? }    waits, then behaves as `then` (default: the default reply)
 *   { kind: "default" }                 the default reply, explicitly
 *
 * Default reply, in order: options.defaultReply(request) when given; else the handler in
 * options.schemas for the request's `response_format.json_schema.name` ("brief" is built in:
 * validBriefFor); else, for a json_schema request, a 501 error naming the unhandled schema;
 * else (no response_format) the text "OK". Handlers return a JSON value or a Behaviour.
 *
 * Options: apiKey (when set, other bearer tokens get OpenAI's 401), models (when set, other
 * models get OpenAI's 404 model_not_found; also what GET /v1/models lists).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Brief } from "../../src/core/brief.ts";

export interface ChatMessage {
  role: string;
  content?: unknown;
  [key: string]: unknown;
}

export interface ChatRequestBody {
  model: string;
  messages: ChatMessage[];
  response_format?: {
    type: string;
    json_schema?: { name?: string; strict?: boolean; schema?: Record<string, unknown>; [key: string]: unknown };
  };
  [key: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: ChatRequestBody;
  /** `response_format.json_schema.name`, when the request asked for structured output. */
  schemaName?: string;
  /** Position in `requests`, from 0. */
  index: number;
}

export type Behaviour =
  | { kind: "json"; value: unknown | ((request: RecordedRequest) => unknown) }
  | { kind: "raw"; content: string }
  | {
      kind: "status";
      status: number;
      message?: string;
      code?: string | null;
      type?: string;
      retryAfter?: number | string;
      retryAfterMs?: number;
      headers?: Record<string, string>;
    }
  | { kind: "hang" }
  | { kind: "disconnect" }
  | { kind: "truncate"; content?: string }
  | { kind: "refusal"; refusal?: string }
  | { kind: "content_filter" }
  | { kind: "slow"; delayMs: number; then?: Behaviour }
  | { kind: "default" };

/** A reply handler: a JSON value to send as content, or a full Behaviour. */
export type ReplyHandler = (request: RecordedRequest) => unknown;

export interface OpenAiServerOptions {
  defaultReply?: ReplyHandler;
  /** Handlers by `response_format.json_schema.name`; "brief" defaults to validBriefFor. */
  schemas?: Record<string, ReplyHandler>;
  apiKey?: string;
  models?: string[];
}

export interface OpenAiServer {
  /** Base URL for the SDK's `baseURL`, e.g. "http://127.0.0.1:41234/v1". */
  readonly url: string;
  /** Chat completion requests received so far, in order. */
  readonly requests: RecordedRequest[];
  enqueue(...behaviours: Behaviour[]): void;
  /** Behaviours still queued. */
  readonly queued: number;
  /** Clears the queue and the recorded requests. */
  reset(): void;
  /** Resolves once `count` chat requests have arrived; rejects after `timeoutMs`. */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 20_000_000;

export async function startOpenAiServer(options: OpenAiServerOptions = {}): Promise<OpenAiServer> {
  const requests: RecordedRequest[] = [];
  const queue: Behaviour[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();
  const schemas: Record<string, ReplyHandler> = { brief: (req) => validBriefFor(req), ...options.schemas };
  let sequence = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) sendError(res, 500, { message: `stand-in failure: ${String(err)}`, type: "server_error" });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    res.setHeader("x-request-id", `req_stand_in_${++sequence}`);
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      await drain(req);
      return sendError(res, 401, {
        message: "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
        type: "invalid_request_error",
        code: "invalid_api_key",
      });
    }
    if (req.method === "GET" && path === "/v1/models") {
      return sendJson(res, 200, {
        object: "list",
        data: (options.models ?? ["stand-in-model"]).map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "stand-in" })),
      });
    }
    if (req.method !== "POST" || path !== "/v1/chat/completions") {
      await drain(req);
      return sendError(res, 404, { message: `Invalid URL (${req.method} ${path})`, type: "invalid_request_error" });
    }
    const raw = await readBody(req);
    let body: ChatRequestBody;
    try {
      body = JSON.parse(raw) as ChatRequestBody;
    } catch {
      return sendError(res, 400, { message: "We could not parse the JSON body of your request.", type: "invalid_request_error" });
    }
    if (typeof body?.model !== "string" || !Array.isArray(body.messages) || body.messages.length === 0) {
      return sendError(res, 400, { message: "Missing required parameters: model and a non-empty messages array.", type: "invalid_request_error" });
    }
    const schemaName = body.response_format?.json_schema?.name;
    const recorded: RecordedRequest = {
      method: req.method,
      path,
      headers: req.headers,
      body,
      index: requests.length,
      ...(typeof schemaName === "string" ? { schemaName } : {}),
    };
    requests.push(recorded);
    for (const wake of waiters) wake();
    if (body.stream === true) {
      return sendError(res, 400, { message: "The stand-in does not stream.", type: "invalid_request_error" });
    }
    if (options.models !== undefined && !options.models.includes(body.model)) {
      return sendError(res, 404, {
        message: `The model \`${body.model}\` does not exist or you do not have access to it.`,
        type: "invalid_request_error",
        code: "model_not_found",
      });
    }
    respond(res, recorded, queue.shift() ?? { kind: "default" });
  }

  function respond(res: ServerResponse, request: RecordedRequest, behaviour: Behaviour): void {
    if (res.destroyed) return;
    switch (behaviour.kind) {
      case "default":
        return respond(res, request, defaultBehaviour(request));
      case "json": {
        const value = typeof behaviour.value === "function" ? (behaviour.value as ReplyHandler)(request) : behaviour.value;
        return sendCompletion(res, request, { content: JSON.stringify(value), finishReason: "stop" });
      }
      case "raw":
        return sendCompletion(res, request, { content: behaviour.content, finishReason: "stop" });
      case "truncate": {
        const full = contentOf(defaultBehaviour(request), request) ?? "{}";
        const content = behaviour.content ?? full.slice(0, Math.max(1, Math.floor(full.length / 2)));
        return sendCompletion(res, request, { content, finishReason: "length" });
      }
      case "refusal":
        return sendCompletion(res, request, {
          content: null,
          refusal: behaviour.refusal ?? "I'm sorry, I can't help with that request.",
          finishReason: "stop",
        });
      case "content_filter":
        return sendCompletion(res, request, { content: null, finishReason: "content_filter" });
      case "status":
        return sendStatus(res, request, behaviour);
      case "hang":
        return; // the socket stays open until the client aborts or close() destroys it
      case "disconnect":
        res.socket?.destroy();
        return;
      case "slow": {
        const timer = setTimeout(() => {
          timers.delete(timer);
          respond(res, request, behaviour.then ?? { kind: "default" });
        }, behaviour.delayMs);
        timers.add(timer);
        return;
      }
    }
  }

  function defaultBehaviour(request: RecordedRequest): Behaviour {
    const handler =
      options.defaultReply ?? (request.schemaName !== undefined ? schemas[request.schemaName] : undefined);
    if (handler !== undefined) return asBehaviour(handler(request));
    if (request.body.response_format?.type === "json_schema") {
      return {
        kind: "status",
        status: 501,
        message: `openai-server stand-in: no reply for schema "${request.schemaName ?? "(unnamed)"}"; pass schemas.${request.schemaName ?? "NAME"} or defaultReply`,
        type: "server_error",
      };
    }
    return { kind: "raw", content: "OK" };
  }

  function sendCompletion(
    res: ServerResponse,
    request: RecordedRequest,
    answer: { content: string | null; refusal?: string; finishReason: string },
  ): void {
    const promptTokens = Math.ceil(JSON.stringify(request.body.messages).length / 4);
    const completionTokens = Math.ceil((answer.content ?? answer.refusal ?? "").length / 4);
    sendJson(res, 200, {
      id: `chatcmpl-stand-in-${request.index + 1}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: request.body.model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: answer.content, refusal: answer.refusal ?? null, annotations: [] },
          logprobs: null,
          finish_reason: answer.finishReason,
        },
      ],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
      service_tier: "default",
      system_fingerprint: "fp_stand_in",
    });
  }

  function sendStatus(res: ServerResponse, request: RecordedRequest, b: Extract<Behaviour, { kind: "status" }>): void {
    const headers: Record<string, string> = { ...b.headers };
    if (b.retryAfterMs !== undefined) {
      headers["retry-after-ms"] = String(b.retryAfterMs);
      headers["retry-after"] = String(Math.ceil(b.retryAfterMs / 1000));
    } else if (b.retryAfter !== undefined) {
      headers["retry-after"] = String(b.retryAfter);
    } else if (b.status === 429) {
      headers["retry-after"] = "1";
    }
    const defaults = STATUS_DEFAULTS[b.status] ?? { message: `Error ${b.status}`, type: b.status >= 500 ? "server_error" : "invalid_request_error" };
    sendError(
      res,
      b.status,
      {
        message: (b.message ?? defaults.message).replaceAll("{model}", request.body.model),
        type: b.type ?? defaults.type,
        code: b.code !== undefined ? b.code : (defaults.code ?? null),
      },
      headers,
    );
  }

  function contentOf(behaviour: Behaviour, request: RecordedRequest): string | undefined {
    if (behaviour.kind === "json") {
      const value = typeof behaviour.value === "function" ? (behaviour.value as ReplyHandler)(request) : behaviour.value;
      return JSON.stringify(value);
    }
    return behaviour.kind === "raw" ? behaviour.content : undefined;
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...behaviours) => void queue.push(...behaviours),
    get queued() {
      return queue.length;
    },
    reset() {
      queue.length = 0;
      requests.length = 0;
    },
    waitForRequests(count, timeoutMs = 5_000) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const wake = () => {
          if (requests.length < count) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`openai-server stand-in: ${requests.length} of ${count} requests after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(wake);
      });
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

const STATUS_DEFAULTS: Record<number, { message: string; type: string; code?: string }> = {
  400: { message: "Invalid request.", type: "invalid_request_error" },
  401: {
    message: "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
    type: "invalid_request_error",
    code: "invalid_api_key",
  },
  403: { message: "You are not allowed to access this resource.", type: "invalid_request_error" },
  404: {
    message: "The model `{model}` does not exist or you do not have access to it.",
    type: "invalid_request_error",
    code: "model_not_found",
  },
  429: {
    message: "Rate limit reached for requests. Please try again in 1s.",
    type: "requests",
    code: "rate_limit_exceeded",
  },
  500: { message: "The server had an error while processing your request. Sorry about that!", type: "server_error" },
  502: { message: "Bad gateway.", type: "server_error" },
  503: { message: "The engine is currently overloaded, please try again later.", type: "server_error" },
};

function asBehaviour(value: unknown): Behaviour {
  if (typeof value === "object" && value !== null && "kind" in value && typeof value.kind === "string" && KINDS.has(value.kind)) {
    return value as Behaviour;
  }
  return { kind: "json", value };
}

const KINDS = new Set(["json", "raw", "status", "hang", "disconnect", "truncate", "refusal", "content_filter", "slow", "default"]);

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function sendError(
  res: ServerResponse,
  status: number,
  error: { message: string; type: string; code?: string | null },
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { message: error.message, type: error.type, param: null, code: error.code ?? null } }, headers);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function drain(req: IncomingMessage): Promise<void> {
  req.resume();
  return new Promise((resolve) => {
    if (req.readableEnded) return resolve();
    req.once("end", resolve);
    req.once("close", resolve);
  });
}

/** Text of all messages with the given role, joined by blank lines (string or text-part content). */
export function messageText(request: RecordedRequest, role: string): string {
  return request.body.messages
    .filter((m) => m.role === role)
    .map((m) => contentText(m.content))
    .join("\n\n");
}

export const systemText = (request: RecordedRequest): string => messageText(request, "system");
export const userText = (request: RecordedRequest): string => messageText(request, "user");

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part: unknown) => (typeof part === "object" && part !== null && "text" in part && typeof part.text === "string" ? part.text : ""))
      .join("");
  }
  return "";
}

/** The text between the first <article> and the last </article> of a request's user messages. */
export function articleTextOf(request: RecordedRequest): string {
  const text = userText(request);
  const start = text.indexOf("<article>");
  const end = text.lastIndexOf("</article>");
  return start >= 0 && end > start ? text.slice(start + "<article>".length, end).trim() : "";
}

/**
 * A schema-valid brief built from a request's fenced article (or from plain article text):
 * the title as headline, the first sentences as key points, each quoted verbatim as evidence.
 */
export function validBriefFor(source: RecordedRequest | string): Brief {
  const article = typeof source === "string" ? source : articleTextOf(source);
  const title = typeof source === "string" ? undefined : /^title: (.+)$/m.exec(userText(source))?.[1];
  const sentences = (article.match(/(?:[^.!?\n]|\.(?=\d))+[.!?]?/g) ?? []).map((s) => s.trim()).filter((s) => s.length > 0);
  const evidenceFor = (i: number) => sentences[i] ?? sentences[0] ?? article.slice(0, 80);
  return {
    headline: title && title !== "unknown" ? title : (sentences[0] ?? "Stand-in brief").slice(0, 100),
    // Ordinals in words: a digit the article does not state would be a fabricated figure.
    keyPoints: [0, 1, 2].map((i) => ({ text: `Point ${["one", "two", "three"][i]}: ${cutAtWord(evidenceFor(i), 120)}`, evidence: evidenceFor(i) })),
    tickers: [],
    whyItMatters: "Stand-in brief written by the local test server.",
  };
}

function cutAtWord(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max).replace(/\s+\S*$/u, "");
}
