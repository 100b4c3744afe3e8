// Port of Ledger.Core/Consortium/ConsortiumGenesis.cs (parsing and validation): the consortium
// genesis document. C# deserializes it with System.Text.Json (camelCase names, unmapped members
// refused, required members, nullable annotations respected, no comments or trailing commas, depth
// 8, duplicate members: the last wins) and then validates it; this accepts and refuses the same
// documents, with the same validation messages (JSON syntax messages differ).
import * as CryptoSuites from '#ledger/crypto/crypto-suites.js';
import { JsonSyntaxError, Kind, parseJson, utf8ByteCount } from '#ledger/evidence/strict-json.js';
import { fromBase64Json, toBase64 } from '#ledger/evidence/text-encoding.js';
import { WitnessRole } from '#ledger/consortium/witness-role.js';

export const CurrentFormatVersion = 1;
export const IdentifierBytesMax = 64;
export const NameBytesMax = 256;
export const AddressBytesMax = 256;
export const PublicKeyBytesMax = 512;
export const MembersMax = 1024;
export const NodesMax = 64;
export const KeysPerMemberMax = 16;
export const ProposalExpiryBlocksMax = 100_000_000n;
export const DocumentBytesMax = 4 * 1024 * 1024;
export const BlockTimeSkewMillisecondsDefault = 2000;
export const BlockTimeSkewMillisecondsMin = 100;
export const BlockTimeSkewMillisecondsMax = 600_000;
export const KnownRoles = Object.freeze(['admin', 'platform', 'court', 'rights_holder', 'auditor', 'witness']);
export const KnownSuites = CryptoSuites.names;

export class GenesisFormatException extends Error {
  constructor(message) {
    super(message);
    this.name = 'GenesisFormatException';
  }
}

/** A System.Text.Json serializer error: `path` is where it happened ("$.members[0].id"). */
class JsonException extends Error {
  constructor(message, path, element = null) {
    // Errors about a value read end with its position, as the serializer words them.
    const at = element?.position;
    super(at === undefined ? message : `${message} Path: ${path} | LineNumber: ${at.line} | BytePositionInLine: ${at.byte}.`);
    this.name = 'JsonException';
    this.path = path;
  }
}

// --- the typed shapes System.Text.Json binds (property: [type, required, nullable]) ---

const KeyShape = { suite: ['string', true], publicKey: ['bytes', true] };
const MemberShape = { id: ['string', true], name: ['string', false], role: ['string', true], keys: [['list', KeyShape], true] };
const NodeShape = { id: ['string', true], address: ['string', true], key: [KeyShape, true], tlsCertificatePem: ['string', false, true] };
const GenesisShape = {
  formatVersion: ['int32', true],
  chainId: ['string', true],
  suite: ['string', true],
  approvalThreshold: ['uint32', false, true],
  proposalExpiryBlocks: ['uint64', true],
  blockTimeSkewMilliseconds: ['uint32', false, true],
  members: [['list', MemberShape], true],
  nodes: [['list', NodeShape], true],
};

/** The .NET type names the serializer's messages quote. */
const TYPE_NAMES = new Map([
  [GenesisShape, 'Ledger.Core.Consortium.ConsortiumGenesis'],
  [MemberShape, 'Ledger.Core.Consortium.GenesisMember'],
  [NodeShape, 'Ledger.Core.Consortium.GenesisNode'],
  [KeyShape, 'Ledger.Core.Consortium.GenesisKey'],
]);

function dotnetTypeName([type, , nullable]) {
  if (Array.isArray(type)) {
    return `System.Collections.Generic.IReadOnlyList\`1[${TYPE_NAMES.get(type[1])}]`;
  }
  if (typeof type === 'object') {
    return TYPE_NAMES.get(type);
  }
  const name = { string: 'System.String', bytes: 'System.Byte[]', int32: 'System.Int32', uint32: 'System.UInt32', uint64: 'System.UInt64' }[type];
  return nullable && type !== 'string' ? `System.Nullable\`1[${name}]` : name;
}

const INTEGER_RANGES = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

