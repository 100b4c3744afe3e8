// The node's HTTP/JSON routes (gRPC JSON transcoding of ledger.v1.LedgerApi, RegistryQuery and
// EvidenceApi: the google.api.http annotations in Ledger.Core/Protos/ledger/v1/*.proto). The one
// place that knows their paths: every view asks here. Ids and hashes travel as hex (the *_hex
// request fields), 64-bit integers as decimal strings; page tokens go back as the base64 they came in.
import { toHex } from '#explorer/format/bytes.js';

/** Query string of the given pairs, skipping undefined and empty values. */
function query(pairs) {
  const parts = Object.entries(pairs)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

export const Routes = {
  status: () => '/v1/status',
  block: (height) => `/v1/blocks/${BigInt(height)}`,
  certifiedHeader: (height) => `/v1/blocks/${BigInt(height)}/certified-header`,
  transaction: (txHash) => `/v1/transactions/${toHex(txHash)}${query({ include_receipt: 'true' })}`,
  work: (workId) => `/v1/works/${toHex(workId)}`,
  workHistory: (workId, pageToken) => `/v1/works/${toHex(workId)}/history${query({ page_size: 100, page_token: pageToken })}`,
  claimsOfWork: (workId) => `/v1/works/${toHex(workId)}/claims${query({ page_size: 100 })}`,
  workByContentSha256: (sha256) => `/v1/content/sha256/${toHex(sha256)}`,
  claimsByStatus: (status, pageSize, pageToken) => `/v1/claims${query({ status, page_size: pageSize, page_token: pageToken })}`,
  membersAt: (height) => `/v1/members${query({ height: BigInt(height) })}`,
  /** The node set as it stood at the end of block `height` (0 = genesis); without a height every node record, as it stands now. */
  nodes: (height) => `/v1/nodes${query({ height: height === undefined ? undefined : BigInt(height) })}`,
  similarWorks: (perceptualHash, maxDistance, limit) =>
    `/v1/similar-works${query({ perceptual_hash_hex: BigInt.asUintN(64, perceptualHash).toString(16).padStart(16, '0'), max_distance: maxDistance, limit })}`,
  batchOutcome: (txHash) => `/v1/batch-outcomes/${toHex(txHash)}`,
  /**
   * The evidence bundle of a transaction (format=json) or its self-verifying HTML (format=html);
   * item_index names one item of a BatchRegister (evidence_api.proto, ExportEvidence).
   */
  evidence: (txHash, format, itemIndex) => `/v1/evidence/${toHex(txHash)}${query({ format, item_index: itemIndex })}`,
};
