namespace Ledger.Node.Tests.Support;

/// <summary>Polls a condition that other threads make true (a node electing, applying, forgetting waiters).</summary>
public static class Eventually
{
    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the condition did not hold in time");
            }

            await Task.Delay(10);
        }
    }
}
