using Ledger.Consensus;

namespace Ledger.Simulation;

internal readonly record struct InFlightMessage(long DeliverTick, long Sequence, Message Message);
