using Google.Protobuf;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Registry.Batches;

namespace Ledger.Fuzz.Apply;

/// <summary>One generated submission: its bytes as sent, the type and body it was built as (before byte damage), and how it was made.</summary>
internal sealed record FuzzCase(SignedTransaction Transaction, TransactionType Type, IMessage? Body, string Recipe);

/// <summary>
/// Builds one transaction per case: a body of the type's own shape that refers to objects the chain
/// holds (so cases reach the stateful rules), then field mutations (hostile strings, numbers, enum
/// values, ids, keys, missing fields), sometimes byte-level damage to the body or the whole envelope,
/// and then a signature made AFTER mutating (so the signature check passes and the type rules are
/// exercised), except for the share of cases that get a bad signature, a wrong key or a replayed nonce.
/// </summary>
internal static class CaseGenerator
{
    private static readonly TransactionType[] Types = [.. Enum.GetValues<TransactionType>().Where(t => t != TransactionType.Unspecified)];

    public static FuzzCase Next(Random random, World world, long blockTimeUnixMs)
    {
        var consortium = world.Consortium;
        var type = Types[random.Next(Types.Length)];
        // A batch's items are drawn first: its body signs their root and count, they travel detached.
        var items = type == TransactionType.BatchRegister ? BatchItemsOf(random) : null;
        var body = items is null ? Body(random, world, type, blockTimeUnixMs) : Batch(random, world, items);
        var recipe = type.ToString();
        var mutations = random.Next(3) == 0 ? 0 : 1 + random.Next(3);
        for (var m = 0; m < mutations; m++)
        {
            recipe += "+" + Mutate(random, world, body);
        }

        var bodyBytes = body.ToByteArray();
        if (random.Next(10) == 0)
        {
            bodyBytes = Hostile.Damage(random, bodyBytes);
            recipe += "+damaged-body";
        }

        var signer = Signer(random, world, type);
        var key = consortium.Keys[signer];
        var envelope = new TransactionEnvelope
        {
            ChainId = FuzzConsortium.ChainId,
            Nonce = world.NextNonce(signer),
            Type = type,
            Body = ByteString.CopyFrom(bodyBytes),
            SignerKeyId = ByteString.CopyFrom(key.KeyId.Bytes),
            Suite = consortium.Suite.Name,
            CreatedUnixMs = blockTimeUnixMs,
        };
        recipe += MutateEnvelope(random, world, envelope, signer);

        var envelopeBytes = envelope.ToByteArray();
        if (random.Next(25) == 0)
        {
            envelopeBytes = Hostile.Damage(random, envelopeBytes);
            recipe += "+damaged-envelope";
        }

        var signature = SigningInput.Sign(key, SigningContexts.TransactionSignature, FuzzConsortium.ChainId, envelopeBytes);
        switch (random.Next(20))
        {
            case 0:
                signature[random.Next(signature.Length)] ^= 1;
                recipe += "+bad-signature";
                break;
            case 1:
                signature = SigningInput.Sign(consortium.Keys[world.MemberIds[random.Next(FuzzConsortium.Founders.Length)]], SigningContexts.TransactionSignature, FuzzConsortium.ChainId, envelopeBytes);
                recipe += "+other-signer";
                break;
            case 2:
                signature = [.. Hostile.Bytes(random).Span];
                recipe += "+random-signature";
                break;
        }

        var transaction = new SignedTransaction { Envelope = ByteString.CopyFrom(envelopeBytes), Signature = ByteString.CopyFrom(signature) };
        recipe += AttachItems(random, transaction, items);
        return new FuzzCase(transaction, type, body, recipe);
    }

    /// <summary>The member that may submit this type, usually; anyone the fuzzer can sign for, sometimes.</summary>
    private static string Signer(Random random, World world, TransactionType type)
    {
        if (random.Next(6) == 0)
        {
            var signable = world.Consortium.Keys.Keys.ToArray();
            Array.Sort(signable, StringComparer.Ordinal);
            return signable[random.Next(signable.Length)];
        }

        string[] preferred = type switch
        {
            TransactionType.RegisterWork or TransactionType.BatchRegister => ["platform-1", "alice", "bob"],
            TransactionType.TransferOwnership or TransactionType.GrantLicense or TransactionType.RevokeLicense => ["platform-1", "alice", "bob"],
            TransactionType.FileClaim => ["platform-1", "alice", "bob"],
            TransactionType.RespondToClaim => ["platform-1", "bob", "alice"],
            TransactionType.ResolveClaim => ["platform-1"],
            TransactionType.PreserveEvidence => ["platform-1", "court-1"],
            TransactionType.RecordJudgment => ["court-1"],
            TransactionType.ProposeChange or TransactionType.Vote => ["admin-1", "admin-2", "admin-3"],
            _ => ["auditor-1", "platform-1"],
        };
        var choice = preferred[random.Next(preferred.Length)];
        return world.Consortium.Keys.ContainsKey(choice) ? choice : "admin-1";
    }

