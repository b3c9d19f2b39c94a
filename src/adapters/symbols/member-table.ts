/** Member lists as offset tables: every owner's members in one shared Int32Array. */

/** Members of each root (a listing index), in listing order: members(root) = items[start[root] .. start[root + 1]). */
export interface MemberTable {
  start: Int32Array;
  items: Int32Array;
}

export function membersOf(table: MemberTable, root: number): Int32Array {
  return table.items.subarray(table.start[root] ?? 0, table.start[root + 1] ?? 0);
}

/** Groups indices by owner: owners[i] is the owner (below ownerCount) of index i. */
export function memberTable(owners: Int32Array, ownerCount: number = owners.length): MemberTable {
  const start = new Int32Array(ownerCount + 1);
  for (const o of owners) start[o + 1] = (start[o + 1] ?? 0) + 1;
  for (let o = 0; o < ownerCount; o += 1) start[o + 1] = (start[o + 1] ?? 0) + (start[o] ?? 0);
  const fill = start.slice(0, ownerCount);
  const items = new Int32Array(owners.length);
  owners.forEach((o, i) => {
    const at = fill[o] ?? 0;
    items[at] = i;
    fill[o] = at + 1;
  });
  return { start, items };
}
