using Ledger.Core.Protocol;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Queries;

public sealed class PagingTests
{
    [Test]
    public void WorksByOwner_PagedThrough_ReturnsEveryWorkOnceInWorkIdOrder()
    {
        var chain = new TestChain();
        var holder = Sample.External("brand");
        chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(holder, Enumerable.Range(0, 25).Select(i => Sample.Item($"i{i}", $"sku{i}"))));

        var seen = new List<string>();
        byte[]? token = null;
        var pages = 0;
        do
        {
            var page = chain.Queries.GetWorksByOwner(holder, token, pageSize: 10);
            seen.AddRange(page.Items.Select(w => Convert.ToHexString(w.WorkId.Span)));
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null);

        Assert.That(pages, Is.EqualTo(3));
        Assert.That(seen, Has.Count.EqualTo(25));
        Assert.That(seen, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(seen.Distinct().Count(), Is.EqualTo(25));
    }

    [Test]
    public void WorkHistory_PagedOneByOne_ListsRegistrationThenEvents()
    {
        var chain = new TestChain();
        chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("p", Sample.Member(Alice)));
        var workId = Sample.WorkIdOf(chain.LastTxHash);
        chain.Apply(Alice, TransactionType.TransferOwnership, new TransferOwnership { WorkId = workId, NewHolder = Sample.Member(Bob) });
        chain.Apply(Bob, TransactionType.TransferOwnership, new TransferOwnership { WorkId = workId, NewHolder = Sample.Member(Alice) });

        var kinds = new List<WorkEventKind>();
        byte[]? token = null;
        do
        {
            var page = chain.Queries.GetWorkHistory(workId.Span, token, pageSize: 1);
            Assert.That(page.Items, Has.Count.EqualTo(1));
            kinds.AddRange(page.Items.Select(e => e.Kind));
            token = page.NextPageToken;
        }
        while (token is not null);

        Assert.That(kinds, Is.EqualTo(new[] { WorkEventKind.Registered, WorkEventKind.OwnershipTransferred, WorkEventKind.OwnershipTransferred }));
    }

    [Test]
    public void Paging_WithPageSizeOverTheBound_Throws()
    {
        var chain = new TestChain();

        Assert.That(
            () => chain.Queries.GetWorksByOwner(Sample.Member(Alice), null, Applying.RegistryLimits.QueryPageSizeMax + 1),
            Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Paging_WithMalformedToken_Throws()
    {
        var chain = new TestChain();

        Assert.That(() => chain.Queries.GetClaimsByStatus(ClaimStatus.Filed, [1, 2, 3], 10), Throws.ArgumentException);
    }
}
