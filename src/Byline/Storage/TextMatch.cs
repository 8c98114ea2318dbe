using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Byline.Storage;

/// <summary>
/// "Contains this text, ignoring case" for the newsroom's look-ups, on both databases: SQLite's LIKE folds
/// ASCII letters, PostgreSQL's LIKE folds nothing, so it gets ILIKE. The typed text is a parameter with
/// its wildcards escaped, never part of the SQL.
/// </summary>
public static class TextMatch
{
    public static IQueryable<T> WhereContains<T>(this IQueryable<T> source, DatabaseFacade database, Expression<Func<T, string>> field, string text)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(text);
        var pattern = "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        Expression<Func<string, bool>> test = database.IsNpgsql()
            ? value => EF.Functions.ILike(value, pattern, "\\")
            : value => EF.Functions.Like(value, pattern, "\\");
        var body = new Substitute(test.Parameters[0], field.Body).Visit(test.Body);
        return source.Where(Expression.Lambda<Func<T, bool>>(body, field.Parameters));
    }

    private sealed class Substitute(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
