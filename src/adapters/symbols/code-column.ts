/** Interns a small set of strings as byte codes. */
export class CodeColumn {
  readonly values: string[] = [];
  readonly #ids = new Map<string, number>();
  codes: Uint8Array | Uint16Array;
  constructor(capacity: number) {
    this.codes = new Uint16Array(capacity);
  }
  set(i: number, value: string): void {
    let id = this.#ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.#ids.set(value, id);
    }
    if (i >= this.codes.length) {
      const grown = new Uint16Array(Math.max(64, this.codes.length * 2));
      grown.set(this.codes);
      this.codes = grown;
    }
    this.codes[i] = id;
  }
  get(i: number): string {
    return this.values[this.codes[i] ?? 0] ?? "";
  }
  /** Drops the intern map and spare capacity once every slot is set. */
  seal(count: number): void {
    this.#ids.clear();
    const used = this.codes.subarray(0, count);
    this.codes = this.values.length <= 256 ? Uint8Array.from(used) : used.slice();
  }
}
