// Port of Ledger.Core/Consortium/ConsortiumGenesis.cs (parsing and validation): the consortium
// genesis document. C# deserializes it with System.Text.Json (camelCase names, unmapped members
// refused, required members, nullable annotations respected, no comments or trailing commas, depth
// 8, duplicate members: the last wins) and then validates it; this accepts and refuses the same
// documents, with the same validation messages (JSON syntax messages differ).
import * as CryptoSuites from '#ledger/crypto/crypto-suites.js';
import { Kind, parseJson, utf8ByteCount } from '#ledger/evidence/strict-json.js';
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

class JsonException extends Error {
  constructor(message, path) {
    super(message);
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

const INTEGER_RANGES = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

function bindObject(element, shape, path) {
  if (element.kind !== Kind.Object) {
    throw new JsonException(`The JSON value could not be converted (expected an object, was ${element.kind}).`, path);
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
      throw new JsonException(`The JSON property '${name}' could not be mapped to any .NET member contained in type.`, `${path}.${name}`);
    }
    // Duplicate members: the last one wins, as System.Text.Json binds them.
    result[name] = bindValue(value, property, `${path}.${name}`);
    seen.add(name);
  }
  const missing = Object.entries(shape).filter(([name, [, required]]) => required && !seen.has(name)).map(([name]) => name);
  if (missing.length > 0) {
    throw new JsonException(`JSON deserialization was missing required properties: ${missing.join(', ')}.`, path);
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

function bindValue(value, [type, , nullable], path) {
  if (value.kind === Kind.Null) {
    if (nullable) {
      return null;
    }
    throw new JsonException('A null value was given to a property that does not allow null.', path);
  }
  if (Array.isArray(type)) {
    if (value.kind !== Kind.Array) {
      throw new JsonException(`The JSON value could not be converted to a list (was ${value.kind}).`, path);
    }
    // Elements may be null here (nullable annotations do not reach list elements); Validate refuses them.
    return value.items.map((item, i) => (item.kind === Kind.Null ? null : bindObject(item, type[1], `${path}[${i}]`)));
  }
  if (typeof type === 'object') {
    return bindObject(value, type, path);
  }
  if (type === 'string') {
    if (value.kind !== Kind.String) {
      throw new JsonException(`The JSON value could not be converted to System.String (was ${value.kind}).`, path);
    }
    return value.value;
  }
  if (type === 'bytes') {
    if (value.kind !== Kind.String) {
      throw new JsonException(`The JSON value could not be converted to System.Byte[] (was ${value.kind}).`, path);
    }
    const bytes = fromBase64Json(value.value);
    if (bytes === null) {
      throw new JsonException('The JSON value is not in a supported Base64 format.', path);
    }
    return bytes;
  }
  if (value.kind !== Kind.Number || !/^-?(0|[1-9][0-9]*)$/.test(value.raw)) {
    throw new JsonException(`The JSON value could not be converted to ${type}.`, path);
  }
  const number = BigInt(value.raw);
  const [min, max] = INTEGER_RANGES[type];
  if (number < min || number > max || (type !== 'int32' && value.raw.startsWith('-'))) {
    throw new JsonException(`The JSON value could not be converted to ${type}.`, path);
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
    throw new GenesisFormatException(`genesis JSON is invalid at ${where}: ${exception.message}`);
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
