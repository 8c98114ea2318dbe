using System.Text;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Wire;

/// <summary>
/// Full-text search over the wire, by provider: SQLite keeps an FTS5 table <c>WireSearch</c> (rowid = item id)
/// in step with <c>WireItems</c> through triggers; PostgreSQL a generated, weighted <c>tsvector</c> column with a
/// GIN index. Both made by the WireDesk migration. Returns the newest matching ids.
/// </summary>
public static class WireSearch
{
    public const int MaxMatches = 2000;

    public static async Task<List<long>> MatchAsync(BylineDb db, string query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(query);
        var words = Words(query);
        if (words.Count == 0)
        {
            return [];
        }
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            // Each word quoted: the reader's text is never FTS5 syntax. Prefix match on the last word, as people type.
            var fts = string.Join(' ', words.Select((w, i) => "\"" + w + "\"" + (i == words.Count - 1 ? "*" : "")));
            return await db.Database.SqlQueryRaw<long>(
                $"SELECT rowid AS \"Value\" FROM \"WireSearch\" WHERE \"WireSearch\" MATCH {{0}} ORDER BY rowid DESC LIMIT {MaxMatches}", fts)
                .ToListAsync(ct);
        }
        var text = string.Join(' ', words);
        return await db.Database.SqlQueryRaw<long>(
            $"SELECT \"Id\" AS \"Value\" FROM \"WireItems\" WHERE \"SearchVector\" @@ plainto_tsquery('english', {{0}}) ORDER BY \"Id\" DESC LIMIT {MaxMatches}", text)
            .ToListAsync(ct);
    }

    private static List<string> Words(string query)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var c in query.Length > 200 ? query[..200] : query)
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(c);
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }
        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }
        return [.. words.Take(8)];
    }
}
