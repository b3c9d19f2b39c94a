import { translatedLanguages, translator } from "./i18n.ts";

/**
 * Commands' name and description localizations from the catalogs: the key of a command, a
 * subcommand or an option is its path ("cmd.digest.schedule.time"); "<path>.name" localizes
 * the name. The English command data stays the source of the defaults.
 */
const DISCORD_LOCALE: Readonly<Record<string, string>> = {
  es: "es-ES",
  pt: "pt-BR",
  sv: "sv-SE",
  zh: "zh-CN",
};

interface LocalizableNode {
  name: string;
  description?: string;
  options?: readonly unknown[];
  name_localizations?: Record<string, string> | null;
  description_localizations?: Record<string, string> | null;
}

function localizeNode<T extends LocalizableNode>(node: T, path: string): T {
  const names: Record<string, string> = { ...node.name_localizations };
  const descriptions: Record<string, string> = { ...node.description_localizations };
  for (const language of translatedLanguages()) {
    const tr = translator(language);
    const locale = DISCORD_LOCALE[language] ?? language;
    const name = tr.lookup(`${path}.name`);
    if (name !== undefined) names[locale] = name;
    const description = tr.lookup(path);
    if (description !== undefined && node.description !== undefined) descriptions[locale] = description.slice(0, 100);
  }
  const out: T = { ...node };
  if (Object.keys(names).length > 0) out.name_localizations = names;
  if (Object.keys(descriptions).length > 0) out.description_localizations = descriptions;
  if (node.options !== undefined) {
    out.options = node.options.map((option) => localizeNode(option as LocalizableNode, `${path}.${(option as LocalizableNode).name}`));
  }
  return out;
}

/** A command's data with the localizations of every catalog. */
export function localizeCommandData<D extends { name: string }>(data: D): D {
  return localizeNode(data as unknown as LocalizableNode, `cmd.${data.name}`) as unknown as D;
}
