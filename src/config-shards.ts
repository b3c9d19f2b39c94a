/** Which gateway shards this process runs: `ids` of `count` (SHARD_COUNT, SHARD_IDS). */
export interface ShardPlan {
  count: number;
  ids: number[];
}

function idsOf(raw: string): number[] {
  return raw.split(",").map((s) => Number(s.trim()));
}

/** What is wrong with SHARD_COUNT / SHARD_IDS together (each is already well-formed on its own). */
export function shardProblems(count: string | undefined, ids: string | undefined): string[] {
  if (ids === undefined) return [];
  if (count === undefined) return ["SHARD_IDS needs SHARD_COUNT (the total number of shards across all processes)"];
  const total = Number(count);
  const outside = idsOf(ids).filter((id) => id >= total);
  return outside.length > 0 ? [`shard ${outside.join(", ")} is outside 0..${total - 1} (SHARD_COUNT=${total})`] : [];
}

/** SHARD_COUNT alone runs every shard here; with SHARD_IDS, only those. Unset: undefined (Discord's recommendation). */
export function parseShardPlan(count: string | undefined, ids: string | undefined): ShardPlan | undefined {
  if (count === undefined) return undefined;
  const total = Number(count);
  const chosen = ids === undefined ? Array.from({ length: total }, (_, i) => i) : [...new Set(idsOf(ids))].toSorted((a, b) => a - b);
  return { count: total, ids: chosen };
}