function bindObject(element, shape, path) {
  const typeName = TYPE_NAMES.get(shape);
  if (element.kind !== Kind.Object) {
    throw new JsonException(`The JSON value could not be converted to ${typeName}.`, path, element);
  }
  const result = { name: '' };
  const seen = new Set();
  for (const [name, value] of element.members) {
    const property = shape[name];
    if (shape === GenesisShape && name === 'effectiveBlockTimeSkewMilliseconds') {
      // A [JsonIgnore] property of the C# class: its member is skipped, whatever its value, not refused.
      continue;
    }
    if (property === undefined) {
      throw new JsonException(`The JSON property '${name}' could not be mapped to any .NET member contained in type '${typeName}'.`, `${path}.${name}`);
    }
    // Duplicate members: the last one wins, as System.Text.Json binds them.
    result[name] = bindValue(value, property, `${path}.${name}`, name, typeName);
    seen.add(name);
  }
  const missing = Object.entries(shape).filter(([name, [, required]]) => required && !seen.has(name)).map(([name]) => `'${name}'`);
  if (missing.length > 0) {
    throw new JsonException(`JSON deserialization for type '${typeName}' was missing required properties including: ${missing.join(', ')}.`, path);
  }
  if (shape === NodeShape && !seen.has('tlsCertificatePem')) {
    result.tlsCertificatePem = null;
  }
  if (shape === GenesisShape) {
    for (const name of ['approvalThreshold', 'blockTimeSkewMilliseconds']) {
      if (!seen.has(name)) {
        result[name] = null;
      }
    }
  }
  if (shape !== MemberShape) {
    delete result.name;
  }
  return result;
}

function bindValue(value, property, path, name, ownerTypeName) {
  const [type, , nullable] = property;
  const cannotConvert = () => new JsonException(`The JSON value could not be converted to ${dotnetTypeName(property)}.`, path, value);
  if (value.kind === Kind.Null) {
    if (nullable) {
      return null;
    }
    if (['int32', 'uint32', 'uint64'].includes(type)) {
      throw cannotConvert();
    }
    throw new JsonException(`The property or field '${name}' on type '${ownerTypeName}' doesn't allow setting null values. Consider updating its nullability annotation.`, path, value);
  }
  if (Array.isArray(type)) {
    if (value.kind !== Kind.Array) {
      throw cannotConvert();
    }
    // Elements may be null here (nullable annotations do not reach list elements); Validate refuses them.
    return value.items.map((item, i) => (item.kind === Kind.Null ? null : bindObject(item, type[1], `${path}[${i}]`)));
  }
  if (typeof type === 'object') {
    return bindObject(value, type, path);
  }
  if (type === 'string') {
    if (value.kind !== Kind.String) {
      throw cannotConvert();
    }
    return value.value;
  }
  if (type === 'bytes') {
    const bytes = value.kind === Kind.String ? fromBase64Json(value.value) : null;
    if (bytes === null) {
      throw cannotConvert();
    }
    return bytes;
  }
  if (value.kind !== Kind.Number || !/^-?(0|[1-9][0-9]*)$/.test(value.raw)) {
    throw cannotConvert();
  }
  const number = BigInt(value.raw);
  const [min, max] = INTEGER_RANGES[type];
  if (number < min || number > max || (type !== 'int32' && value.raw.startsWith('-'))) {
    throw cannotConvert();
  }
  return type === 'uint64' ? number : Number(number);
}

/** Parses and validates UTF-8 genesis bytes; throws GenesisFormatException. */
export function parseGenesis(utf8Json) {
  if (utf8Json.length > DocumentBytesMax) {
    throw new GenesisFormatException(`genesis document is ${utf8Json.length} bytes, more than ${DocumentBytesMax}`);
  }
  let genesis;
  try {
    const document = parseJson(utf8Json, 8);
    if (document.kind === Kind.Null) {
      throw new GenesisFormatException('genesis document is the JSON literal null');
    }
    genesis = bindObject(document, GenesisShape, '$');
  } catch (exception) {
    if (exception instanceof GenesisFormatException) {
      throw exception;
    }
    const where = exception.path ? exception.path : 'document';
    const message = exception instanceof JsonSyntaxError ? exception.serializerMessage : exception.message;
    throw new GenesisFormatException(`genesis JSON is invalid at ${where}: ${message}`);
  }
  validate(genesis);
  genesis.effectiveBlockTimeSkewMilliseconds = genesis.blockTimeSkewMilliseconds ?? BlockTimeSkewMillisecondsDefault;
  return genesis;
}

/** Identifiers (chain, member, node ids): 1-64 characters of [A-Za-z0-9._:-]. */
export function isValidIdentifier(id) {
  return typeof id === 'string' && id.length >= 1 && id.length <= IdentifierBytesMax && /^[A-Za-z0-9._:-]+$/.test(id);
}

function require(condition, path, problem) {
  if (!condition) {
    throw new GenesisFormatException(`genesis ${path}: ${problem}`);
  }
}

