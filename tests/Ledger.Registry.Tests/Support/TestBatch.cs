using Ledger.Core.Protocol;

namespace Ledger.Registry.Tests.Support;

/// <summary>A BatchRegister as submitted: <see cref="Body"/> is signed, <see cref="Items"/> travel as the transaction's detached items.</summary>
public sealed record TestBatch(BatchRegister Body, BatchItems Items);
