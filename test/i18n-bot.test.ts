/**
 * A reader whose Discord locale is German, end to end with the real bot against the Discord
 * emulator: German /watch and /summarize replies and errors, German command names and
 * descriptions as registered, and /watch add warning at once where the bot cannot post.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PermissionFlagsBits } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBotStack } from "./support/bot-stack.ts";
import type { DiscordEmulator, RecordedMessage, SlashCommandSpec } from "./support/discord-emulator/index.ts";
import { startTestServer, type TestServer } from "./support/http-server.ts";

const GUILD = "800000000000000201";
const OPEN = "810000000000000201";
const READ_ONLY = "810000000000000202";
const MANAGER = PermissionFlagsBits.ManageChannels | PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.UseApplicationCommands;
const MEMBER = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.UseApplicationCommands;
const ARTICLE = readFileSync(new URL("./fixtures/cli/article-de.html", import.meta.url), "utf8");

let dir: string;
let web: TestServer;
let emu: DiscordEmulator;
let closeStack: (() => Promise<void>) | undefined;

function run(spec: SlashCommandSpec) {
  return emu.dispatchSlashCommand({ channelId: OPEN, memberPermissions: MANAGER, locale: "de", ...spec });
}

async function reply(h: ReturnType<typeof run>): Promise<RecordedMessage> {
  return h.waitForReply((m) => m.content.length > 0 || m.embeds.length > 0, 30_000);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "marketbrief-i18n-bot-"));
  web = await startTestServer({ "/artikel": { headers: { "content-type": "text/html; charset=utf-8" }, body: ARTICLE } });
  ({ emu, close: closeStack } = await startBotStack({
    emulator: {
      guilds: [
        {
          id: GUILD,
          name: "Börse",
          locale: "de",
          channels: [
            { id: OPEN, name: "boerse" },
            { id: READ_ONLY, name: "nur-lesen", permissionOverwrites: [{ id: GUILD, type: 0, deny: PermissionFlagsBits.SendMessages }] },
          ],
        },
      ],
    },
    env: { FETCH_ALLOW_PRIVATE: "127.0.0.1", DATABASE_URL: `sqlite:${join(dir, "bot.db")}` },
  }));
}, 60_000);

afterAll(async () => {
  await closeStack?.();
  await web?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a German reader", () => {
  it("sees the registered commands with German names and descriptions", () => {
    const watch = emu.commands.find((c) => c.name === "watch");
    expect(watch?.name_localizations?.de).toBe("beobachten");
    const add = watch?.options?.find((o) => o.name === "add");
    expect(add?.name_localizations?.de).toBe("hinzufügen");
    expect(add?.description_localizations?.de).toMatch(/Einem Ticker in diesem Kanal folgen/);
    expect(emu.commands.find((c) => c.name === "summarize")?.name_localizations?.de).toBe("zusammenfassen");
    expect(emu.commands.find((c) => c.name === "Summarize link")?.name_localizations?.de).toBe("Link zusammenfassen");
    expect(emu.commands.find((c) => c.name === "quote")?.description_localizations?.de).toMatch(/Kurs/);
  });

  it("gets German /watch replies, a company name accepted with its other listings", async () => {
    const added = await reply(run({ name: "watch", subcommand: "add", options: { ticker: "alibaba" } }));
    expect(added.ephemeral).toBe(true);
    expect(added.content).toContain("Dieser Kanal folgt jetzt BABA");
    expect(added.content).toContain("9988.HK");
    expect(added.content).toContain("/digest schedule");
    expect(added.content).not.toContain("This channel");
    const list = await reply(run({ name: "watch", subcommand: "list" }));
    expect(list.content).toContain("**Dieser Kanal folgt 1 Ticker:**");
    expect(list.content).toContain("Tages-Digest: nicht geplant");
    const removed = await reply(run({ name: "watch", subcommand: "remove", options: { ticker: "NVDA" } }));
    expect(removed.content).toBe("Dieser Kanal folgt NVDA nicht; er folgt BABA.");
  });

  it("gets German errors", async () => {
    const unknown = await reply(run({ name: "watch", subcommand: "add", options: { ticker: "QQQQZZ" } }));
    expect(unknown.ephemeral).toBe(true);
    expect(unknown.content).toMatch(/^Unbekanntes Symbol QQQQZZ/);
    const badLink = await reply(run({ name: "summarize", options: { url: "ftp://example.com/x" } }));
    expect(badLink.ephemeral).toBe(true);
    expect(badLink.content).toContain("abrufen kann ich nur http- und https-Links");
    const blocked = await reply(run({ name: "summarize", options: { url: "http://10.1.2.3/artikel" } }));
    expect(blocked.content).toContain("marketbrief ruft nur öffentliche Webadressen ab");
    const noLink = emu.dispatchMessageCommand({ name: "Summarize link", channelId: OPEN, locale: "de", targetMessage: { content: "kein Link hier" } });
    expect((await noLink.waitForReply((m) => m.content.length > 0)).content).toContain("keinen http(s)-Link");
  });

  it("gets a /summarize brief with German labels", async () => {
    const message = await reply(run({ name: "summarize", options: { url: `${web.url}/artikel` } }));
    const [embed] = message.embeds;
    const names = embed?.fields?.map((f) => f.name) ?? [];
    expect(names).toContain("Quelle");
    expect(names).not.toContain("Source");
    expect(embed?.footer?.text).toBe("Auszug aus dem Artikel (ohne KI-Modell) · Zahlen mit der Quelle abgeglichen · Keine Anlageberatung");
  }, 30_000);

  it("is told at once by /watch add when the bot cannot post in the channel", async () => {
    const german = await reply(run({ name: "watch", subcommand: "add", options: { ticker: "SAP.DE" }, channelId: READ_ONLY }));
    expect(german.content).toContain("Dieser Kanal folgt jetzt SAP.DE");
    expect(german.content).toContain("Ich kann in diesem Kanal noch nicht posten (es fehlt Nachrichten senden)");
    const english = await reply(run({ name: "watch", subcommand: "add", options: { ticker: "SAP.DE" }, channelId: READ_ONLY, locale: "en-US" }));
    expect(english.content).toContain("I can't post in this channel yet (missing Send Messages)");
    const fine = await reply(run({ name: "watch", subcommand: "add", options: { ticker: "SAP.DE" } }));
    expect(fine.content).not.toContain("posten");
  });

  it("keeps English for an English reader and refuses a member without Manage Channels in German", async () => {
    const denied = await reply(run({ name: "watch", subcommand: "add", options: { ticker: "BABA" }, memberPermissions: MEMBER }));
    expect(denied.content).toContain("Kanäle verwalten");
    const english = await reply(run({ name: "watch", subcommand: "list", locale: "en-US" }));
    expect(english.content).toContain("This channel follows 2 tickers");
  });
});
