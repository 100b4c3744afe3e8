// Schemas of the Ledger.Core/Protos/ledger/v1/registry.proto messages the evidence verifier reads:
// transaction bodies (RegisterWork, BatchRegister, BatchItems, ProposeChange, Vote) and what they hold.
import { messageSchema } from '#ledger/protobuf/message-codec.js';

export const MediaType = Object.freeze({ Unspecified: 0, Image: 1, Video: 2, Audio: 3, Text: 4, ProductListing: 5, Other: 6 });

export const MemberRole = Object.freeze({ Unspecified: 0, Admin: 1, Platform: 2, Court: 3, RightsHolder: 4, Auditor: 5, Witness: 6 });

export const ContentHash = messageSchema('ledger.v1.ContentHash', [
  { number: 1, name: 'sha256', type: 'bytes' },
  { number: 2, name: 'sm3', type: 'bytes' },
]);

export const MetadataEntry = messageSchema('ledger.v1.MetadataEntry', [
  { number: 1, name: 'key', type: 'string' },
  { number: 2, name: 'value', type: 'string' },
]);

export const ExternalHolder = messageSchema('ledger.v1.ExternalHolder', [
  { number: 1, name: 'name', type: 'string' },
  { number: 2, name: 'identifier', type: 'string' },
]);

export const RightsHolder = messageSchema('ledger.v1.RightsHolder', [
  { number: 1, name: 'memberId', type: 'string', oneof: 'holder' },
  { number: 2, name: 'external', type: 'message', oneof: 'holder', message: () => ExternalHolder },
]);

export const MemberPublicKey = messageSchema('ledger.v1.MemberPublicKey', [
  { number: 1, name: 'suite', type: 'string' },
  { number: 2, name: 'publicKey', type: 'bytes' },
]);

export const RegisterWork = messageSchema('ledger.v1.RegisterWork', [
  { number: 1, name: 'contentHash', type: 'message', message: () => ContentHash },
  { number: 2, name: 'mediaType', type: 'enum' },
  { number: 3, name: 'title', type: 'string' },
  { number: 4, name: 'perceptualHash', type: 'fixed64', optional: true },
  { number: 5, name: 'metadata', type: 'message', repeated: true, message: () => MetadataEntry },
  { number: 6, name: 'rightsHolder', type: 'message', message: () => RightsHolder },
  { number: 7, name: 'claimedCreationUnixMs', type: 'int64' },
]);

export const BatchItem = messageSchema('ledger.v1.BatchItem', [
  { number: 1, name: 'contentSha256', type: 'bytes' },
  { number: 2, name: 'itemId', type: 'string' },
  { number: 3, name: 'perceptualHash', type: 'fixed64', optional: true },
]);

export const BatchItems = messageSchema('ledger.v1.BatchItems', [
  { number: 1, name: 'items', type: 'message', repeated: true, message: () => BatchItem },
]);

export const BatchRegister = messageSchema('ledger.v1.BatchRegister', [
  { number: 1, name: 'items', type: 'message', repeated: true, message: () => BatchItem },
  { number: 2, name: 'merkleRoot', type: 'bytes' },
  { number: 3, name: 'mediaType', type: 'enum' },
  { number: 4, name: 'rightsHolder', type: 'message', message: () => RightsHolder },
  { number: 5, name: 'itemCount', type: 'uint32' },
]);

export const AddMember = messageSchema('ledger.v1.AddMember', [
  { number: 1, name: 'memberId', type: 'string' },
  { number: 2, name: 'displayName', type: 'string' },
  { number: 3, name: 'role', type: 'enum' },
  { number: 4, name: 'keys', type: 'message', repeated: true, message: () => MemberPublicKey },
]);

export const RemoveMember = messageSchema('ledger.v1.RemoveMember', [{ number: 1, name: 'memberId', type: 'string' }]);

export const ChangeMemberRole = messageSchema('ledger.v1.ChangeMemberRole', [
  { number: 1, name: 'memberId', type: 'string' },
  { number: 2, name: 'role', type: 'enum' },
]);

export const RotateMemberKey = messageSchema('ledger.v1.RotateMemberKey', [
  { number: 1, name: 'memberId', type: 'string' },
  { number: 2, name: 'oldKeyId', type: 'bytes' },
  { number: 3, name: 'newKey', type: 'message', message: () => MemberPublicKey },
]);

export const AddNode = messageSchema('ledger.v1.AddNode', [
  { number: 1, name: 'nodeId', type: 'string' },
  { number: 2, name: 'address', type: 'string' },
  { number: 3, name: 'key', type: 'message', message: () => MemberPublicKey },
]);

export const RemoveNode = messageSchema('ledger.v1.RemoveNode', [{ number: 1, name: 'nodeId', type: 'string' }]);

export const ChangeApprovalThreshold = messageSchema('ledger.v1.ChangeApprovalThreshold', [{ number: 1, name: 'threshold', type: 'uint32' }]);

/** changeCase is null or the name of the set member ('addMember', 'removeMember', ...). */
export const ProposeChange = messageSchema('ledger.v1.ProposeChange', [
  { number: 1, name: 'addMember', type: 'message', oneof: 'change', message: () => AddMember },
  { number: 2, name: 'removeMember', type: 'message', oneof: 'change', message: () => RemoveMember },
  { number: 3, name: 'changeRole', type: 'message', oneof: 'change', message: () => ChangeMemberRole },
  { number: 4, name: 'rotateKey', type: 'message', oneof: 'change', message: () => RotateMemberKey },
  { number: 5, name: 'addNode', type: 'message', oneof: 'change', message: () => AddNode },
  { number: 6, name: 'removeNode', type: 'message', oneof: 'change', message: () => RemoveNode },
  { number: 7, name: 'changeThreshold', type: 'message', oneof: 'change', message: () => ChangeApprovalThreshold },
  { number: 8, name: 'rationale', type: 'string' },
]);

export const Vote = messageSchema('ledger.v1.Vote', [
  { number: 1, name: 'proposalId', type: 'bytes' },
  { number: 2, name: 'approve', type: 'bool' },
]);