    private static IMessage Body(Random random, World world, TransactionType type, long now) => type switch
    {
        TransactionType.RegisterWork => new RegisterWork
        {
            // Dual content hashes (issue 20): SM3 beside SHA-256 on a third of the works.
            ContentHash = new ContentHash { Sha256 = Hash(random), Sm3 = random.Next(3) == 0 ? Hash(random) : ByteString.Empty },
            MediaType = MediaType.Image,
            Title = "work",
            RightsHolder = Holder(random, world),
            ClaimedCreationUnixMs = now - 1000,
            Metadata = { new MetadataEntry { Key = "a", Value = "1" }, new MetadataEntry { Key = "b", Value = "2" } },
        },
        TransactionType.TransferOwnership => new TransferOwnership { WorkId = Pick(random, world.Works, 36), NewHolder = Holder(random, world) },
        TransactionType.GrantLicense => new GrantLicense { WorkId = Pick(random, world.Works, 36), Licensee = Holder(random, world), Scope = "print", Territory = "CN", StartUnixMs = now, EndUnixMs = now + 1000 },
        TransactionType.RevokeLicense => new RevokeLicense { LicenseId = Pick(random, world.Licenses, 32), Reason = "breach" },
        TransactionType.FileClaim => new FileClaim { WorkId = Pick(random, world.Works, 36), InfringingItemId = "listing-1", InfringingContentSha256 = Hash(random), EvidenceHashes = { Hash(random) }, AccusedMemberId = random.Next(2) == 0 ? "bob" : "" },
        TransactionType.RespondToClaim => new RespondToClaim { ClaimId = Pick(random, world.Claims, 32), StatementHash = Hash(random), EvidenceHashes = { Hash(random) } },
        TransactionType.ResolveClaim => new ResolveClaim { ClaimId = Pick(random, world.Claims, 32), Resolution = ClaimResolution.Takedown, Note = "n" },
        TransactionType.PreserveEvidence => new PreserveEvidence { ClaimId = random.Next(2) == 0 ? ByteString.Empty : Pick(random, world.Claims, 32), MaterialHash = Hash(random), CaptureUnixMs = now - 5, Method = CaptureMethod.Screenshot, Description = "d" },
        TransactionType.RecordJudgment => new RecordJudgment { ClaimId = Pick(random, world.Claims, 32), Ruling = Ruling.InfringementFound, JudgmentDocumentHash = Hash(random), CaseNumber = "(2026) Zhe 01" },
        TransactionType.ProposeChange => Change(random, world),
        TransactionType.Vote => new Vote { ProposalId = Pick(random, world.Proposals, 32), Approve = random.Next(4) != 0 },
        _ => new Google.Protobuf.WellKnownTypes.BytesValue { Value = RandomBytes(random, random.Next(0, 100)) },
    };

    private static ProposeChange Change(Random random, World world)
    {
        var consortium = world.Consortium;
        var change = new ProposeChange { Rationale = "r" };
        var member = world.MemberIds[random.Next(world.MemberIds.Count)];
        switch (random.Next(7))
        {
            case 0:
                var id = $"m-{random.Next(100_000)}";
                var key = consortium.KeyOf(id, 0);
                world.ProposeKey(id, key);
                change.AddMember = new AddMember { MemberId = id, DisplayName = id, Role = (MemberRole)random.Next(1, 6), Keys = { PublicKeyOf(key) } };
                break;
            case 1:
                change.RemoveMember = new RemoveMember { MemberId = member };
                break;
            case 2:
                change.ChangeRole = new ChangeMemberRole { MemberId = member, Role = (MemberRole)random.Next(1, 6) };
                break;
            case 3:
                var rotated = consortium.KeyOf(member, random.Next(1, 1000));
                world.ProposeKey(member, rotated);
                change.RotateKey = new RotateMemberKey
                {
                    MemberId = member,
                    OldKeyId = consortium.Keys.TryGetValue(member, out var old) && random.Next(2) == 0 ? ByteString.CopyFrom(old.KeyId.Bytes) : ByteString.Empty,
                    NewKey = PublicKeyOf(rotated),
                };
                break;
            case 4:
                var nodeId = $"node-{random.Next(4, 40)}";
                change.AddNode = new AddNode { NodeId = nodeId, Address = $"https://127.0.0.1:{random.Next(1, 65536)}", Key = PublicKeyOf(consortium.KeyOf(nodeId, random.Next(1000))) };
                break;
            case 5:
                change.RemoveNode = new RemoveNode { NodeId = $"node-{random.Next(1, 40)}" };
                break;
            default:
                change.ChangeThreshold = new ChangeApprovalThreshold { Threshold = (uint)random.Next(0, 4) };
                break;
        }

        return change;
    }

