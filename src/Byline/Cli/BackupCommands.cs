using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Byline.Media;
using Byline.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Byline.Cli;

/// <summary>Where <c>pg_dump</c> and <c>pg_restore</c> are (<c>Byline:Backup</c>); by default whatever PATH finds.</summary>
public sealed class BackupOptions
{
    public string PgDump { get; set; } = "pg_dump";

    public string PgRestore { get; set; } = "pg_restore";
}

/// <summary>
/// `backup FILE` and `restore FILE`: one zip holding the database (SQLite through the online backup
/// API, so the site keeps serving and writing; PostgreSQL through <c>pg_dump -Fc</c>), a manifest and,
/// unless <c>--no-media</c>, the media folder. Restore refuses a database that already holds tables
/// unless <c>--force</c>.
/// </summary>
internal static class BackupCommands
{
    private const int BadInput = 2;
    private const string Manifest = "manifest.json";
    private const string SqliteEntry = "database.sqlite";
    private const string PostgresEntry = "database.pgdump";
    private const string MediaPrefix = "media/";

    private sealed record BackupManifest(int Format, string Provider, DateTime CreatedUtc, bool Media);

    public static IEnumerable<Command> Create(string[] configArgs, CliConsole console)
    {
        var file = new Argument<FileInfo>("file") { Description = "The backup file (a zip)." };
        var noMedia = new Option<bool>("--no-media") { Description = "Leave the media folder out (back it up on its own, e.g. when it lives on S3)." };
        var backup = new Command("backup", "Write the database (SQLite: online, while the site serves; PostgreSQL: pg_dump -Fc) and the media folder into one file.") { file, noMedia };
        backup.SetAction((pr, ct) => RunAsync(console, "backup", () => BackupAsync(configArgs, console, pr.GetValue(file)!, !pr.GetValue(noMedia), ct), ct));

        var source = new Argument<FileInfo>("file") { Description = "A file written by `byline backup`." };
        var force = new Option<bool>("--force") { Description = "Overwrite a database that already holds tables (and media files of the same name)." };
        var restore = new Command("restore", "Put a backup back: the database (refuses a non-empty one without --force) and the media files it holds.") { source, force };
        restore.SetAction((pr, ct) => RunAsync(console, "restore", () => RestoreAsync(configArgs, console, pr.GetValue(source)!, pr.GetValue(force), ct), ct));
        return [backup, restore];
    }

    private static async Task<int> RunAsync(CliConsole console, string verb, Func<Task<int>> work, CancellationToken ct)
    {
        try
        {
            return await work();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync($"byline: {verb} cancelled.");
            return 130;
        }
#pragma warning disable CA1031 // command-line top level: any failure is one line on stderr and exit code 1
        catch (Exception e)
#pragma warning restore CA1031
        {
            await console.Error.WriteLineAsync($"byline: {verb} failed: {OneLine(e.GetBaseException().Message)}");
            return 1;
        }
    }

