using Ledger.Core.Protocol;

namespace Ledger.Registry.Queries;

/// <summary>A member as it stood at the end of a block: role, whether active, and the keys valid then.</summary>
public sealed record MemberAtHeight(string MemberId, string DisplayName, MemberRole Role, bool Active, IReadOnlyList<KeyRecord> ValidKeys);
