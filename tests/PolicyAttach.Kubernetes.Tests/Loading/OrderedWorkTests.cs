using PolicyAttach.Kubernetes.Loading;

namespace PolicyAttach.Kubernetes.Tests.Loading;

/// <summary>Work handed to other threads while it is found: results in the order of the items, whatever the threads.</summary>
public sealed class OrderedWorkTests
{
    [Theory]
    [InlineData(0, 10)]
    [InlineData(1, 1000)]
    [InlineData(3, 1000)]
    [InlineData(3, 64)]
    [InlineData(2, 0)]
    public void Complete_ItemsOnSeveralThreads_ResultsInItemOrder(int workers, int count)
    {
        using var work = new OrderedWork<string, (int Index, string Item)>((i, item) => (i, item + "!"), workers);
        for (var i = 0; i < count; i++)
        {
            work.Add("item" + i);
        }

        var results = work.Complete();

        Assert.Equal(Enumerable.Range(0, count).Select(i => (i, "item" + i + "!")), results);
        Assert.Equal(count, work.Count);
    }

    [Fact]
    public void Cancel_WhileWorking_StopsEveryThreadBeforeReturning()
    {
        var running = 0;
        var after = 0;
        var cancelled = false;
        var work = new OrderedWork<int, int>(
            (i, item) =>
            {
                Interlocked.Increment(ref running);
                if (Volatile.Read(ref cancelled))
                {
                    Interlocked.Increment(ref after);
                }

                Interlocked.Decrement(ref running);
                return item;
            },
            2);
        for (var i = 0; i < 500; i++)
        {
            work.Add(i);
        }

        work.Cancel();
        Volatile.Write(ref cancelled, true);
        var runningAfter = Volatile.Read(ref running);
        work.Dispose();

        Assert.Equal(0, runningAfter);
        Assert.Equal(0, Volatile.Read(ref after));
    }

    [Fact]
    public void Complete_BodyThrows_Rethrows()
    {
        using var work = new OrderedWork<int, int>((i, item) => item == 100 ? throw new InvalidOperationException("bad") : item, 1);
        for (var i = 0; i < 200; i++)
        {
            work.Add(i);
        }

        var thrown = Record.Exception(() => work.Complete());

        Assert.NotNull(thrown);
    }
}
