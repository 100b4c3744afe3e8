// A map that enumerates like .NET's Dictionary<TKey, TValue>: in slot order, where a removed
// entry's slot is reused by the next addition (last freed, first reused). The node set's order
// reaches the checkpoint trust (and so which node is listed first), so it must match C#'s.
export class DotNetDictionary {
  constructor() {
    this.slots = [];
    this.index = new Map();
    this.free = [];
  }

  get size() {
    return this.index.size;
  }

  has(key) {
    return this.index.has(key);
  }

  get(key) {
    const slot = this.index.get(key);
    return slot === undefined ? undefined : this.slots[slot].value;
  }

  set(key, value) {
    const existing = this.index.get(key);
    if (existing !== undefined) {
      this.slots[existing].value = value;
      return;
    }
    const slot = this.free.length > 0 ? this.free.pop() : this.slots.length;
    this.slots[slot] = { key, value };
    this.index.set(key, slot);
  }

  delete(key) {
    const slot = this.index.get(key);
    if (slot === undefined) {
      return false;
    }
    this.index.delete(key);
    this.slots[slot] = null;
    this.free.push(slot);
    return true;
  }

  *entries() {
    for (const entry of this.slots) {
      if (entry !== null && entry !== undefined) {
        yield [entry.key, entry.value];
      }
    }
  }

  *keys() {
    for (const [key] of this.entries()) {
      yield key;
    }
  }

  *values() {
    for (const [, value] of this.entries()) {
      yield value;
    }
  }
}