    private static (DatabaseProvider Provider, string Connection, MediaStore Media, BackupOptions Tools) Settings(string[] configArgs)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = configArgs, ContentRootPath = Directory.GetCurrentDirectory() });
        var config = builder.Configuration;
        var options = config.GetSection("Byline:Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connection = config.GetConnectionString("Byline");
        if (options.Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(connection))
        {
            throw new InvalidOperationException("Byline__Database__Provider is Postgres but ConnectionStrings__Byline is empty.");
        }
        return (options.Provider, string.IsNullOrWhiteSpace(connection) ? StorageExtensions.DefaultSqlite : connection,
            MediaStore.Create(config), config.GetSection("Byline:Backup").Get<BackupOptions>() ?? new BackupOptions());
    }

    private static async Task<int> BackupAsync(string[] configArgs, CliConsole console, FileInfo file, bool media, CancellationToken ct)
    {
        var (provider, connection, store, tools) = Settings(configArgs);
        using var owned = store as IDisposable;
        var mediaRoot = store.LocalRoot;
        if (media && mediaRoot is null)
        {
            // A bucket is backed up by its own versioning or replication (docs/operations.md, "Media on S3").
            media = false;
            await console.Out.WriteLineAsync($"Media is in {store.Description} and is not part of this backup: keep the bucket versioned or replicated.");
        }
        var work = Path.Combine(Path.GetTempPath(), "byline-backup-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(work);
        var partial = file.FullName + ".partial";
        try
        {
            string dump;
            if (provider == DatabaseProvider.Postgres)
            {
                dump = Path.Combine(work, PostgresEntry);
                var run = await PgToolAsync(tools.PgDump, "pg_dump", connection, ["--format=custom", "--no-owner", "--file=" + dump], ct);
                if (run is not null)
                {
                    await console.Error.WriteLineAsync("byline: " + run);
                    return 1;
                }
            }
            else
            {
                dump = Path.Combine(work, SqliteEntry);
                // The online backup API copies a consistent snapshot page by page while other connections keep writing.
                await using var live = new SqliteConnection(SqliteSource(connection, SqliteOpenMode.ReadOnly));
                await live.OpenAsync(ct);
                await using var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dump, Pooling = false }.ToString());
                await copy.OpenAsync(ct);
                live.BackupDatabase(copy);
            }
            var files = 0;
            Directory.CreateDirectory(file.DirectoryName!);
            await using (var stream = File.Create(partial))
            using (var zip = new ZipArchive(stream, ZipArchiveMode.Create))
            {
                var manifest = new BackupManifest(1, provider.ToString(), DateTime.UtcNow, media);
                await using (var entry = await zip.CreateEntry(Manifest).OpenAsync(ct))
                {
                    await JsonSerializer.SerializeAsync(entry, manifest, cancellationToken: ct);
                }
                await zip.CreateEntryFromFileAsync(dump, Path.GetFileName(dump), CompressionLevel.Fastest, ct);
                if (media && Directory.Exists(mediaRoot!))
                {
                    foreach (var path in Directory.EnumerateFiles(mediaRoot, "*", SearchOption.AllDirectories))
                    {
                        var name = MediaPrefix + Path.GetRelativePath(mediaRoot, path).Replace(Path.DirectorySeparatorChar, '/');
                        // Pictures are compressed already.
                        await zip.CreateEntryFromFileAsync(path, name, CompressionLevel.NoCompression, ct);
                        files++;
                    }
                }
            }
            File.Move(partial, file.FullName, overwrite: true);
            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Backed up the {provider} database{(media ? $" and {files} media files" : "")} to {file.FullName} ({new FileInfo(file.FullName).Length:N0} bytes)."));
            return 0;
        }
        finally
        {
            File.Delete(partial);
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<int> RestoreAsync(string[] configArgs, CliConsole console, FileInfo file, bool force, CancellationToken ct)
    {
        if (!file.Exists)
        {
            await console.Error.WriteLineAsync($"byline: restore: no such file {file.FullName}.");
            return BadInput;
        }
        var (provider, connection, store, tools) = Settings(configArgs);
        using var owned = store as IDisposable;
        BackupManifest? manifest;
        using var zip = await ZipFile.OpenReadAsync(file.FullName, ct);
        var manifestEntry = zip.GetEntry(Manifest);
        if (manifestEntry is null)
        {
            await console.Error.WriteLineAsync($"byline: restore: {file.Name} is not a Byline backup (no {Manifest}).");
            return BadInput;
        }
        await using (var s = await manifestEntry.OpenAsync(ct))
        {
            manifest = await JsonSerializer.DeserializeAsync<BackupManifest>(s, cancellationToken: ct);
        }
        if (manifest is null || !string.Equals(manifest.Provider, provider.ToString(), StringComparison.Ordinal))
        {
            await console.Error.WriteLineAsync($"byline: restore: the backup holds a {manifest?.Provider} database and this site is configured for {provider}.");
            return BadInput;
        }
        var tables = provider == DatabaseProvider.Postgres ? await PostgresTablesAsync(connection, ct) : await SqliteTablesAsync(connection, ct);
        if (tables > 0 && !force)
        {
            await console.Error.WriteLineAsync($"byline: restore: the {provider} database already holds {tables} tables; add --force to overwrite it.");
            return BadInput;
        }
        var work = Path.Combine(Path.GetTempPath(), "byline-restore-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(work);
        try
        {
            if (provider == DatabaseProvider.Postgres)
            {
                var dump = Path.Combine(work, PostgresEntry);
                zip.GetEntry(PostgresEntry)!.ExtractToFile(dump);
                string[] args = tables > 0 ? ["--clean", "--if-exists", "--no-owner", "--exit-on-error", dump] : ["--no-owner", "--exit-on-error", dump];
                var run = await PgToolAsync(tools.PgRestore, "pg_restore", connection, args, ct);
                if (run is not null)
                {
                    await console.Error.WriteLineAsync("byline: " + run);
                    return 1;
                }
            }
            else
            {
                var dump = Path.Combine(work, SqliteEntry);
                zip.GetEntry(SqliteEntry)!.ExtractToFile(dump);
                await using var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dump, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
                await copy.OpenAsync(ct);
                await using var target = new SqliteConnection(SqliteSource(connection, SqliteOpenMode.ReadWriteCreate));
                await target.OpenAsync(ct);
                copy.BackupDatabase(target);
            }
            var files = await RestoreMediaAsync(zip, store, force, ct);
            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Restored the {provider} database of {manifest.CreatedUtc:yyyy-MM-dd HH:mm:ss} UTC and {files} media files from {file.FullName}."));
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// The backup's media files into the configured store: the folder as before, or the bucket (which is how
    /// a site moves its media from disk to S3: back up, switch <c>Byline:Media:Store</c>, restore).
    /// </summary>
    private static async Task<int> RestoreMediaAsync(ZipArchive zip, MediaStore store, bool force, CancellationToken ct)
    {
        var files = 0;
        var entries = zip.Entries.Where(e => e.FullName.StartsWith(MediaPrefix, StringComparison.Ordinal) && e.Name.Length > 0);
        if (store.LocalRoot is { } mediaRoot)
        {
            var root = Path.GetFullPath(mediaRoot) + Path.DirectorySeparatorChar;
            foreach (var entry in entries)
            {
                var target = Path.GetFullPath(Path.Combine(root, entry.FullName[MediaPrefix.Length..]));
                if (!target.StartsWith(root, StringComparison.Ordinal))
                {
                    continue; // a crafted name reaching outside the media folder
                }
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await entry.ExtractToFileAsync(target, overwrite: force, ct);
                files++;
            }
            return files;
        }
        foreach (var entry in entries)
        {
            // Only {key}/{file} names with plain characters: a crafted name cannot reach another prefix.
            var parts = entry.FullName[MediaPrefix.Length..].Split('/');
            if (parts.Length != 2 || !parts.All(IsPlainName))
            {
                continue;
            }
            if (!force && await store.InfoAsync(parts[0], parts[1], ct) is not null)
            {
                throw new IOException($"The file {parts[0]}/{parts[1]} is already in {store.Description}; add --force to overwrite it.");
            }
            using var bytes = new MemoryStream();
            await using (var s = await entry.OpenAsync(ct))
            {
                await s.CopyToAsync(bytes, ct);
            }
            await store.WriteAsync(parts[0], parts[1], bytes.GetBuffer().AsMemory(0, (int)bytes.Length), MediaStore.ContentTypeOf(parts[1]), ct);
            files++;
        }
        return files;
    }

    private static bool IsPlainName(string part) =>
        part.Length is > 0 and <= 100 && part[0] != '.' && part.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '.');

    private static string SqliteSource(string connection, SqliteOpenMode mode)
    {
        var builder = new SqliteConnectionStringBuilder(connection) { Mode = mode, Pooling = false };
        if (mode != SqliteOpenMode.ReadOnly)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(builder.DataSource))!);
        }
        return builder.ToString();
    }

    private static async Task<long> SqliteTablesAsync(string connection, CancellationToken ct)
    {
        var builder = new SqliteConnectionStringBuilder(connection);
        if (!File.Exists(builder.DataSource))
        {
            return 0;
        }
        await using var db = new SqliteConnection(SqliteSource(connection, SqliteOpenMode.ReadOnly));
        await db.OpenAsync(ct);
        await using var count = db.CreateCommand();
        count.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
        return (long)(await count.ExecuteScalarAsync(ct))!;
    }

    private static async Task<long> PostgresTablesAsync(string connection, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connection) { Pooling = false }.ConnectionString);
        await db.OpenAsync(ct);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'", db);
        return (long)(await count.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Runs pg_dump or pg_restore with the connection in libpq's environment (no password on the command line); null when it succeeded, else the one line to print.</summary>
    private static async Task<string?> PgToolAsync(string tool, string name, string connection, IEnumerable<string> args, CancellationToken ct)
    {
        var found = Locate(tool);
        if (found is null)
        {
            return $"{name} was not found ('{tool}' is not on PATH): install the PostgreSQL client (postgresql-client) or set Byline:Backup:{(name == "pg_dump" ? "PgDump" : "PgRestore")} to its path.";
        }
        var pg = new NpgsqlConnectionStringBuilder(connection);
        var start = new ProcessStartInfo(found) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["PGHOST"] = pg.Host ?? "127.0.0.1";
        start.Environment["PGPORT"] = pg.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["PGDATABASE"] = pg.Database ?? "";
        start.Environment["PGUSER"] = pg.Username ?? "";
        if (!string.IsNullOrEmpty(pg.Password))
        {
            start.Environment["PGPASSWORD"] = pg.Password;
        }
        if (name == "pg_restore")
        {
            start.ArgumentList.Add("--dbname=" + (pg.Database ?? ""));
        }
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        await output;
        var text = await errors;
        return process.ExitCode == 0 ? null : $"{name} exited with {process.ExitCode}: {OneLine(text)}";
    }

    private static string? Locate(string tool)
    {
        if (tool.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return File.Exists(tool) ? tool : null;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
