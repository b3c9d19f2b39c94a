/**
 * Secrets never reach a log line (pino with the project's redaction, fed real errors from
 * discord.js and the openai SDK talking to local stand-ins), and local inputs are bounded like
 * fetched pages, gzip included.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { gzipSync } from "node:zlib";
import { DiscordAPIError, REST, Routes } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLlmClient } from "../src/adapters/llm/client.ts";
import { resolveInput } from "../src/cli/inputs.ts";
import { UserFacingError } from "../src/core/errors.ts";
import { createLogger, redactText, secretsOf } from "../src/logger.ts";
import { startDiscordEmulator, type DiscordEmulator } from "./support/discord-emulator/index.ts";
import { startOpenAiServer, type OpenAiServer } from "./support/openai-server.ts";
import { runCli } from "./support/run-cli.ts";

function capture(secrets: string[] = []) {
  let text = "";
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString("utf8");
      done();
    },
  });
  return { logger: createLogger("debug", { secrets, destination }), text: () => text };
}

describe("secrets in logs", () => {
  let emu: DiscordEmulator;
  let llm: OpenAiServer;
  beforeAll(async () => {
    emu = await startDiscordEmulator();
    llm = await startOpenAiServer();
  });
  afterAll(async () => {
    await emu?.close();
    await llm?.close();
  });

  it("a logged discord.js error of a failed interaction call carries no interaction token", async () => {
    const rest = new REST({ api: emu.apiUrl, retries: 0 }).setToken(emu.token);
    // An interaction token as Discord issues them ("interaction:<id>:" base64 plus random bytes).
    const interaction = { token: `aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OjE${randomBytes(60).toString("base64url")}` };
    // A follow-up on an interaction Discord does not know (expired, never acknowledged): 404 Unknown Webhook.
    const error = await rest.post(Routes.webhook(emu.applicationId, interaction.token), { body: { content: "late" } }).then(
      () => undefined,
      (err: unknown) => err,
    );
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).url).toContain(interaction.token);
    const { logger, text } = capture([emu.token]);
    logger.error({ err: error, url: (error as DiscordAPIError).url }, `follow-up failed on ${(error as DiscordAPIError).url}`);
    logger.warn({ request: { headers: { Authorization: `Bot ${emu.token}` } } }, "request");
    logger.flush();
    const out = text();
    expect(out).toContain("Unknown Webhook");
    expect(out).toContain(`/webhooks/${emu.applicationId}/[redacted]`);
    expect(out).not.toContain(interaction.token);
    expect(out).not.toContain(emu.token);
  });

  it("a model server's 401 body echoing the key is logged without the key", async () => {
    const apiKey = "sk-test-4f9c2e71b0d84a6f9e3c";
    llm.enqueue({ kind: "status", status: 401, message: `Incorrect API key provided: ${apiKey}.`, code: "invalid_api_key" });
    const client = createLlmClient({ apiKey, baseURL: llm.url, timeoutMs: 5000 });
    const error = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(String((error as Error).message)).toContain(apiKey);
    // Without knowing the key (the pattern) and knowing it (the configured secret), both redact it.
    for (const secrets of [[], [apiKey]]) {
      const { logger, text } = capture(secrets);
      logger.error({ err: error }, "model request failed");
      logger.flush();
      expect(text()).toContain("Incorrect API key provided");
      expect(text()).not.toContain(apiKey);
    }
  });

  it("redacts passwords in connection strings, credential fields and the configured secrets, in any text", () => {
    const secrets = secretsOf({ discord: { token: "a-token-value-123" }, llm: { apiKey: "local-key-987" }, database: { kind: "postgres", url: "postgres://bot:p%40ss-w0rd@db:5432/mb" } });
    expect(secrets).toEqual(["a-token-value-123", "local-key-987", "p@ss-w0rd"]);
    const { logger, text } = capture(secrets);
    logger.info({ password: "hunter22", apiKey: "whatever", nested: { deep: ["uses local-key-987 and a-token-value-123"] } }, "connecting to postgres://bot:p@ss-w0rd@db:5432/mb");
    logger.flush();
    for (const leaked of ["hunter22", "whatever", "local-key-987", "a-token-value-123", "p@ss-w0rd"]) expect(text()).not.toContain(leaked);
    expect(text()).toContain("postgres://bot:[redacted]@db:5432/mb");
    expect(redactText("GET /interactions/123/aW50ZXJhY3Rpb246MTIz/callback")).toBe("GET /interactions/123/[redacted]/callback");
    expect(redactText("Authorization: Bearer abcdefgh12345678")).toBe("Authorization: Bearer [redacted]");
  });
});

describe("local inputs are bounded like fetched pages", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "mb-inputs-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const page = (body: string) => `<!doctype html><html lang="en"><head><title>T</title></head><body><article><p>${body}</p></article></body></html>`;

  it("stops reading a .html.gz once it expands past the cap, with a clear error", async () => {
    const bomb = join(dir, "bomb.html.gz");
    // 40 MB of the same bytes compress to ~40 KB.
    writeFileSync(bomb, gzipSync(Buffer.alloc(40_000_000, "a")));
    const error = await resolveInput(bomb, undefined, 1_000_000).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UserFacingError);
    expect(error).toMatchObject({ code: "too_large" });
    expect((error as Error).message).toContain("larger than 1 MB once decompressed");
    const ok = join(dir, "small.html.gz");
    writeFileSync(ok, gzipSync(page("Small enough.")));
    expect(await resolveInput(ok, undefined, 1_000_000)).toMatchObject({ kind: "html" });
    const broken = join(dir, "broken.html.gz");
    writeFileSync(broken, "not gzip at all");
    await expect(resolveInput(broken)).rejects.toThrow("is not a valid gzip file");
  });

  it("refuses a plain file over the cap and reads one under it", async () => {
    const big = join(dir, "big.html");
    writeFileSync(big, page("x".repeat(2_000_000)));
    await expect(resolveInput(big, undefined, 1_000_000)).rejects.toMatchObject({ code: "too_large" });
    expect(await resolveInput(big, undefined, 3_000_000)).toMatchObject({ kind: "html" });
  });

  it("the CLI applies FETCH_MAX_BYTES to a local .gz: one line, exit 1", async () => {
    const bomb = join(dir, "cli-bomb.html.gz");
    writeFileSync(bomb, gzipSync(Buffer.alloc(20_000_000, "<p>")));
    const run = await runCli(["summarize", bomb, "--json"], { env: { FETCH_MAX_BYTES: "2000000", DATABASE_URL: `sqlite:${join(dir, "cli.db")}` } });
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split("\n")).toEqual([`marketbrief: ${bomb} is larger than 2 MB once decompressed, the most marketbrief reads (FETCH_MAX_BYTES).`]);
    expect(run.stdout).toBe("");
  }, 60_000);
});
