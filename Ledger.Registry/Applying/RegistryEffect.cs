namespace Ledger.Registry.Applying;

/// <summary>Something the host must act on after persisting the block (the registry itself does no I/O).</summary>
public abstract record RegistryEffect(ulong Height, uint Position);
