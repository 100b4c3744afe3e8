using Ledger.Core.Protocol;

namespace Ledger.Core.Evidence;

/// <summary>
/// Reads the two envelope fields a verifier needs per transaction — type and signer key id —
/// straight from the protobuf bytes, without materialising the envelope (audits read millions).
/// Malformed input yields <c>false</c>, never an exception.
/// </summary>
public static class EnvelopeFields
{
    public static bool TryRead(ReadOnlySpan<byte> envelope, out TransactionType type, out ReadOnlySpan<byte> signerKeyId)
    {
        type = TransactionType.Unspecified;
        signerKeyId = default;
        var position = 0;
        while (position < envelope.Length)
        {
            if (!ProtobufVarint.TryRead(envelope, ref position, out var tag))
            {
                return false;
            }

            var field = (int)(tag >> 3);
            switch ((int)(tag & 7))
            {
                case 0:
                    if (!ProtobufVarint.TryRead(envelope, ref position, out var value))
                    {
                        return false;
                    }

                    if (field == TransactionEnvelope.TypeFieldNumber)
                    {
                        type = (TransactionType)(int)value;
                    }

                    break;
                case 1:
                    position += 8;
                    break;
                case 2:
                    if (!ProtobufVarint.TryRead(envelope, ref position, out var length) || length > (ulong)(envelope.Length - position))
                    {
                        return false;
                    }

                    if (field == TransactionEnvelope.SignerKeyIdFieldNumber)
                    {
                        signerKeyId = envelope.Slice(position, (int)length);
                    }

                    position += (int)length;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    return false;
            }
        }

        return position == envelope.Length;
    }
}
