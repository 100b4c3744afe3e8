using System.Text;

namespace Ledger.Node.Tests.Support;

/// <summary>
/// Captures what is written to <see cref="Console.Out"/> while an action runs. A started node keeps writing
/// from background threads (loggers, banners) after the action returns, possibly through a writer it took
/// while the capture was installed, so every write and the final read share one lock: a plain
/// <see cref="StringWriter"/> read while another thread appends can throw from <see cref="StringBuilder.ToString()"/>.
/// </summary>
public static class ConsoleCapture
{
    public static async Task<string> RunAsync(Func<Task> action)
    {
        var original = Console.Out;
        var captured = new LockedStringWriter();
        Console.SetOut(captured);
        try
        {
            await action();
        }
        finally
        {
            Console.SetOut(original);
        }

        return captured.Snapshot();
    }

    private sealed class LockedStringWriter : TextWriter
    {
        private readonly StringBuilder text = new();
        private readonly Lock gate = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (gate)
            {
                text.Append(value);
            }
        }

        public override void Write(string? value)
        {
            lock (gate)
            {
                text.Append(value);
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (gate)
            {
                text.Append(buffer, index, count);
            }
        }

        public override void Write(ReadOnlySpan<char> buffer)
        {
            lock (gate)
            {
                text.Append(buffer);
            }
        }

        public override void WriteLine(string? value)
        {
            lock (gate)
            {
                text.Append(value).Append(CoreNewLine);
            }
        }

        public string Snapshot()
        {
            lock (gate)
            {
                return text.ToString();
            }
        }
    }
}
