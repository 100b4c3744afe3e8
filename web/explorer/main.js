// The explorer's entry point: the view table, the search box, file drop anywhere, and the router.
import { startRouter } from '#explorer/routing/router.js';
import { enableFileDrop } from '#explorer/files/file-drop.js';
import { enableSearch } from '#explorer/search/search-form.js';
import { latestBlocksView } from '#explorer/views/latest-blocks.js';
import { blockView } from '#explorer/views/block.js';
import { transactionView } from '#explorer/views/transaction.js';
import { workView } from '#explorer/views/work.js';
import { contentView } from '#explorer/views/content.js';
import { lookupView } from '#explorer/views/lookup.js';
import { claimsView } from '#explorer/views/claims.js';
import { membersView } from '#explorer/views/members.js';
import { similarView } from '#explorer/views/similar.js';
import { findFileView } from '#explorer/views/find-file.js';
import { notFoundView } from '#explorer/views/not-found.js';

const Hex = '([0-9a-fA-F]+)';

const routes = [
  { pattern: /^\/?$/, view: latestBlocksView },
  { pattern: /^\/block\/([^/]+)$/, view: blockView, names: ['height'] },
  { pattern: new RegExp(`^/tx/${Hex}$`), view: transactionView, names: ['txHex'] },
  { pattern: new RegExp(`^/work/${Hex}$`), view: workView, names: ['workHex'] },
  { pattern: new RegExp(`^/content/${Hex}$`), view: contentView, names: ['sha256Hex'] },
  { pattern: new RegExp(`^/lookup/${Hex}$`), view: lookupView, names: ['hex'] },
  { pattern: /^\/claims(?:\/([A-Z_]+))?$/, view: claimsView, names: ['status'] },
  { pattern: /^\/members(?:\/([^/]+))?$/, view: membersView, names: ['height'] },
  { pattern: /^\/similar$/, view: similarView },
  { pattern: /^\/file$/, view: findFileView },
];

enableSearch(document.getElementById('search-form'));
enableFileDrop();
startRouter(document.getElementById('view'), routes, notFoundView);
