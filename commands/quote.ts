import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type ChatInputCommandInteraction,
} from "discord.js";
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord-api-types/v10";
import { CHART_RANGES, isChartRange, quoteForUser, type ChartRange } from "../src/core/market.ts";
import { quoteSymbol } from "../src/core/quote-symbol.ts";
import type { ChatInputCommand, CommandContext, CommandServices } from "../src/discord/command.ts";
import { CHART_FILENAME, renderQuoteEmbed } from "../src/discord/render-quote.ts";
import {
  IN_SERVERS,
  privateOption,
  symbolChoices,
  TICKER_OPTION,
} from "./shared.ts";

type QuoteServices = Pick<CommandServices, "symbols" | "market" | "charts">;
type QuoteContext = CommandContext<QuoteServices>;

const data = {
  type: ApplicationCommandType.ChatInput,
  name: "quote",
  description: "A ticker's price, day change and chart",
  ...IN_SERVERS,
  options: [
    TICKER_OPTION,
    {
      type: ApplicationCommandOptionType.String,
      name: "range",
      description: "Chart range (default: 1d, today)",
      choices: CHART_RANGES.map((range) => ({ name: range, value: range })),
    },
    privateOption("Only you see the quote"),
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

function rangeOf(interaction: ChatInputCommandInteraction): ChartRange {
  const range = interaction.options.getString("range") ?? "1d";
  return isChartRange(range) ? range : "1d";
}

async function execute(interaction: ChatInputCommandInteraction, ctx: QuoteContext): Promise<void> {
  const symbol = quoteSymbol(ctx.symbols, interaction.options.getString("ticker", true));
  const range = rangeOf(interaction);
  ctx.addLogFields({ symbol, range });
  const quote = await quoteForUser(ctx.market, symbol, range, ctx.signal);
  let chart: Uint8Array | undefined;
  try {
    chart = await ctx.charts.renderQuote(quote, { locale: interaction.locale });
  } catch (err) {
    // The numbers still answer the question; the chart is left out.
    ctx.log.warn({ err, symbol }, "quote chart could not be drawn");
  }
  const embed = renderQuoteEmbed(quote, { locale: interaction.locale, now: Date.now(), withChart: chart !== undefined });
  await interaction.editReply({
    embeds: [embed],
    files: chart === undefined ? [] : [{ attachment: Buffer.from(chart), name: CHART_FILENAME }],
    allowedMentions: { parse: [] },
  });
}

export const quote: ChatInputCommand<QuoteServices> = {
  data,
  defer: (interaction) => (interaction.options.getBoolean("private") ? "ephemeral" : "public"),
  validate(interaction, ctx) {
    quoteSymbol(ctx.symbols, interaction.options.getString("ticker", true));
  },
  execute,
  async autocomplete(interaction, ctx) {
    await interaction.respond(symbolChoices(ctx.symbols, interaction.options.getFocused()));
  },
};
