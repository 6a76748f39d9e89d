namespace PolicyAttach.Collections;

/// <summary>
/// A value given, or built on the first read by whichever thread reads it first (the others wait and read the same
/// value), so a reader on another thread never sees half of it.
/// </summary>
/// <typeparam name="T">The value's type.</typeparam>
internal sealed class OnFirstRead<T>
{
    private readonly object? _gate;
    private Func<T>? _build;
    private T _value;
    private volatile bool _built;

    public OnFirstRead(T value)
    {
        _value = value;
        _built = true;
    }

    public OnFirstRead(Func<T> build)
    {
        _gate = new object();
        _build = build;
        _value = default!;
    }

    public T Value
    {
        get
        {
            if (!_built)
            {
                lock (_gate!)
                {
                    if (!_built)
                    {
                        _value = _build!();
                        _build = null;
                        _built = true;
                    }
                }
            }

            return _value;
        }
    }

    /// <summary>The value when it is already there (given, or built by an earlier read).</summary>
    public bool TryGet(out T value)
    {
        var there = _built;
        value = there ? _value : default!;
        return there;
    }
}
