using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Byline.Tests.Support;

/// <summary>
/// A PostgreSQL streaming replica of the suites' server (<c>BYLINE_TEST_POSTGRES</c>), made with
/// <c>pg_basebackup -R</c> into a folder of its own and started on a free loopback port: a hot standby
/// that replays the primary's WAL as it streams in. The tests pause and resume its replay and stop and
/// start it. As root (the test command on a fresh machine) the server runs as the <c>postgres</c> user.
/// </summary>
public sealed class StreamingReplica : IAsyncDisposable
{
    /// <summary>The PostgreSQL programs' folder, when not the newest under /usr/lib/postgresql.</summary>
    public const string BinVariable = "BYLINE_TEST_PGBIN";

    /// <summary>Settings a hot standby must hold at least as high as its primary, or it refuses to start.</summary>
    private static readonly string[] AtLeastPrimary =
        ["max_connections", "max_worker_processes", "max_wal_senders", "max_prepared_transactions", "max_locks_per_transaction"];

    private readonly string _folder;
    private readonly string _bin;
    private readonly string _options;

    private StreamingReplica(string folder, string bin, int port, string options)
    {
        _folder = folder;
        _bin = bin;
        Port = port;
        _options = options;
    }

    public int Port { get; }

    /// <summary>The replica's connection string for one database of the primary (<paramref name="primary"/> names it).</summary>
    public string ConnectionFor(string primary) =>
        new NpgsqlConnectionStringBuilder(primary) { Host = "127.0.0.1", Port = Port }.ConnectionString;

    private string Admin => new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = "postgres", Pooling = false, Timeout = 5 }.ConnectionString;

    /// <summary>Copies the primary with pg_basebackup, starts the copy as a standby and waits until it answers.</summary>
    public static async Task<StreamingReplica> StartAsync(string primary)
    {
        var bin = Environment.GetEnvironmentVariable(BinVariable);
        if (string.IsNullOrWhiteSpace(bin))
        {
            bin = Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                    .Where(d => File.Exists(Path.Combine(d, "pg_basebackup")))
                    .OrderBy(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).LastOrDefault()
                : null;
        }
        if (bin is null || !File.Exists(Path.Combine(bin, "pg_basebackup")))
        {
            throw new InvalidOperationException(
                $"The replica suite needs PostgreSQL's programs (pg_basebackup, pg_ctl): scripts/test.sh installs the postgresql package; or set {BinVariable}.");
        }
        var source = new NpgsqlConnectionStringBuilder(primary);
        var settings = new List<string>();
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(primary) { Database = "postgres", Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync();
            foreach (var name in AtLeastPrimary)
            {
                await using var show = new NpgsqlCommand("SHOW " + name, connection);
                settings.Add($"-c {name}={await show.ExecuteScalarAsync()}");
            }
        }
        var folder = Path.Combine(BylineApp.TempRoot, "replica-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(folder);
        await OwnAsync(folder);
        var port = ServerProcess.FreePort();
        var options = $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c hot_standby=on -c hot_standby_feedback=on {string.Join(' ', settings)}";
        var replica = new StreamingReplica(folder, bin, port, options);
        try
        {
            await RunAsync(
                $"{bin}/pg_basebackup -h {source.Host} -p {source.Port.ToString(CultureInfo.InvariantCulture)} -U {source.Username ?? "postgres"} " +
                $"-D {folder}/data -R -X stream --checkpoint=fast --no-sync");
            await replica.StartServerAsync();
        }
        catch
        {
            await replica.DisposeAsync();
            throw;
        }
        return replica;
    }

    /// <summary>Starts (again) and waits until the standby answers queries.</summary>
    public async Task StartServerAsync()
    {
        await RunAsync($"{_bin}/pg_ctl -D {_folder}/data -l {_folder}/server.log -w -t 120 -o '{_options}' start");
        await Poll.UntilAsync(async () =>
        {
            try
            {
                await using var connection = new NpgsqlConnection(Admin);
                await connection.OpenAsync();
                await using var cmd = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
                return (bool)(await cmd.ExecuteScalarAsync())!;
            }
            catch (NpgsqlException)
            {
                return false;
            }
        }, "the replica answers as a hot standby", TimeSpan.FromSeconds(60));
    }

    /// <summary>Stops the standby (fast shutdown: its clients are cut off).</summary>
    public Task StopServerAsync() => RunAsync($"{_bin}/pg_ctl -D {_folder}/data -m fast -w stop");

    /// <summary>Stops replaying WAL: the standby keeps answering with what it had (<c>pg_wal_replay_pause()</c>).</summary>
    public Task PauseReplayAsync() => ExecuteAsync("SELECT pg_wal_replay_pause()");

    public Task ResumeReplayAsync() => ExecuteAsync("SELECT pg_wal_replay_resume()");

    /// <summary>Whether a content event has been replayed here.</summary>
    public async Task<bool> HasEventAsync(string primary, long id)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionFor(primary)) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM \"ContentEvents\" WHERE \"Id\" = @id", connection);
        cmd.Parameters.AddWithValue("id", id);
        return (long)(await cmd.ExecuteScalarAsync())! > 0;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(_folder, "data", "postmaster.pid")))
        {
            await RunAsync($"{_bin}/pg_ctl -D {_folder}/data -m immediate -w stop");
        }
        ServerProcess.DeleteFolder(_folder);
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static async Task OwnAsync(string folder)
    {
        if (IsRoot)
        {
            await ShellAsync("chown", ["postgres:postgres", folder]);
        }
    }

    /// <summary>Runs a PostgreSQL program, as the postgres user when the tests run as root.</summary>
    private static Task RunAsync(string command) =>
        IsRoot ? ShellAsync("su", ["postgres", "-s", "/bin/sh", "-c", command]) : ShellAsync("/bin/sh", ["-c", command]);

    private static async Task ShellAsync(string program, string[] args)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException(program + " did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', args)} exited with {process.ExitCode}: {await output} {await error}");
        }
    }
}
