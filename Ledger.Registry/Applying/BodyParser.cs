using Google.Protobuf;

namespace Ledger.Registry.Applying;

/// <summary>Transaction bodies parsed the one way the rules accept them.</summary>
internal static class BodyParser
{
    /// <exception cref="RuleViolationException">MalformedBody: the bytes are not a valid <typeparamref name="T"/>.</exception>
    public static T Parse<T>(MessageParser<T> parser, ByteString body)
        where T : class, IMessage<T>
        => TryParse(parser, body) ?? throw Check.Fail(RejectionReason.MalformedBody, $"body is not a valid {typeof(T).Name}");

    /// <summary>The parsed body, or null when the bytes are not a valid <typeparamref name="T"/>.</summary>
    public static T? TryParse<T>(MessageParser<T> parser, ByteString body)
        where T : class, IMessage<T>
    {
        try
        {
            // Unknown fields are dropped so nothing unvalidated reaches a stored record. Parsed
            // from the span: the same parse without a CodedInputStream object per body.
            return (DiscardingParser<T>.Instance ??= parser.WithDiscardUnknownFields(true)).ParseFrom(body.Span);
        }
        catch (InvalidProtocolBufferException)
        {
            // The library's message is left out: the reason text is part of the chain and must not
            // depend on a library version.
            return null;
        }
    }

    // One unknown-field-discarding parser per message type instead of one per transaction.
    private static class DiscardingParser<T>
        where T : IMessage<T>
    {
        public static MessageParser<T>? Instance;
    }
}
