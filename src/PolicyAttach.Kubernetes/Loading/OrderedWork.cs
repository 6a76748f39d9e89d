using System.Collections.Concurrent;

namespace PolicyAttach.Kubernetes.Loading;

/// <summary>
/// Work handed over in input order while it is still being found: the producer adds items one by one (the JSON fast
/// path's first pass, as it finds each object's range), and other threads start on them in batches at once, so the
/// serial pass is no longer followed by the work but overlaps it. Result <c>i</c> is that of item <c>i</c>, whatever
/// thread made it, so the order of results never depends on timing. Nothing here is kept after the work: a run that
/// is given up (<see cref="Cancel"/>) leaves no trace but the per-thread caches of equal values the body may fill.
/// </summary>
/// <typeparam name="TIn">An item.</typeparam>
/// <typeparam name="TOut">What the body makes of it.</typeparam>
internal sealed class OrderedWork<TIn, TOut> : IDisposable
{
    /// <summary>Items per batch: about a millisecond of reading, small enough to share the last ones evenly.</summary>
    private const int BatchSize = 64;

    private readonly Func<int, TIn, TOut> _body;
    private readonly int _workerCount;
    private readonly ConcurrentQueue<Batch> _queue = new();
    private readonly List<Batch> _batches = [];
    private readonly SemaphoreSlim _ready = new(0);
    private Task[] _workers = [];
    private Batch? _open;
    private int _count;
    private volatile bool _done;
    private volatile bool _cancelled;

    /// <summary>Whether every other thread has been waited for.</summary>
    private bool _joined;

    /// <summary>Creates the work; no thread starts before a first batch is full.</summary>
    /// <param name="body">Makes the result of item <c>i</c>; it may run on any thread, several at once.</param>
    /// <param name="workers">The threads besides the producer's (which joins them once it has added every item).</param>
    public OrderedWork(Func<int, TIn, TOut> body, int workers)
    {
        _body = body;
        _workerCount = Math.Max(workers, 0);
    }

    /// <summary>The number of items added.</summary>
    public int Count => _count;

    /// <summary>Adds the next item; a full batch is handed to the other threads.</summary>
    /// <param name="item">The item.</param>
    public void Add(TIn item)
    {
        _open ??= new Batch(_count);
        _open.Items[_open.Count++] = item;
        _count++;
        if (_open.Count == BatchSize)
        {
            Publish();
        }
    }

    /// <summary>Waits for every item's result, working on the remaining ones on this thread too.</summary>
    /// <returns>The results in the order the items were added.</returns>
    public TOut[] Complete()
    {
        if (_open is not null)
        {
            Publish();
        }

        Finish();
        while (_queue.TryDequeue(out var batch))
        {
            Run(batch);
        }

        Task.WaitAll(_workers);
        _joined = true;
        var results = new TOut[_count];
        foreach (var batch in _batches)
        {
            Array.Copy(batch.Results, 0, results, batch.First, batch.Count);
        }

        return results;
    }

    /// <summary>Gives the work up: the other threads stop after their current item and are waited for.</summary>
    public void Cancel()
    {
        _cancelled = true;
        Finish();
        try
        {
            Task.WaitAll(_workers);
        }
        catch (AggregateException)
        {
            // Results of given-up work are not read, nor what went wrong making them.
        }

        _joined = true;
    }

    /// <summary>Gives the work up unless it was completed or given up already, so that no thread outlives it.</summary>
    public void Dispose()
    {
        if (!_joined)
        {
            Cancel();
        }

        _ready.Dispose();
    }

    private void Publish()
    {
        var batch = _open!;
        _open = null;
        _batches.Add(batch);
        if (_workerCount == 0)
        {
            // One processor: the batch is read once every item has been added.
            _queue.Enqueue(batch);
            return;
        }

        if (_workers.Length == 0)
        {
            _workers = new Task[_workerCount];
            for (var i = 0; i < _workers.Length; i++)
            {
                // Pool threads: they keep the reader's per-thread caches of shared values from one load to the next.
                _workers[i] = Task.Run(Work);
            }
        }

        _queue.Enqueue(batch);
        _ready.Release();
    }

    private void Finish()
    {
        _done = true;
        if (_workers.Length > 0)
        {
            _ready.Release(_workers.Length);
        }
    }

    private void Work()
    {
        while (true)
        {
            if (_queue.TryDequeue(out var batch))
            {
                Run(batch);
                continue;
            }

            if (_done)
            {
                return;
            }

            _ready.Wait();
        }
    }

    private void Run(Batch batch)
    {
        for (var i = 0; i < batch.Count && !_cancelled; i++)
        {
            batch.Results[i] = _body(batch.First + i, batch.Items[i]);
        }
    }

    /// <summary>Up to <see cref="BatchSize"/> consecutive items from <see cref="First"/>, and their results.</summary>
    private sealed class Batch(int first)
    {
        public int First { get; } = first;

        public TIn[] Items { get; } = new TIn[BatchSize];

        public TOut[] Results { get; } = new TOut[BatchSize];

        public int Count { get; set; }
    }
}
