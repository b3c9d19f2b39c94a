import { parseArgs } from "node:util";
import type { App } from "../app.ts";
import { loadConfig } from "../config.ts";
import { commands } from "../../commands/index.ts";
import { deployCommands } from "../discord/deploy.ts";
import { inviteUrl } from "../discord/invite.ts";
import { UsageError } from "./usage.ts";

/** `marketbrief deploy-commands [--guild ID]`: needs only the Discord settings, not the store or LLM. */
export async function deployCommand(args: string[], _openApp: () => Promise<App>): Promise<number> {
  const { values } = parseArgs({ args, options: { guild: { type: "string" } } });
  if (values.guild !== undefined && !/^\d{5,25}$/.test(values.guild)) throw new UsageError("--guild must be a numeric guild id.");
  const { discord } = loadConfig();
  if (discord.token === undefined) {
    process.stderr.write("marketbrief: set DISCORD_TOKEN (and optionally DISCORD_APPLICATION_ID) in .env to register commands.\n");
    return 1;
  }
  const guildId = values.guild ?? discord.guildId;
  try {
    const result = await deployCommands(commands, {
      token: discord.token,
      ...(discord.applicationId ? { applicationId: discord.applicationId } : {}),
      ...(guildId ? { guildId } : {}),
      ...(discord.apiUrl ? { apiUrl: discord.apiUrl } : {}),
    });
    const where = result.scope === "guild" ? `guild ${result.guildId}` : "all guilds (global; may take up to an hour to appear)";
    process.stdout.write(`Registered ${result.names.length} command(s) for ${where}: ${result.names.join(", ")}\n`);
    process.stdout.write(`Invite the bot with: ${inviteUrl(result.applicationId)}\n`);
    return 0;
  } catch (err) {
    const status = (err as { status?: number }).status;
    const hint = status === 401 ? " (check DISCORD_TOKEN)" : status === 403 ? " (is the bot in that guild?)" : "";
    process.stderr.write(`marketbrief: could not register commands: ${(err as Error).message}${hint}\n`);
    return 1;
  }
}
