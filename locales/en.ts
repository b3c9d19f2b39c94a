/**
 * The English message catalog: every word the bot says, by key. `{name}` is filled in.
 * Other catalogs give the same keys (a missing key falls back to English). Command texts are
 * keyed by the command's path: "cmd.digest.schedule.time" is the `time` option of
 * `/digest schedule`; `.name` keys are optional name localizations.
 */
export const en = {
  // digest rendering
  "digest.heading.daily": "Daily digest",
  "digest.heading.now": "Digest",
  "digest.heading.default": "Market digest",
  "digest.tickers": "{count, plural, one {# ticker} other {# tickers}}",
  "digest.newsSince": "news since {since}",
  "digest.headlinesOnly": "Headlines only: no model was available",
  "digest.notAdvice": "Not investment advice",
  "digest.tone": "Tone",
  "digest.tone.bullish": "Bullish",
  "digest.tone.bearish": "Bearish",
  "digest.tone.neutral": "Neutral",
  "digest.topStories": "Top stories",
  "digest.headlines": "Headlines",
  "digest.moreStories": "…and {count, plural, one {# more story} other {# more stories}}",
  "digest.moreNotes": "…and {count, plural, one {# more note} other {# more notes}}",
  "digest.noStoriesSince": "No new stories since {since}.",
  "digest.noStories": "No new stories.",
  "digest.untitled": "Untitled story",
  "digest.source": "Source",
  "digest.moves": "Moves",
  // replies
  "reply.digestPosted": "Digest posted ({tickers}).",
  "reply.digestPrivate": "Only members with Manage Channels can post the digest in the channel, so here it is just for you.",
  "reply.digestCooldown": "A digest was posted in this channel {when}; here it is just for you.",
  "reply.noWatches": "This channel follows no tickers yet: use /watch add.",
  "reply.scheduleSet": "Daily digest for this channel: {schedule}, in {language}.",
  "reply.next": "Next: {when}.",
  "reply.scheduleOffNone": "This channel has no scheduled digest. /digest now still posts one on request.",
  "reply.scheduleOff": "Scheduled digests are off for this channel (it was {schedule}). Its watchlist is kept; /digest now still posts one on request.",
  "reply.cannotPostHere": "Note: I can't post in this channel yet (missing {permissions}), so its digests would not arrive. Give me these permissions here.",
  // errors (UserFacingError keys)
  "error.manageChannels": "You need the Manage Channels permission to change this channel's watchlist.",
  "error.timeout": "That took too long. Please try again in a few minutes.",
  "error.notFound": "This command is no longer available.",
  "error.generic": "Something went wrong (ref {ref}). Please try again later.",
  "error.restarting": "The bot is restarting; please try again in a minute.",
  "error.badTime": "\"{input}\" is not a time of day: use 24-hour HH:MM or H:MM, e.g. 07:30 or 7:30.",
  "error.badZone": "\"{input}\" is not a time zone I know: pick one from the list, e.g. Europe/Berlin.",
  "error.cannotPost": "I can't post the digest in this channel: I'm missing {permissions} here.",
  // command descriptions (English is the command data itself; listed for other catalogs)
} as const;

export type MessageKey = keyof typeof en;
export type Catalog = Partial<Record<MessageKey | `cmd.${string}`, string>>;
