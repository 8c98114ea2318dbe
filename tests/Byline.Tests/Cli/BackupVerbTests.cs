using System.Net;
using Byline.Cli;
using Byline.Tests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Byline.Tests.Cli;

/// <summary>
/// `byline backup` and `byline restore` against a running site: the SQLite backup is taken while
/// stories are being written, and a site started on the restored database serves the same story.
/// </summary>
public abstract class BackupVerbTests(BylineApp app) : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(BylineApp.TempRoot, "backup-" + Guid.NewGuid().ToString("N")[..10]);

    private sealed record Run(int Exit, string Out, string Error);

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private static string Provider(BylineApp app) => app.Database == TestDatabase.Postgres ? "Postgres" : "Sqlite";

    private static async Task<Run> RunAsync(string connection, string provider, string media, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await BylineCli.RunAsync(
            [.. args, $"--ConnectionStrings:Byline={connection}", $"--Byline:Database:Provider={provider}", $"--Byline:Media:Path={media}"],
            new CliConsole(new StringReader(""), output, error, InteractiveInput: false));
        return new Run(exit, output.ToString(), error.ToString());
    }

    /// <summary>An empty database of the app's kind: a new SQLite file, or a new PostgreSQL database.</summary>
    private async Task<(string Connection, Func<Task> Drop)> EmptyDatabaseAsync()
    {
        if (app.Database == TestDatabase.Sqlite)
        {
            return ($"Data Source={Path.Combine(_folder, "restored.db")}", () => Task.CompletedTask);
        }
        var server = new NpgsqlConnectionStringBuilder(app.ConnectionString) { Database = "postgres", Pooling = false };
        var name = "byline_restore_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0", connection);
            await create.ExecuteNonQueryAsync();
        }
        return (new NpgsqlConnectionStringBuilder(app.ConnectionString) { Database = name }.ConnectionString, async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(server.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        });
    }

    [DatabaseFact]
    public async Task A_backup_taken_while_stories_are_written_restores_into_a_site_that_serves_the_same_story()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section);
        Directory.CreateDirectory(app.MediaPath);
        await File.WriteAllTextAsync(Path.Combine(app.MediaPath, "marker.txt"), "media kept");
        var file = Path.Combine(_folder, "site.zip");

        // The site keeps writing while the backup runs.
        using var stop = new CancellationTokenSource();
        var writes = Task.Run(async () =>
        {
            var written = 0;
            while (!stop.IsCancellationRequested && written < 40)
            {
                await app.Content.StoryAsync(section, new StorySpec { Paragraphs = 2 });
                written++;
            }
            return written;
        });
        var backup = await RunAsync(app.ConnectionString, Provider(app), app.MediaPath, "backup", file);
        await stop.CancelAsync();
        Assert.True(await writes > 0);

        Assert.True(backup.Exit == 0, backup.Error);
        Assert.Contains("Backed up", backup.Out, StringComparison.Ordinal);
        var (restored, drop) = await EmptyDatabaseAsync();
        var media = Path.Combine(_folder, "media");
        try
        {
            var restore = await RunAsync(restored, Provider(app), media, "restore", file);
            Assert.True(restore.Exit == 0, restore.Error);
            Assert.Equal("media kept", await File.ReadAllTextAsync(Path.Combine(media, "marker.txt")));

            await using var node = await app.StartNodeAsync(restored);
            using var page = await node.Client.GetAsync(new Uri(story.Path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains(story.Headline, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await drop();
        }
    }

    [DatabaseFact]
    public async Task Restore_refuses_a_database_that_holds_tables_without_force()
    {
        var file = Path.Combine(_folder, "refused.zip");
        var backup = await RunAsync(app.ConnectionString, Provider(app), app.MediaPath, "backup", file, "--no-media");
        Assert.True(backup.Exit == 0, backup.Error);
        var story = await app.Content.StoryAsync(await app.Content.SectionAsync());

        var restore = await RunAsync(app.ConnectionString, Provider(app), app.MediaPath, "restore", file);

        Assert.Equal(2, restore.Exit);
        Assert.Single(restore.Error.Trim().Split('\n'));
        Assert.Contains("--force", restore.Error, StringComparison.Ordinal);
        // Nothing was overwritten: the story written after the backup is still there.
        using var page = await app.GetAsync(story.Path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [DatabaseFact]
    public async Task Restore_of_a_missing_file_is_one_line_and_exit_2()
    {
        var restore = await RunAsync(app.ConnectionString, Provider(app), app.MediaPath, "restore", Path.Combine(_folder, "no-such.zip"));

        Assert.Equal(2, restore.Exit);
        Assert.Single(restore.Error.Trim().Split('\n'));
        Assert.Contains("no such file", restore.Error, StringComparison.Ordinal);
    }
}

public sealed class BackupVerbOnSqlite(SqliteApp app) : BackupVerbTests(app), IClassFixture<SqliteApp>;

public sealed class BackupVerbOnPostgres(PostgresApp app) : BackupVerbTests(app), IClassFixture<PostgresApp>
{
    [Fact]
    public async Task Backup_without_pg_dump_says_so_in_one_line_and_fails()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await BylineCli.RunAsync(
            ["backup", Path.Combine(BylineApp.TempRoot, "never.zip"), "--ConnectionStrings:Byline=Host=127.0.0.1;Username=postgres;Database=x",
             "--Byline:Database:Provider=Postgres", "--Byline:Backup:PgDump=/nonexistent/bin/pg_dump"],
            new CliConsole(new StringReader(""), output, error, InteractiveInput: false));

        Assert.Equal(1, exit);
        Assert.Single(error.ToString().Trim().Split('\n'));
        Assert.Contains("pg_dump was not found", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(BylineApp.TempRoot, "never.zip")));
    }
}
