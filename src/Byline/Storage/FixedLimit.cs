using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Byline.Storage;

/// <summary>
/// <c>Take</c> with the count written into the SQL (<c>LIMIT 21</c>) instead of sent as a parameter.
/// EF sends every Take as a parameter, and for a prepared statement with <c>LIMIT $1</c> PostgreSQL
/// estimates its generic plan as if a tenth of the table were wanted: it never adopts it and plans the
/// statement again on every execution (1.2 ms for the home page's per-section read at a million
/// stories). For the few fixed list sizes the reader pages use, one statement per size is the better trade.
/// <c>EF.Constant</c> says so, but only inside the query's expression tree, where <c>Queryable.Take</c>
/// cannot put it: the call is built here by hand.
/// </summary>
public static class FixedLimit
{
    public static IQueryable<T> TakeFixed<T>(this IQueryable<T> source, int count)
    {
        ArgumentNullException.ThrowIfNull(source);
        var constant = Expression.Call(typeof(EF), nameof(EF.Constant), [typeof(int)], Expression.Constant(count));
        return source.Provider.CreateQuery<T>(Expression.Call(typeof(Queryable), nameof(Queryable.Take), [typeof(T)], source.Expression, constant));
    }
}
