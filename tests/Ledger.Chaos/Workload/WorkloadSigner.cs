using Ledger.Core.Keys;

namespace Ledger.Chaos.Workload;

/// <summary>A member that registers works: its member id (the works' rights holder) and its signing key (role platform or rights_holder).</summary>
public sealed record WorkloadSigner(string MemberId, KeyPair Key);
