using Byline.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Support;

/// <summary>A SQLite file of a test's own, for tests that migrate or fill a database by hand; deleted with its WAL files afterwards.</summary>
public sealed class TempSqliteFile : IDisposable
{
    public TempSqliteFile(string name)
    {
        Directory.CreateDirectory(BylineApp.TempRoot);
        Path = System.IO.Path.Combine(BylineApp.TempRoot, $"{name}-{Guid.NewGuid():N}.db");
    }

    public string Path { get; }

    public SqliteBylineDb Open() =>
        new(new DbContextOptionsBuilder<SqliteBylineDb>().UseSqlite($"Data Source={Path}").Options);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(Path + suffix);
        }
    }
}
