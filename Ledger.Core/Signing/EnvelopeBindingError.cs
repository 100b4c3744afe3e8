namespace Ledger.Core.Signing;

/// <summary>Why an envelope's own fields disagree with the key or chain it is checked against.</summary>
public enum EnvelopeBindingError
{
    None = 0,

    /// <summary>The bytes do not parse as a TransactionEnvelope.</summary>
    NotAnEnvelope,

    /// <summary>envelope.chain_id differs from the chain the signature is made or checked for.</summary>
    ChainIdMismatch,

    /// <summary>envelope.signer_key_id differs from the key id of the signing key.</summary>
    SignerKeyIdMismatch,

    /// <summary>envelope.suite differs from the signing key's suite name.</summary>
    SuiteMismatch,
}
