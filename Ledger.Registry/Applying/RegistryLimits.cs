using Ledger.Core.Protocol;

namespace Ledger.Registry.Applying;

/// <summary>Every bound the registry enforces. Byte limits count UTF-8 bytes.</summary>
public static class RegistryLimits
{
    /// <summary>Every body, a BatchRegister's included: its items travel detached (<see cref="BatchItemsBytesMax"/>).</summary>
    public const int TransactionBodyBytesMax = 64 * 1024;

    public const int BatchItemsMax = 100_000;

    /// <summary>
    /// The largest serialized BatchItem without an SM3 hash inside BatchItems: its field framing (2 bytes), a 32-byte
    /// content hash (34 with its tag and length), an item id of at most <see cref="ItemIdBytesMax"/>
    /// bytes (66) and a fixed64 perceptual hash (9).
    /// </summary>
    public const int BatchItemSerializedBytesMax = 2 + (2 + HashBytes) + (2 + ItemIdBytesMax) + (1 + sizeof(ulong));

    /// <summary>
    /// A BatchRegister's detached items (SignedTransaction.detached_items), bytes: 12 MiB holds
    /// <see cref="BatchItemsMax"/> items of <see cref="BatchItemSerializedBytesMax"/> bytes each (11.1 MB).
    /// Items that also carry an SM3 hash (34 bytes more; required under sm2-sm3) fit about 86,000 to
    /// a batch at the longest item ids; batch-register refuses a larger batch before signing it.
    /// </summary>
    public const int BatchItemsBytesMax = 12 * 1024 * 1024;

    public const int BlockTransactionsMax = 65_536;

    public const int HashBytes = 32;

    /// <summary>Key ids are suite hashes (32 bytes today); anything longer cannot be a key id.</summary>
    public const int KeyIdBytesMax = 64;

    /// <summary>Keys a member may hold at once; all keys it ever held are bounded by <see cref="KeyHistoryPerMemberMax"/>.</summary>
    public const int KeyHistoryPerMemberMax = 256;
    public const int TitleBytesMax = 512;
    public const int MetadataEntriesMax = 32;
    public const int MetadataKeyBytesMax = 64;
    public const int MetadataValueBytesMax = 1024;
    public const int MetadataBytesMax = 8 * 1024;
    public const int ItemIdBytesMax = 64;
    public const int MemberIdBytesMax = 64;
    public const int NodeIdBytesMax = 64;
    public const int NodeAddressBytesMax = 256;
    public const int DisplayNameBytesMax = 256;
    public const int ExternalHolderNameBytesMax = 256;
    public const int ExternalHolderIdentifierBytesMax = 128;
    public const int EvidenceHashesMax = 32;
    public const int PreservedEvidencePerClaimMax = 256;
    public const int LicenseScopeBytesMax = 256;
    public const int LicenseTerritoryBytesMax = 128;
    public const int NoteBytesMax = 1024;
    public const int DescriptionBytesMax = 1024;
    public const int CaseNumberBytesMax = 128;
    public const int RationaleBytesMax = 1024;
    public const int SuiteBytesMax = 32;
    public const int PublicKeyBytesMax = 512;
    public const int KeysPerMemberMax = 16;
    public const int AdminsMax = 256;
    public const int NodesMax = 64;

    /// <summary>A claimed creation or capture time may lead the block timestamp by at most this (clock skew).</summary>
    public const long ClaimedTimeFutureSkewMs = 24L * 60 * 60 * 1000;

    public const int QueryPageSizeMax = 1000;
    public const int SimilarWorksResultsMax = 1000;

    /// <summary>Index entries a similarity query may visit before it stops and reports truncation.</summary>
    public const int SimilarWorksCandidatesMax = 1_000_000;

    public const int PerceptualHashDistanceMax = 8;

    /// <summary>
    /// A transaction outcome's detail, in UTF-8 bytes; a longer one is cut. With the reason name
    /// (at most <see cref="ReasonNameBytesMax"/>) and ": " it stays within <c>LogLeaf.ReasonBytesMax</c>.
    /// </summary>
    public const int OutcomeDetailBytesMax = 2048;

    /// <summary>The longest <see cref="RejectionReason"/> name (checked by a test over every value).</summary>
    public const int ReasonNameBytesMax = 64;

    /// <summary>Per batch item rejection reason text (stored in the batch outcome record).</summary>
    public const int BatchItemReasonBytesMax = 256;
}
