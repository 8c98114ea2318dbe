using System.Collections.Concurrent;

namespace Byline.Storage;

/// <summary>
/// An <c>EF.CompileAsyncQuery</c> delegate per concrete context type. A compiled query binds to the
/// model and provider of the first context it runs on; typed on the abstract <see cref="BylineDb"/>
/// and held in one static, it would run SQLite's SQL against PostgreSQL (and the reverse) whenever
/// both providers live in one process, as in the test suite. Each provider's context gets its own
/// delegate, compiled on first use.
/// </summary>
public sealed class CompiledQuery<TDelegate>(Func<TDelegate> compile) where TDelegate : class
{
    private readonly ConcurrentDictionary<Type, TDelegate> _byContext = new();

    public TDelegate For(BylineDb db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return _byContext.GetOrAdd(db.GetType(), static (_, c) => c(), compile);
    }
}
