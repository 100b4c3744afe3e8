namespace Ledger.Client.Verification;

/// <summary>
/// How far the client could check a receipt. Only <see cref="Verified"/> means "the consortium
/// committed this": the other values are the serving node's word, whatever its proofs say.
/// A client configured without a trusted genesis (<see cref="LedgerClientOptions.Genesis"/>)
/// can never return <see cref="Verified"/>.
/// </summary>
public enum ReceiptStatus
{
    /// <summary>
    /// Not checked against any quorum: no trusted genesis is configured, or verification is turned
    /// off. The inclusion proof (when checked) only proves the transaction is in the serving node's
    /// own, uncertified header.
    /// </summary>
    Unverified = 0,

    /// <summary>
    /// The transaction's inclusion proof checks against the serving node's header, but no header
    /// of that block certified by a quorum of the node set at its height was obtained before the
    /// certification wait ended. Ask again later (<see cref="LedgerClient.GetReceiptAsync"/>).
    /// </summary>
    CommittedNotCertified = 1,

    /// <summary>
    /// The inclusion proof checks against a header certified by a quorum (⌊n/2⌋+1) of the node set
    /// in force at its height (the trusted genesis plus the node changes the chain records), each
    /// attestation by a distinct node and verified with that node's key, and the header is
    /// consistent with every certified log state the client trusted before.
    /// </summary>
    Verified = 2,
}