    private static BatchItems BatchItemsOf(Random random)
    {
        var items = new BatchItems();
        var count = 1 + random.Next(8);
        for (var i = 0; i < count; i++)
        {
            var item = new BatchItem { ContentSha256 = random.Next(10) == 0 && i > 0 ? items.Items[0].ContentSha256 : Hash(random), ItemId = $"sku-{i}" };
            if (random.Next(3) == 0)
            {
                // An item with SM3 (canonical format 2); now and then the first item's, a duplicate by SM3 alone.
                item.ContentSm3 = random.Next(4) == 0 && i > 0 && !items.Items[0].ContentSm3.IsEmpty ? items.Items[0].ContentSm3 : Hash(random);
            }

            if (random.Next(2) == 0)
            {
                item.PerceptualHash = (ulong)random.NextInt64();
            }

            items.Items.Add(item);
        }

        return items;
    }

    private static BatchRegister Batch(Random random, World world, BatchItems items) => new()
    {
        MediaType = MediaType.ProductListing,
        RightsHolder = Holder(random, world),
        ItemCount = (uint)items.Items.Count,
        MerkleRoot = ByteString.CopyFrom(BatchMerkleRoot.Compute(world.Consortium.Chain.Hash, items.Items)),
    };

    /// <summary>
    /// A batch's detached items, usually as signed; sometimes damaged, one dropped, swapped for other
    /// items, or left out; and now and then stray items on a transaction of another type.
    /// </summary>
    /// <param name="items">The batch's items; null for any other type.</param>
    private static string AttachItems(Random random, SignedTransaction transaction, BatchItems? items)
    {
        if (items is null)
        {
            if (random.Next(50) != 0)
            {
                return "";
            }

            transaction.DetachedItems = new BatchItems { Items = { new BatchItem { ContentSha256 = Hash(random), ItemId = "stray" } } }.ToByteString();
            return "+stray-items";
        }

        var bytes = items.ToByteArray();
        switch (random.Next(12))
        {
            case 0:
                transaction.DetachedItems = ByteString.CopyFrom(Hostile.Damage(random, bytes));
                return "+damaged-items";
            case 1:
                var fewer = items.Clone();
                fewer.Items.RemoveAt(random.Next(fewer.Items.Count));
                transaction.DetachedItems = fewer.ToByteString();
                return "+dropped-item";
            case 2:
                var other = items.Clone();
                other.Items[random.Next(other.Items.Count)].ContentSha256 = Hash(random);
                transaction.DetachedItems = other.ToByteString();
                return "+swapped-item";
            case 3:
                return "+missing-items";
            default:
                transaction.DetachedItems = ByteString.CopyFrom(bytes);
                return "";
        }
    }

