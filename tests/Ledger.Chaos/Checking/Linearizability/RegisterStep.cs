namespace Ledger.Chaos.Checking.Linearizability;

/// <summary>
/// What one operation does to a work's register, with values as small integers of the work's
/// <see cref="KeyHistory"/>: <see cref="RegisterStep.Absent"/> is "not registered",
/// <see cref="RegisterStep.SomeValue"/> is the value of an indeterminate write whose transaction
/// hash the history does not know, and 1.. are the transaction hashes seen for the work.
/// </summary>
internal readonly record struct RegisterStep(RegisterStepKind Kind, int Value)
{
    public const int Absent = 0;

    public const int SomeValue = -1;

    /// <summary>
    /// The register model: a compare-and-set from absent. Returns false when the step cannot happen
    /// in <paramref name="state"/>; otherwise <paramref name="next"/> is the state after it.
    /// <paramref name="written"/>[v] says whether some write of this work names value v (a read of
    /// such a value cannot be explained by an unnamed write).
    /// </summary>
    public bool TryApply(int state, bool[] written, out int next)
    {
        next = state;
        switch (Kind)
        {
            case RegisterStepKind.AcknowledgedWrite:
                // It took effect: the register was absent, or already held this very transaction (a resubmission).
                if (state == Absent || state == Value)
                {
                    next = Value;
                    return true;
                }

                return false;
            case RegisterStepKind.IndeterminateWrite:
                // Took effect if the register was absent; otherwise it was refused as a duplicate.
                if (state == Absent)
                {
                    next = Value;
                }

                return true;
            case RegisterStepKind.Read:
                if (state == Value)
                {
                    return true;
                }

                if (state == SomeValue && Value > 0 && !written[Value])
                {
                    // The read names the unnamed write's value.
                    next = Value;
                    return true;
                }

                return false;
            default:
                throw new InvalidOperationException($"unknown register step {Kind}");
        }
    }
}

internal enum RegisterStepKind : byte
{
    /// <summary>Register acknowledged by a receipt: it took effect between invocation and completion.</summary>
    AcknowledgedWrite,

    /// <summary>Register with no answer: it may take effect at any point after its invocation, or never.</summary>
    IndeterminateWrite,

    /// <summary>A linearizable read's answer, or a duplicate rejection naming the registration it collided with.</summary>
    Read,
}
