import { REST, Routes } from "discord.js";
import type { APIApplication } from "discord-api-types/v10";
import type { Command } from "./command.ts";

export interface DeployOptions {
  token: string;
  applicationId?: string;
  /** Registers in one guild (instant, for development) instead of globally. */
  guildId?: string;
  /** REST base, e.g. a local Discord-compatible server; discord.js appends /v10. */
  apiUrl?: string;
}

export interface DeployResult {
  applicationId: string;
  scope: "global" | "guild";
  guildId?: string;
  names: string[];
}

/** Bulk-overwrites the application's commands with the registry, so removed commands disappear too. */
export async function deployCommands(commands: readonly Command[], options: DeployOptions): Promise<DeployResult> {
  const rest = new REST({ version: "10", ...(options.apiUrl ? { api: options.apiUrl } : {}) }).setToken(options.token);
  try {
    const applicationId =
      options.applicationId ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
    const route = options.guildId
      ? Routes.applicationGuildCommands(applicationId, options.guildId)
      : Routes.applicationCommands(applicationId);
    const registered = (await rest.put(route, { body: commands.map((c) => c.data) })) as { name: string }[];
    return {
      applicationId,
      scope: options.guildId ? "guild" : "global",
      ...(options.guildId ? { guildId: options.guildId } : {}),
      names: registered.map((c) => c.name),
    };
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}
