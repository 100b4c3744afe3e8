// The node's HTTP/JSON routes (gRPC JSON transcoding of ledger.v1.LedgerApi and RegistryQuery, see
// the google.api.http annotations in Ledger.Core/Protos/ledger/v1/api.proto and registry_api.proto).
// The one place that knows their paths: every view asks here. Byte fields travel as base64url
// (accepted by the transcoder in paths and query strings), 64-bit integers as decimal strings.
import { toBase64Url, toHex } from '#explorer/format/bytes.js';

const b64 = (bytes) => encodeURIComponent(toBase64Url(bytes));

/** Query string of the given pairs, skipping undefined values. */
function query(pairs) {
  const parts = Object.entries(pairs)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

export const Routes = {
  status: () => '/v1/status',
  block: (height) => `/v1/blocks/${BigInt(height)}`,
  certifiedHeader: (height) => `/v1/certified-headers/${BigInt(height)}`,
  transaction: (txHash) => `/v1/transactions/${b64(txHash)}${query({ include_receipt: 'true' })}`,
  work: (workId) => `/v1/works/${b64(workId)}`,
  workHistory: (workId, pageToken) => `/v1/works/${b64(workId)}/history${query({ page_size: 100, page_token: pageToken })}`,
  claimsOfWork: (workId) => `/v1/works/${b64(workId)}/claims${query({ page_size: 100 })}`,
  workByContentSha256: (sha256) => `/v1/content/sha256/${b64(sha256)}`,
  claimsByStatus: (status, pageSize, pageToken) => `/v1/claims${query({ status, page_size: pageSize, page_token: pageToken })}`,
  membersAt: (height) => `/v1/members${query({ height: BigInt(height) })}`,
  nodes: () => '/v1/nodes',
  similarWorks: (perceptualHash, maxDistance, limit) =>
    `/v1/similar-works${query({ perceptual_hash: BigInt.asUintN(64, perceptualHash), max_distance: maxDistance, limit })}`,
  batchOutcome: (txHash) => `/v1/batch-outcomes/${b64(txHash)}`,
  /**
   * The evidence bundle of a transaction (format=json) or its self-verifying HTML (format=html);
   * item_index names one item of a BatchRegister (evidence_api.proto, ExportEvidence).
   */
  evidence: (txHash, format, itemIndex) => `/v1/evidence/${toHex(txHash)}${query({ format, item_index: itemIndex })}`,
};
