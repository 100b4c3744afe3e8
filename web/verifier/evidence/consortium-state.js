// Port of Ledger.Core/Evidence/ConsortiumState.cs: the node set and member keys at a point in a
// chain, replayed from the genesis with the recorded outcomes of accepted ProposeChange/Vote
// transactions (observe). What an executed change does mirrors the registry's ChangeExecution.
import * as CryptoSuites from '#ledger/crypto/crypto-suites.js';
import { WitnessRole } from '#ledger/consortium/witness-role.js';
import { readType } from '#ledger/evidence/envelope-fields.js';
import { decode, ProposeChange, ResultCode, TransactionEnvelope, TransactionType, Vote } from '#ledger/evidence/protobuf-messages.js';
import { ordinalCompare, toHex } from '#ledger/evidence/text-encoding.js';
import { DotNetDictionary } from '#ledger/evidence/dotnet-dictionary.js';

export const ExecutedMarker = ' executed with ';
export const OpenProposalsMax = 100_000;

export class GovernanceReplayException extends Error {
  constructor(message) {
    super(message);
    this.name = 'GovernanceReplayException';
  }
}

/** A member key as far as a replay knows it (ConsortiumKey). retiredAt: BigInt or null. */
export class ConsortiumKey {
  constructor(memberId, publicKey, validFromHeight) {
    this.memberId = memberId;
    this.publicKey = publicKey;
    this.validFromHeight = validFromHeight;
    this.retiredAt = null;
  }
}

const ROLE_NAMES = ['role 0', 'admin', 'platform', 'court', 'rights_holder', 'auditor', 'witness'];
const roleName = (role) => (role >= 1 && role <= 6 ? ROLE_NAMES[role] : `role ${role}`);

function tryDecode(suiteName, encoded) {
  const suite = CryptoSuites.tryGet(suiteName);
  return suite === null ? null : suite.tryDecodePublicKey(encoded);
}

export class ConsortiumState {
  constructor(genesis) {
    this.chainId = genesis.chainId;
    this.suite = CryptoSuites.get(genesis.suite);
    /** node id → {nodeId, publicKey, addedAtHeight}, enumerated as .NET's Dictionary would. */
    this.activeNodes = new DotNetDictionary();
    this.keys = new Map();
    this.openProposals = new Map();
    this.history = [];
    this.keysByMember = new Map();
    this.memberRoles = new Map();
    this.unusableKeys = [];
    this.changesExecuted = 0;
    this.nodeSetChangedAtHeight = 0n;
    for (const member of genesis.members) {
      this.memberRoles.set(member.id, member.role);
      for (const key of member.keys) {
        this.addKey(member.id, key.suite, key.publicKey, 0n);
      }
    }
    for (const node of genesis.nodes) {
      this.activeNodes.set(node.id, { nodeId: node.id, publicKey: CryptoSuites.get(node.key.suite).decodePublicKey(node.key.publicKey), addedAtHeight: 0n });
    }
  }

  /** Attestations needed to certify a header: a strict majority of the active nodes. */
  get quorum() {
    return Math.floor(this.activeNodes.size / 2) + 1;
  }

  findKey(keyId) {
    return this.keys.get(toHex(keyId)) ?? null;
  }

  roleOf(memberId) {
    return this.memberRoles.get(memberId) ?? null;
  }

  /** Registered witnesses now (role witness, keys not retired, Ed25519), in member id order. */
  get witnesses() {
    const witnesses = [];
    const members = [...this.memberRoles.entries()].sort((a, b) => ordinalCompare(a[0], b[0]));
    for (const [memberId, role] of members) {
      const memberKeys = this.keysByMember.get(memberId);
      if (role !== WitnessRole.Name || memberKeys === undefined) {
        continue;
      }
      for (const key of memberKeys) {
        if (key.retiredAt === null && WitnessRole.acceptsKeySuite(key.publicKey.suite.name)) {
          witnesses.push({ memberId, publicKey: key.publicKey, addedAtHeight: key.validFromHeight });
        }
      }
    }
    return witnesses;
  }

