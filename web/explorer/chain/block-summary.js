// A block's header and who attested it, for lists: the certified header when the node has one
// (small: no transactions), else the block itself (not yet certified).
import { getJson } from '#explorer/api/client.js';
import { Routes } from '#explorer/api/routes.js';

/** @returns {Promise<{ height: bigint, header: object, attestations: object[] | null }>} */
export async function blockSummary(height, signal) {
  try {
    const certified = await getJson(Routes.certifiedHeader(height), signal);
    return { height: BigInt(height), header: certified.header ?? {}, attestations: certified.attestations ?? [] };
  } catch (error) {
    if (signal?.aborted || error?.name !== 'ApiError' || error.code === 'UNAVAILABLE' || error.code === 'DEADLINE_EXCEEDED') {
      throw error;
    }
    // Not certified (yet) on this node: the block itself still says what it holds.
    const block = await getJson(Routes.block(height), signal);
    return { height: BigInt(height), header: block.header ?? {}, attestations: null };
  }
}
