using Microsoft.Data.Sqlite;

namespace Byline.Tests.Support;

/// <summary>Byline on a SQLite file of its own under the temp folder.</summary>
public class SqliteApp : BylineApp
{
    private string? _file;

    public override TestDatabase Database => TestDatabase.Sqlite;

    protected override Task<string> CreateDatabaseAsync()
    {
        _file = Path.Combine(TempRoot, $"{Id}.db");
        return Task.FromResult($"Data Source={_file}");
    }

    protected override Task DropDatabaseAsync()
    {
        SqliteConnection.ClearAllPools();
        if (_file is not null)
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(_file + suffix);
            }
        }
        return Task.CompletedTask;
    }
}