  /** Replays one transaction of block `height` (BigInt) at `position` (Number). */
  observe(height, position, transaction, transactionHash, result) {
    if (result.code !== ResultCode.Ok) {
      return;
    }
    const type = readType(transaction.envelope);
    if (type !== TransactionType.ProposeChange && type !== TransactionType.Vote) {
      return;
    }
    const previous = this.history[this.history.length - 1];
    if (previous !== undefined && !(height > previous.height || (height === previous.height && position > previous.position))) {
      throw new GovernanceReplayException(`governance transaction at height ${height} position ${position} is not after the previous one (height ${previous.height} position ${previous.position})`);
    }
    this.history.push({ height, position, transaction, transactionHash, result });
    const envelope = decode(transaction.envelope, TransactionEnvelope);
    const executed = result.reason.includes(ExecutedMarker);
    if (envelope.type === TransactionType.ProposeChange) {
      const change = decode(envelope.body, ProposeChange);
      if (executed) {
        this.execute(height, change);
      } else {
        if (this.openProposals.size >= OpenProposalsMax) {
          throw new GovernanceReplayException(`more than OpenProposalsMax=${OpenProposalsMax} open proposals at height ${height}`);
        }
        this.openProposals.set(toHex(transactionHash), change);
      }
      return;
    }
    if (!executed) {
      return;
    }
    const vote = decode(envelope.body, Vote);
    const id = toHex(vote.proposalId);
    const proposed = this.openProposals.get(id);
    if (proposed === undefined) {
      throw new GovernanceReplayException(`a vote at height ${height} executed proposal ${id}, which is not an open proposal earlier in the chain`);
    }
    this.openProposals.delete(id);
    this.execute(height, proposed);
  }

  execute(height, change) {
    this.changesExecuted++;
    switch (change.changeCase) {
      case 'addNode': {
        const added = change.addNode;
        const nodeKey = added.key === null ? null : tryDecode(added.key.suite, added.key.publicKey);
        if (nodeKey !== null) {
          this.activeNodes.set(added.nodeId, { nodeId: added.nodeId, publicKey: nodeKey, addedAtHeight: height });
        } else {
          this.unusableKeys.push({ ownerId: added.nodeId, height });
        }
        this.nodeSetChangedAtHeight = height;
        break;
      }
      case 'removeNode':
        if (!this.activeNodes.delete(change.removeNode.nodeId) && !this.unusableKeys.some((u) => u.ownerId === change.removeNode.nodeId)) {
          throw new GovernanceReplayException(`height ${height} removes node '${change.removeNode.nodeId}', which is not active`);
        }
        this.nodeSetChangedAtHeight = height;
        break;
      case 'addMember':
        this.memberRoles.set(change.addMember.memberId, roleName(change.addMember.role));
        for (const key of change.addMember.keys) {
          this.addKey(change.addMember.memberId, key.suite, key.publicKey, height);
        }
        break;
      case 'changeRole':
        this.memberRoles.set(change.changeRole.memberId, roleName(change.changeRole.role));
        break;
      case 'removeMember': {
        this.memberRoles.set(change.removeMember.memberId, 'removed');
        for (const key of this.keysByMember.get(change.removeMember.memberId) ?? []) {
          key.retiredAt ??= height;
        }
        break;
      }
      case 'rotateKey': {
        const rotate = change.rotateKey;
        if (rotate.oldKeyId.length !== 0) {
          const old = this.findKey(rotate.oldKeyId);
          if (old === null) {
            throw new GovernanceReplayException(`height ${height} retires key ${toHex(rotate.oldKeyId)}, which was never added`);
          }
          old.retiredAt ??= height;
        }
        if (rotate.newKey !== null) {
          this.addKey(rotate.memberId, rotate.newKey.suite, rotate.newKey.publicKey, height);
        }
        break;
      }
      default:
        // Threshold changes move no key, no node and no role.
        break;
    }
  }

  addKey(memberId, suiteName, encoded, height) {
    const publicKey = tryDecode(suiteName, encoded);
    if (publicKey === null) {
      this.unusableKeys.push({ ownerId: memberId, height });
      return;
    }
    const key = new ConsortiumKey(memberId, publicKey, height);
    this.keys.set(toHex(publicKey.keyId), key);
    if (!this.keysByMember.has(memberId)) {
      this.keysByMember.set(memberId, []);
    }
    this.keysByMember.get(memberId).push(key);
  }
}