    /// <summary>One field of the body set to a hostile value, cleared, or (for lists) padded.</summary>
    private static string Mutate(Random random, World world, IMessage body)
    {
        var fields = body.Descriptor.Fields.InFieldNumberOrder();
        if (fields.Count == 0)
        {
            return "none";
        }

        var field = fields[random.Next(fields.Count)];
        var accessor = field.Accessor;
        if (random.Next(6) == 0)
        {
            accessor.Clear(body);
            return $"clear:{field.Name}";
        }

        switch (field.FieldType)
        {
            case Google.Protobuf.Reflection.FieldType.String when !field.IsRepeated:
                accessor.SetValue(body, Hostile.Id(random, world.MemberIds));
                break;
            case Google.Protobuf.Reflection.FieldType.Bytes when !field.IsRepeated:
                accessor.SetValue(body, random.Next(3) == 0 ? Hash(random) : Hostile.Bytes(random));
                break;
            case Google.Protobuf.Reflection.FieldType.Int64 when !field.IsRepeated:
                accessor.SetValue(body, Hostile.Long(random));
                break;
            case Google.Protobuf.Reflection.FieldType.UInt32 when !field.IsRepeated:
                accessor.SetValue(body, Hostile.UInt(random));
                break;
            case Google.Protobuf.Reflection.FieldType.Fixed64 when !field.IsRepeated:
                accessor.SetValue(body, (ulong)random.NextInt64());
                break;
            case Google.Protobuf.Reflection.FieldType.Bool when !field.IsRepeated:
                accessor.SetValue(body, random.Next(2) == 0);
                break;
            case Google.Protobuf.Reflection.FieldType.Enum when !field.IsRepeated:
                accessor.SetValue(body, Enum.ToObject(field.EnumType.ClrType, (int)Hostile.Enum<MediaType>(random)));
                break;
            case Google.Protobuf.Reflection.FieldType.Message when !field.IsRepeated:
                var nested = (IMessage?)accessor.GetValue(body);
                if (nested is null)
                {
                    return $"absent:{field.Name}";
                }

                return $"{field.Name}.{MutateNested(random, world, nested)}";
            default:
                if (field.IsRepeated)
                {
                    return $"{field.Name}.{MutateList(random, world, (System.Collections.IList)accessor.GetValue(body))}";
                }

                return $"skip:{field.Name}";
        }

        return field.Name;
    }

    private static string MutateNested(Random random, World world, IMessage nested)
    {
        if (nested is MemberPublicKey key)
        {
            var (suite, bytes) = Hostile.Key(random, world.Consortium);
            key.Suite = suite;
            key.PublicKey = bytes;
            return "key";
        }

        return Mutate(random, world, nested);
    }

    private static string MutateList(Random random, World world, System.Collections.IList list)
    {
        if (list.Count > 0 && random.Next(3) == 0)
        {
            // A duplicate entry.
            var original = list[random.Next(list.Count)];
            list.Add(original is IDeepCloneable<object> cloneable ? cloneable.Clone() : original);
            return "duplicate";
        }

        if (list.Count > 0 && random.Next(2) == 0 && list[random.Next(list.Count)] is IMessage element)
        {
            return MutateNested(random, world, element);
        }

        if (list.Count > 0 && list[0] is ByteString)
        {
            var count = random.Next(2) == 0 ? 33 : 1;
            for (var i = 0; i < count; i++)
            {
                list.Add(random.Next(2) == 0 ? Hash(random) : Hostile.Bytes(random));
            }

            return "padded";
        }

        if (list.Count > 0 && random.Next(3) == 0)
        {
            list.RemoveAt(0);
            return "shortened";
        }

        return "unchanged";
    }

    private static string MutateEnvelope(Random random, World world, TransactionEnvelope envelope, string signer)
    {
        switch (random.Next(30))
        {
            case 0:
                envelope.ChainId = Hostile.String(random);
                return "+chain-id";
            case 1:
                envelope.Suite = Hostile.String(random);
                return "+suite";
            case 2:
                envelope.Type = (TransactionType)Hostile.Enum<MediaType>(random);
                return "+type";
            case 3:
                envelope.SignerKeyId = Hostile.Bytes(random);
                return "+signer-key-id";
            case 4:
                envelope.Nonce = world.UsedNonce(random, signer);
                return "+replayed-nonce";
            case 5:
                envelope.CreatedUnixMs = Hostile.Long(random);
                return "+created";
            case 6:
                envelope.Nonce = ulong.MaxValue - (ulong)random.Next(3);
                return "+huge-nonce";
            default:
                return "";
        }
    }

    private static ByteString Pick(Random random, List<ByteString> known, int length) =>
        known.Count > 0 && random.Next(5) != 0 ? known[random.Next(known.Count)] : RandomBytes(random, length);

    private static RightsHolder Holder(Random random, World world) => random.Next(3) switch
    {
        0 => new RightsHolder { External = new ExternalHolder { Identifier = $"seller-{random.Next(100)}", Name = "Seller" } },
        _ => new RightsHolder { MemberId = random.Next(2) == 0 ? "alice" : world.MemberIds[random.Next(world.MemberIds.Count)] },
    };

    private static MemberPublicKey PublicKeyOf(KeyPair key) => new() { Suite = key.Suite.Name, PublicKey = ByteString.CopyFrom(key.Public.ToArray()) };

    private static ByteString Hash(Random random) => RandomBytes(random, 32);

    private static ByteString RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return ByteString.CopyFrom(bytes);
    }
}
