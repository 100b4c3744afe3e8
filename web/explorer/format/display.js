// How values read on screen: times, heights, enum names, rights holders, hashes.
import { base64ToHex } from '#explorer/format/bytes.js';
import { h } from '#explorer/dom/element.js';

/** "2026-12-06 20:11:19 UTC" from milliseconds since the epoch (a decimal string or number); '' for 0/absent. */
export function utcTime(unixMs) {
  const ms = Number(unixMs ?? 0);
  if (!Number.isFinite(ms) || ms <= 0) {
    return '';
  }
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** A <time> element for a block or event time; `withZone: false` where a column heading already says UTC. */
export function timeElement(unixMs, { withZone = true } = {}) {
  const text = withZone ? utcTime(unixMs) : utcTime(unixMs).replace(/ UTC$/, '');
  return text ? h('time', { datetime: new Date(Number(unixMs)).toISOString() }, text) : '';
}

/** "REGISTER_WORK" → "register work"; the prefix is the enum's type name (TRANSACTION_TYPE_). */
export function enumWords(value, prefix) {
  if (typeof value !== 'string' || value.length === 0) {
    return 'unspecified';
  }
  const name = value.startsWith(prefix) ? value.slice(prefix.length) : value;
  return name.toLowerCase().replace(/_/g, ' ');
}

/** A RightsHolder as words: a member id, or an outside party's name and identifier. */
export function holderWords(holder) {
  if (!holder) {
    return '';
  }
  if (holder.memberId) {
    return `member ${holder.memberId}`;
  }
  if (holder.external) {
    const { name = '', identifier = '' } = holder.external;
    return `${name || 'outside holder'}${identifier ? ` (${identifier})` : ''}`;
  }
  return '';
}

/** "height 12, position 3" from a ChainPosition. */
export function positionWords(position) {
  if (!position) {
    return '';
  }
  return `block ${position.height ?? '0'}, position ${position.index ?? 0}`;
}

/** A hash shown whole but breakable, monospace, copyable; `href` makes it a link. */
export function hashText(hex, href) {
  if (!hex) {
    return '';
  }
  const code = h('code', { class: 'hash' }, hex);
  return href ? h('a', { href }, code) : code;
}

/** hashText of a base64 JSON field. */
export function hashField(base64, hrefOf) {
  const hex = base64ToHex(base64);
  return hashText(hex, hex && hrefOf ? hrefOf(hex) : undefined);
}

/** Thousands separators for counts ("1,000,000"), from a decimal string or number. */
export function count(value) {
  try {
    return BigInt(value ?? 0).toLocaleString('en-US');
  } catch {
    return String(value);
  }
}
