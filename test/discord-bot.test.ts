/**
 * The bot end to end: real discord.js against the local Discord emulator, the real app
 * (guarded fetcher, extractor, OpenAI engine, SQLite) against a local article server and the
 * OpenAI stand-in. Each stack is built by createBot, the factory src/main.ts uses.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { InteractionResponseType, MessageFlags, type APIEmbed } from "discord.js";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../commands/index.ts";
import type { ChatInputCommand } from "../src/discord/command.ts";
import type { Bot } from "../src/discord/bot.ts";
import { deployCommands } from "../src/discord/deploy.ts";
import { RESTARTING_MESSAGE } from "../src/discord/router.ts";
import type { App } from "../src/app.ts";
import { llmEnv, QUIET_LIMITS, startBotStack } from "./support/bot-stack.ts";
import { startDiscordEmulator, type DiscordEmulator, type DiscordEmulatorOptions, type InteractionHandle, type RecordedMessage } from "./support/discord-emulator/index.ts";
import { startTestServer, type TestServer } from "./support/http-server.ts";
import {
  articleTextOf,
  startOpenAiServer,
  validBriefFor,
  type OpenAiServer,
  type RecordedRequest as LlmRequest,
} from "./support/openai-server.ts";
import { PROJECT_ROOT, runCli } from "./support/run-cli.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/discord/${name}`, import.meta.url), "utf8");
const ARTICLE = fixture("article.html");
const HOSTILE = fixture("hostile.html");
const ARTICLE_TITLE = "Harbor Freight Lines lifts outlook as container volumes recover";
const html = (body: string) => ({ headers: { "content-type": "text/html; charset=utf-8" }, body });

let dir: string;
let web: TestServer;
let forbidden: TestServer;
let llm: OpenAiServer;

interface Stack {
  emu: DiscordEmulator;
  app: App;
  bot: Bot;
  logs: Record<string, unknown>[];
  channelId: string;
  close(): Promise<void>;
}

function captureLogger(logs: Record<string, unknown>[]) {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return pino({ level: "info" }, sink);
}

async function startStack(
  name: string,
  env: Record<string, string> = {},
  options: { emulator?: DiscordEmulatorOptions; extraCommands?: ChatInputCommand[]; deadlineMs?: number; deploy?: boolean } = {},
): Promise<Stack> {
  const logs: Record<string, unknown>[] = [];
  const stack = await startBotStack({
    env: {
      ...llmEnv(llm),
      // Only the article server's address; 127.0.0.2 (the "forbidden" server) stays blocked.
      FETCH_ALLOW_PRIVATE: "127.0.0.1",
      DATABASE_URL: `sqlite:${join(dir, `${name}.db`)}`,
      ...env,
    },
    commands: [...commands, ...(options.extraCommands ?? [])],
    logger: captureLogger(logs),
    ...(options.emulator ? { emulator: options.emulator } : {}),
    ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}),
    ...(options.deploy !== undefined ? { deploy: options.deploy } : {}),
  });
  return { ...stack, logs, channelId: stack.emu.guilds[0]?.channels[0]?.id ?? "" };
}

const withEmbed = (m: RecordedMessage) => m.embeds.length > 0;
const withContent = (m: RecordedMessage) => m.content.length > 0;

/**
 * An error reaches the user privately: as the ephemeral reply, or (after a public deferral) as an
 * ephemeral follow-up once the public "thinking…" message was removed.
 */
async function privateError(emu: DiscordEmulator, h: InteractionHandle, timeoutMs = 10_000): Promise<RecordedMessage> {
  const message = await emu.waitFor(
    () => [h.original, ...h.followups].find((m) => m !== undefined && !m.deleted && m.ephemeral && m.content.length > 0),
    timeoutMs,
    `private error for interaction ${h.id}`,
  );
  const publicLeft = [h.original, ...h.followups].filter((m) => m !== undefined && !m.deleted && !m.ephemeral);
  expect(publicLeft).toEqual([]);
  return message;
}