function validate(g) {
  require(g.formatVersion === CurrentFormatVersion, 'formatVersion', `must be ${CurrentFormatVersion}, was ${g.formatVersion}`);
  require(isValidIdentifier(g.chainId), 'chainId', `'${g.chainId}' is not 1-${IdentifierBytesMax} characters of [A-Za-z0-9._:-]`);
  require(KnownSuites.includes(g.suite), 'suite', `unknown suite '${g.suite}' (expected ${KnownSuites.join(', ')})`);
  require(g.proposalExpiryBlocks >= 1n && g.proposalExpiryBlocks <= ProposalExpiryBlocksMax, 'proposalExpiryBlocks', `must be in [1, ${ProposalExpiryBlocksMax}], was ${g.proposalExpiryBlocks}`);
  const skew = g.blockTimeSkewMilliseconds;
  require(skew === null || (skew >= BlockTimeSkewMillisecondsMin && skew <= BlockTimeSkewMillisecondsMax), 'blockTimeSkewMilliseconds',
    `must be in [${BlockTimeSkewMillisecondsMin}, ${BlockTimeSkewMillisecondsMax}], was ${skew ?? ''}`);
  require(g.members.length >= 1 && g.members.length <= MembersMax, 'members', `must list 1-${MembersMax} members, has ${g.members.length}`);
  require(g.nodes.length >= 1 && g.nodes.length <= NodesMax, 'nodes', `must list 1-${NodesMax} nodes, has ${g.nodes.length}`);

  const memberIds = new Set();
  const publicKeys = new Set();
  let adminCount = 0;
  g.members.forEach((member, i) => {
    const path = `members[${i}]`;
    require(member !== null, path, 'is null');
    require(isValidIdentifier(member.id), `${path}.id`, `'${member.id}' is not 1-${IdentifierBytesMax} characters of [A-Za-z0-9._:-]`);
    require(!memberIds.has(member.id), `${path}.id`, `duplicate member id '${member.id}'`);
    memberIds.add(member.id);
    require(utf8ByteCount(member.name) <= NameBytesMax, `${path}.name`, `longer than ${NameBytesMax} bytes`);
    require(KnownRoles.includes(member.role), `${path}.role`, `unknown role '${member.role}' (expected ${KnownRoles.join(', ')})`);
    adminCount += member.role === 'admin' ? 1 : 0;
    require(member.keys.length >= 1 && member.keys.length <= KeysPerMemberMax, `${path}.keys`, `must list 1-${KeysPerMemberMax} keys, has ${member.keys.length}`);
    member.keys.forEach((key, k) => {
      validateKey(key, `${path}.keys[${k}]`, publicKeys);
      require(member.role !== WitnessRole.Name || WitnessRole.acceptsKeySuite(key.suite), `${path}.keys[${k}].suite`,
        `a witness key must be ${WitnessRole.KeySuite} (cosignature/v1), was '${key.suite}'`);
    });
  });

  require(adminCount >= 1, 'members', "at least one member must have role 'admin'");
  const threshold = g.approvalThreshold ?? 0;
  require(threshold <= adminCount, 'approvalThreshold', `${threshold} exceeds the ${adminCount} admins, so no proposal could pass`);

  const nodeIds = new Set();
  g.nodes.forEach((node, i) => {
    const path = `nodes[${i}]`;
    require(node !== null, path, 'is null');
    require(isValidIdentifier(node.id), `${path}.id`, `'${node.id}' is not 1-${IdentifierBytesMax} characters of [A-Za-z0-9._:-]`);
    require(!nodeIds.has(node.id), `${path}.id`, `duplicate node id '${node.id}'`);
    nodeIds.add(node.id);
    const addressBytes = utf8ByteCount(node.address);
    require(addressBytes >= 1 && addressBytes <= AddressBytesMax, `${path}.address`, `must be 1-${AddressBytesMax} bytes`);
    validateKey(node.key, `${path}.key`, publicKeys);
  });
}

function validateKey(key, path, seenPublicKeys) {
  require(key !== null, path, 'is null');
  require(KnownSuites.includes(key.suite), `${path}.suite`, `unknown suite '${key.suite}'`);
  require(key.publicKey.length >= 1 && key.publicKey.length <= PublicKeyBytesMax, `${path}.publicKey`, `must be 1-${PublicKeyBytesMax} bytes, was ${key.publicKey.length}`);
  const encoded = toBase64(key.publicKey);
  require(!seenPublicKeys.has(encoded), `${path}.publicKey`, 'the same public key appears twice in the genesis');
  seenPublicKeys.add(encoded);
}
