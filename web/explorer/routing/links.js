// The explorer's addresses (hash routes), built in one place so views and tests agree.

export const Links = {
  home: () => '#/',
  block: (height) => `#/block/${height}`,
  transaction: (txHex) => `#/tx/${txHex}`,
  work: (workHex) => `#/work/${workHex}`,
  content: (sha256Hex) => `#/content/${sha256Hex}`,
  lookup: (hex) => `#/lookup/${hex}`,
  claims: (status) => `#/claims${status ? `/${status}` : ''}`,
  members: (height) => `#/members${height !== undefined ? `/${height}` : ''}`,
  similar: () => '#/similar',
  file: () => '#/file',
};

/** Work id hex (72 digits) of a single registration: its transaction hash || item index 0. */
export function workIdOfRegistration(txHex, itemIndex = 0) {
  return txHex + (itemIndex >>> 0).toString(16).padStart(8, '0');
}