function embedTexts(embed: APIEmbed): string[] {
  return [
    embed.title ?? "",
    embed.description ?? "",
    embed.footer?.text ?? "",
    embed.author?.name ?? "",
    ...(embed.fields ?? []).flatMap((f) => [f.name, f.value]),
  ];
}

function interactionLog(stack: Stack, h: InteractionHandle): Record<string, unknown> | undefined {
  return stack.logs.find((l) => l.msg === "interaction" && l.interactionId === h.id);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "marketbrief-bot-"));
  web = await startTestServer({
    "/article": html(ARTICLE),
    "/article-2": html(ARTICLE),
    "/article-checked": html(ARTICLE),
    "/a": html(ARTICLE),
    "/b": html(ARTICLE),
    "/c": html(ARTICLE),
    "/hostile": html(HOSTILE),
    "/hang": async (_req, _res, ctx) => {
      await ctx.closed;
    },
  });
  forbidden = await startTestServer({ "/": html(ARTICLE) }, { host: "127.0.0.2" });
  llm = await startOpenAiServer();
});

afterAll(async () => {
  await llm?.close();
  await web?.close();
  await forbidden?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the bot against a local Discord", () => {
  let stack: Stack;
  let emu: DiscordEmulator;
  let deployRun: Awaited<ReturnType<typeof runCli>>;
  let guildDeployRun: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    stack = await startStack("main", {}, { deploy: false });
    emu = stack.emu;
    // Commands are registered the way a new user does it: the CLI, through the REST API.
    const env = { DISCORD_TOKEN: emu.token, DISCORD_API_URL: emu.apiUrl };
    [deployRun, guildDeployRun] = await Promise.all([
      runCli(["deploy-commands"], { env, cwd: dir, timeoutMs: 30_000 }),
      runCli(["deploy-commands", "--guild", emu.guilds[0]?.id ?? ""], { env, cwd: dir, timeoutMs: 30_000 }),
    ]);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it("deploy-commands registers summarize and Summarize link from the one registry", () => {
    expect(deployRun.stderr).toBe("");
    expect(deployRun.code).toBe(0);
    expect(deployRun.stdout).toContain(`Registered ${commands.length} command(s) for all guilds`);
    expect(guildDeployRun.code).toBe(0);
    expect(guildDeployRun.stdout).toContain(`for guild ${emu.guilds[0]?.id}`);
    const names = emu.commands.filter((c) => c.guild_id === undefined).map((c) => c.name);
    expect(names.toSorted()).toEqual(commands.map((c) => c.data.name).toSorted());
    expect(names).toContain("summarize");
    expect(names).toContain("Summarize link");
    const summarize = emu.commands.find((c) => c.name === "summarize");
    expect(summarize?.options?.map((o) => o.name)).toEqual(["url", "language", "private"]);
  });

  it("acknowledges at once while the model is slow, then posts the brief linking the source", async () => {
    const before = llm.requests.length;
    llm.enqueue({ kind: "slow", delayMs: 2500 });
    const h = emu.dispatchSlashCommand({ name: "summarize", options: { url: `${web.url}/article?utm_source=chat#top` } });
    const ack = await h.waitForAck();
    expect(ack.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const reply = await h.waitForReply(withEmbed, 20_000);
    expect(h.rejectedCallbacks).toEqual([]);
    expect(h.ephemeral).toBe(false);
    expect(reply.allowedMentions).toEqual({ parse: [] });
    const [embed] = reply.embeds;
    expect(embed?.url).toBe(`${web.url}/article`);
    expect(embed?.title).toBe(ARTICLE_TITLE);
    expect(embed?.footer?.text).toBe("Engine: LLM (stand-in-model) · Figures checked against the source · Not investment advice");
    expect(embed?.fields?.find((f) => f.name === "Source")?.value).toContain("Example Markets Daily · English article");
    expect(llm.requests.length - before).toBe(1);
    await emu.waitFor(() => interactionLog(stack, h), 2000, "interaction log line");
    expect(interactionLog(stack, h)).toMatchObject({
      command: "summarize",
      guildId: emu.guilds[0]?.id,
      interactionId: h.id,
      engine: "llm",
      cached: false,
      llmRequests: 1,
      outcome: "ok",
      tokens: { promptTokens: expect.any(Number), completionTokens: expect.any(Number) },
    });
    expect(interactionLog(stack, h)?.ms).toEqual(expect.any(Number));
  });

  it("answers a repeat of the same article from the cache, without a model request", async () => {
    const before = llm.requests.length;
    const h = emu.dispatchSlashCommand({ name: "summarize", options: { url: `${web.url}/article` } });
    const reply = await h.waitForReply(withEmbed, 10_000);
    expect(reply.embeds[0]?.url).toBe(`${web.url}/article`);
    expect(llm.requests.length).toBe(before);
    await emu.waitFor(() => interactionLog(stack, h), 2000, "interaction log line");
    expect(interactionLog(stack, h)).toMatchObject({ cached: true, llmRequests: 0 });
  });

  it("coalesces concurrent requests for the same new article into one model request", async () => {
    const before = llm.requests.length;
    llm.enqueue({ kind: "slow", delayMs: 400 });
    const a = emu.dispatchSlashCommand({ name: "summarize", options: { url: `${web.url}/article-2` }, user: { id: "200000000000000001" } });
    const b = emu.dispatchSlashCommand({ name: "summarize", options: { url: `${web.url}/article-2` }, user: { id: "200000000000000002" } });
    const [ra, rb] = await Promise.all([a.waitForReply(withEmbed, 10_000), b.waitForReply(withEmbed, 10_000)]);
    expect(ra.embeds[0]?.url).toBe(`${web.url}/article-2`);
    expect(rb.embeds[0]?.url).toBe(`${web.url}/article-2`);
    expect(llm.requests.length - before).toBe(1);
  });

  it("keeps private:true ephemeral: nothing appears in the channel", async () => {
    const h = emu.dispatchSlashCommand({
      name: "summarize",
      options: { url: `${web.url}/article`, private: true, language: "de" },
    });
    const ack = await h.waitForAck();
    expect(ack.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(Number(ack.data.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    const reply = await h.waitForReply(withEmbed, 10_000);
    expect(reply.ephemeral).toBe(true);
    const visible = emu.channelMessages(stack.channelId).filter((m) => m.interactionId === h.id && !m.ephemeral);
    expect(visible).toEqual([]);
    // Language option honoured: a German brief of an English article (a new cache entry).
    expect(reply.embeds[0]?.fields?.find((f) => f.name === "Source")?.value).toContain("brief in German");
  });

  it("writes the brief in the reader's Discord language when offered", async () => {
    const h = emu.dispatchSlashCommand({ name: "summarize", options: { url: `${web.url}/article` }, locale: "pt-BR" });
    const reply = await h.waitForReply(withEmbed, 10_000);
    expect(reply.embeds[0]?.fields?.find((f) => f.name === "Source")?.value).toContain("brief in Portuguese");
    const last = llm.requests.at(-1);
    expect(JSON.stringify(last?.body.messages)).toContain("Portuguese");
  });

  it("answers a malformed link privately at once, with no defer and no model request", async () => {
    const before = llm.requests.length;
    const h = emu.dispatchSlashCommand({ name: "summarize", options: { url: "not a link at all" } });
    const ack = await h.waitForAck();
    expect(ack.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    const reply = await h.waitForReply(withContent);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain("doesn't look like a web link");
    expect(reply.allowedMentions).toEqual({ parse: [] });
    expect(llm.requests.length).toBe(before);
  });

  it("refuses a loopback address outside the allowlist privately, without connecting to it", async () => {
    const before = llm.requests.length;
    const h = emu.dispatchSlashCommand({ name: "summarize", options: { url: `${forbidden.url}/` } });
    const ack = await h.waitForAck();
    expect(ack.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    const reply = await h.waitForReply(withContent);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain("127.0.0.2");
    expect(reply.content).toContain("only fetches public web addresses");
    expect(forbidden.connections).toBe(0);
    expect(llm.requests.length).toBe(before);
  });

  it("replaces the deferred reply with a clear message for a 404 page, with no model request", async () => {
    const before = llm.requests.length;
    const h = emu.dispatchSlashCommand({ name: "summarize", options: { url: `${web.url}/missing`, private: true } });
    const ack = await h.waitForAck();
    expect(ack.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const reply = await h.waitForReply(withContent, 10_000);
    expect(reply.ephemeral).toBe(true);
    expect(reply.embeds).toEqual([]);
    expect(reply.content).toMatch(/404/);
    expect(llm.requests.length).toBe(before);
    await emu.waitFor(() => interactionLog(stack, h), 2000, "interaction log line");
    expect(interactionLog(stack, h)).toMatchObject({ outcome: "http_status" });
  });

  it("keeps an error after a public defer private: the thinking message goes, a private follow-up says why", async () => {
    const before = llm.requests.length;
    const h = emu.dispatchSlashCommand({ name: "summarize", options: { url: `${web.url}/missing` } });
    const ack = await h.waitForAck();
    expect(ack.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const error = await h.waitForFollowup((m) => m.content.length > 0, 10_000);
    expect(error.ephemeral).toBe(true);
    expect(error.content).toMatch(/404/);
    await emu.waitFor(() => h.original?.deleted, 5000, "deferred reply removed");
    const visible = emu.channelMessages(stack.channelId).filter((m) => m.interactionId === h.id && !m.ephemeral && !m.deleted);
    expect(visible).toEqual([]);
    expect(llm.requests.length).toBe(before);
  });

  it("says the figures were checked and how many unsupported items were removed; the invented ones are not posted", async () => {
    llm.enqueue({
      kind: "json",
      value: (request: LlmRequest) => ({
        ...validBriefFor(request),
        tickers: [{ symbol: "QZXW", name: "Quazex Holdings", sentiment: "bullish", moves: [{ price: 987.65, currency: "USD", changePct: 17.31 }] }],
        whyItMatters: "Analysts now see a fair value of $987.65.",
      }),
    });
    const h = emu.dispatchSlashCommand({ name: "summarize", options: { url: `${web.url}/article-checked` } });
    const reply = await h.waitForReply(withEmbed, 10_000);
    const [embed] = reply.embeds;
    expect(embed?.footer?.text).toBe("Engine: LLM (stand-in-model) · Figures checked against the source (2 unsupported items removed) · Not investment advice");
    const texts = embedTexts(embed as APIEmbed).join("\n");
    expect(texts).not.toContain("QZXW");
    expect(texts).not.toContain("987.65");
  });

  it("posts a brief of a hostile article that pings nobody and links nothing but the source", async () => {
    // The model repeats the article's tricks too (evidence stays verbatim, so it passes grounding).
    llm.enqueue({
      kind: "json",
      value: (request: LlmRequest) => {
        const base = validBriefFor(request);
        const article = articleTextOf(request);
        const start = article.indexOf("Read the full statement");
        const linkSentence = article.slice(start, article.indexOf("bonus.", start) + "bonus.".length);
        return {
          ...base,
          headline: "## @everyone Breaking [click](https://evil.example/x)",
          keyPoints: [...base.keyPoints.slice(0, 2), { text: "Details: [click](https://evil.example/x) <@&123456789012345678>", evidence: linkSentence }],
          whyItMatters: "@here see https://evil.example/steal now",
        };
      },
    });
    const h = emu.dispatchSlashCommand({ name: "summarize", options: { url: `${web.url}/hostile` } });
    const reply = await h.waitForReply(withEmbed, 10_000);
    expect(reply.allowedMentions).toEqual({ parse: [] });
    expect(reply.pings).toEqual({ everyone: false, users: [], roles: [] });
    const [embed] = reply.embeds;
    expect(embed?.url).toBe(`${web.url}/hostile`);
    const texts = embedTexts(embed as APIEmbed).join("\n");
    // The hostile text reached the brief, neutralized.
    expect(texts).toContain("@\u200beveryone");
    expect(texts).toContain("`evil.example/x`");
    expect(texts).not.toMatch(/@(everyone|here)/);
    expect(texts).not.toMatch(/<@&?\d+>/);
    expect(texts).not.toMatch(/https?:\/\//);
    expect(texts).not.toMatch(/(^|[^\\])\[click\]/);
    expect(texts).not.toMatch(/^#{1,3} /m);
    expect(embed?.title).toBe("\\## @\u200beveryone Breaking \\[click\\](`evil.example/x`)");
  });

  it("summarizes the first link of a message from the context menu", async () => {
    const h = emu.dispatchMessageCommand({
      name: "Summarize link",
      targetMessage: { content: `Worth a read: <${web.url}/article>, thoughts?` },
    });
    const ack = await h.waitForAck();
    expect(ack.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const reply = await h.waitForReply(withEmbed, 10_000);
    expect(reply.embeds[0]?.url).toBe(`${web.url}/article`);
    expect(reply.ephemeral).toBe(false);

    const none = emu.dispatchMessageCommand({ name: "Summarize link", targetMessage: { content: "no links here" } });
    const error = await none.waitForReply(withContent);
    expect(error.ephemeral).toBe(true);
    expect(error.content).toContain("no http(s) link");
  });

  it("still delivers when the reply edit is rate limited (429)", async () => {
    const fault = emu.injectFault({ method: "PATCH", path: /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/, fault: "rateLimit", retryAfterSeconds: 0.3 });
    const h = emu.dispatchSlashCommand({ name: "summarize", options: { url: `${web.url}/article` } });
    const reply = await h.waitForReply(withEmbed, 10_000);
    expect(fault.hits).toBe(1);
    expect(reply.embeds[0]?.url).toBe(`${web.url}/article`);
  });

  it.each([{ kind: "close" as const }, { kind: "terminate" as const }, { kind: "invalidate" as const }])(
    "recovers from a dropped gateway connection ($kind) and answers the next interaction",
    async (mode) => {
      const stats = emu.gatewayStats;
      emu.dropConnection(mode);
      const expected = mode.kind === "invalidate" ? { identifies: stats.identifies + 1 } : { resumes: stats.resumes + 1 };
      await emu.waitFor(
        () => {
          const now = emu.gatewayStats;
          return now.connected && ("identifies" in expected ? now.identifies >= expected.identifies : now.resumes >= expected.resumes);
        },
        15_000,
        "gateway reconnect",
      );
      const h = emu.dispatchSlashCommand({ name: "summarize", options: { url: `${web.url}/article` } });
      const reply = await h.waitForReply(withEmbed, 10_000);
      expect(reply.embeds[0]?.url).toBe(`${web.url}/article`);
    },
  );
});

describe("a model that never answers", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack("hang", { LLM_TIMEOUT_MS: "300" });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("is acknowledged in time and the user gets the extractive fallback brief", async () => {
    llm.reset();
    llm.enqueue({ kind: "hang" }, { kind: "hang" }, { kind: "hang" });
    const h = stack.emu.dispatchSlashCommand({ name: "summarize", options: { url: `${web.url}/article` } });
    const ack = await h.waitForAck();
    expect(ack.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const reply = await h.waitForReply(withEmbed, 15_000);
    expect(h.rejectedCallbacks).toEqual([]);
    const [embed] = reply.embeds;
    expect(embed?.url).toBe(`${web.url}/article`);
    expect(embed?.footer?.text).toBe("Extractive summary (no LLM) · Figures checked against the source · Not investment advice");
    expect(embed?.fields?.find((f) => f.name === "Note")?.value).toContain("The model could not produce a brief");
    expect(llm.requests.length).toBeGreaterThanOrEqual(1);
    expect(llm.requests.length).toBeLessThanOrEqual(3);
    llm.reset();
  });
});

describe("limits, deadline and the error boundary", () => {
  let stack: Stack;
  const failing: ChatInputCommand = {
    data: { name: "explode", description: "Fails on purpose (test command)" },
    defer: "public",
    async execute() {
      throw new Error("boom: internal detail that must not reach the user");
    },
  };
  const waitsForever: ChatInputCommand = {
    data: { name: "wait", description: "Never finishes (test command)" },
    defer: "ephemeral",
    async execute(_interaction, ctx) {
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
    },
  };

  beforeAll(async () => {
    stack = await startStack(
      "limits",
      { SUMMARIZE_COOLDOWN_S: "60", GUILD_DAILY_BRIEFS: "2" },
      { extraCommands: [failing, waitsForever], deadlineMs: 800 },
    );
  });
  afterAll(async () => {
    await stack?.close();
  });

  const run = (url: string, user: string) =>
    stack.emu.dispatchSlashCommand({ name: "summarize", options: { url: `${web.url}${url}` }, user: { id: user } });

  it("applies the cooldown and the daily guild budget to new LLM briefs only", async () => {
    const u1 = "300000000000000001";
    const u2 = "300000000000000002";
    const u3 = "300000000000000003";
    const before = llm.requests.length;
    await run("/a", u1).waitForReply(withEmbed, 10_000);

    const cooled = await privateError(stack.emu, run("/b", u1));
    expect(cooled.content).toMatch(/^You can summarize another new article in \d+ s\.$/);
    expect(cooled.embeds).toEqual([]);

    // Cached briefs are free: same user, inside the cooldown.
    const cached = await run("/a", u1).waitForReply(withEmbed, 10_000);
    expect(cached.embeds[0]?.url).toBe(`${web.url}/a`);

    await run("/b", u2).waitForReply(withEmbed, 10_000);
    const overBudget = await privateError(stack.emu, run("/c", u3));
    expect(overBudget.content).toBe(
      "This server has used its 2 new briefs for today; cached briefs still work. The budget resets at 00:00 UTC.",
    );
    expect(llm.requests.length - before).toBe(2);
    expect(await stack.app.store.getCounter(`guild-llm-briefs:${stack.emu.guilds[0]?.id}`, new Date().toISOString().slice(0, 10))).toBe(2);

    const stillCached = await run("/b", u3).waitForReply(withEmbed, 10_000);
    expect(stillCached.embeds[0]?.url).toBe(`${web.url}/b`);
  });

  it("answers an unexpected error generically, quoting the interaction id", async () => {
    const h = stack.emu.dispatchSlashCommand({ name: "explode" });
    const reply = await privateError(stack.emu, h);
    expect(reply.content).toBe(`Something went wrong (ref ${h.id}). Please try again later.`);
    expect(reply.content).not.toContain("boom");
    await stack.emu.waitFor(() => interactionLog(stack, h), 2000, "interaction log line");
    const errorLog = stack.logs.find((l) => l.msg === "interaction failed" && l.interactionId === h.id);
    expect(errorLog).toMatchObject({ level: 50, command: "explode", err: { message: expect.stringContaining("boom") } });
  });

  it("answers before the deadline when work or the page never finishes", async () => {
    const stuck = stack.emu.dispatchSlashCommand({ name: "wait" });
    const hanging = run("/hang", "300000000000000009");
    const [a, b] = await Promise.all([privateError(stack.emu, stuck), privateError(stack.emu, hanging)]);
    expect(a.ephemeral).toBe(true);
    expect(a.content).toBe("That took too long. Please try again in a few minutes.");
    expect(b.content).toBe("That took too long. Please try again in a few minutes.");
    expect(web.hits("/hang")).toBe(1);
  });
});

describe("npm start (src/main.ts)", () => {
  const main = join(PROJECT_ROOT, "src/main.ts");

  function startMain(env: Record<string, string>, cwd: string) {
    const child = spawn(process.execPath, [main], { cwd, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    void exited.then(() => clearTimeout(killer));
    return { child, exited, out: () => ({ stdout, stderr }) };
  }

  it("exits 1 without DISCORD_TOKEN (saying what to set and how to try the CLI) or with bad config (every problem)", async () => {
    const noToken = startMain({}, dir);
    const badConfig = startMain({ DISCORD_TOKEN: "x", LLM_TIMEOUT_MS: "soon", DISCORD_API_URL: "ftp://nope" }, dir);
    expect(await noToken.exited).toBe(1);
    expect(noToken.out().stderr).toContain("DISCORD_TOKEN");
    expect(noToken.out().stderr).toContain("DISCORD_APPLICATION_ID");
    expect(noToken.out().stderr).toContain("npx marketbrief summarize <url>");
    expect(await badConfig.exited).toBe(1);
    expect(badConfig.out().stderr).toContain("LLM_TIMEOUT_MS");
    expect(badConfig.out().stderr).toContain("DISCORD_API_URL");
  });

  it("on SIGTERM answers new interactions with a short notice, finishes the one in flight, then exits 0", async () => {
    const emu = await startDiscordEmulator();
    try {
      await deployCommands(commands, { token: emu.token, apiUrl: emu.apiUrl });
      const run = startMain(
        {
          ...QUIET_LIMITS,
          ...llmEnv(llm),
          DISCORD_TOKEN: emu.token,
          DISCORD_API_URL: emu.apiUrl,
          FETCH_ALLOW_PRIVATE: "127.0.0.1",
          DATABASE_URL: `sqlite:${join(dir, "main-process.db")}`,
          LOG_LEVEL: "info",
        },
        dir,
      );
      await emu.waitFor(() => emu.gatewayStats.identifies > 0 && emu.gatewayStats.connected, 20_000, "bot to connect");
      await emu.waitFor(() => run.out().stderr.includes("connected to Discord"), 10_000, "ready log");
      await emu.waitFor(() => run.out().stdout.includes("Invite marketbrief to a server: "), 10_000, "invite line");
      const invite = /^Invite marketbrief to a server: (\S+)$/m.exec(run.out().stdout)?.[1] ?? "";
      expect(new URL(invite).searchParams.get("scope")?.split(" ").toSorted()).toEqual(["applications.commands", "bot"]);
      llm.enqueue({ kind: "slow", delayMs: 1500 });
      const h = emu.dispatchSlashCommand({ name: "summarize", options: { url: `${web.url}/article` } });
      await h.waitForAck();
      run.child.kill("SIGTERM");
      await emu.waitFor(() => run.out().stderr.includes('"msg":"shutting down"'), 10_000, "shutdown log");
      const late = emu.dispatchSlashCommand({ name: "summarize", options: { url: `${web.url}/article` } });
      const notice = await late.waitForReply(withContent);
      expect(notice.ephemeral).toBe(true);
      expect(notice.content).toBe(RESTARTING_MESSAGE);
      const reply = await h.waitForReply(withEmbed, 15_000);
      expect(reply.embeds[0]?.url).toBe(`${web.url}/article`);
      expect(await run.exited).toBe(0);
      expect(run.out().stderr).toContain('"msg":"stopped"');
    } finally {
      await emu.close();
    }
  });
});
