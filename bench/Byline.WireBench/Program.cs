using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Byline.Hosting;
using Byline.Storage;
using Byline.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

// The wire desk's bench (see bench/wire.sh and bench/wire.md), against the database the environment names:
//   seed N        N wire items written straight into the real tables (SQLite: one prepared INSERT in large
//                 transactions, the FTS triggers firing; PostgreSQL: binary COPY, the generated tsvector and
//                 its GIN index maintained) — a bench-only generator, not the ingest path
//   desk RUNS     the desk's list (filters) and search through WireDesk, RUNS timed calls each: p50 / p95
//   ingest N      N ninjs items polled from a feed server on loopback (in this process) through the real
//                 poller, exact dedup and clustering on, beside the raw parse rate of the same documents
//   push RUNS     one pushed item each: parse + ingest (what the push endpoint runs after its signature
//                 check) until the desk's first page shows it: p50 / p95
var mode = args.Length > 0 ? args[0] : "desk";
var n = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
var config = new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Byline:Wire:AllowedHosts:0"] = "127.0.0.1",
    ["Byline:Wire:PausePolling"] = "true",
}).Build();
var services = new ServiceCollection();
services.AddLogging(l => l.SetMinimumLevel(LogLevel.Error).AddSimpleConsole());
services.AddSingleton<IConfiguration>(config);
var environment = new BenchEnvironment();
services.AddSingleton<IHostEnvironment>(environment);
services.AddSingleton<IWebHostEnvironment>(environment);
services.AddDataProtection();
services.AddBylineCore(config);
services.AddSingleton<Readiness>();
services.AddSingleton<AuditLog>();
services.AddWire(config);
await using var provider = services.BuildServiceProvider();
await using (var scope = provider.CreateAsyncScope())
{
    await StorageExtensions.MigrateAsync(scope.ServiceProvider.GetRequiredService<BylineDb>(), CancellationToken.None);
}
Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
switch (mode)
{
    case "seed":
        await SeedAsync(provider, n);
        break;
    case "desk":
        await DeskAsync(provider, n == 0 ? 30 : n);
        break;
    case "ingest":
        await IngestAsync(provider, n == 0 ? 10_000 : n);
        break;
    case "push":
        await PushAsync(provider, n == 0 ? 50 : n);
        break;
    default:
        Console.Error.WriteLine("usage: seed N | desk RUNS | ingest N | push RUNS");
        return 2;
}
Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
return 0;

static async Task<List<int>> SourcesAsync(IServiceProvider provider, int count)
{
    await using var scope = provider.CreateAsyncScope();
    var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
    var ids = await db.Set<WireSource>().Where(s => s.AgencyName.StartsWith("Bench ")).OrderBy(s => s.Id).Select(s => s.Id).ToListAsync();
    for (var i = ids.Count; i < count; i++)
    {
        var s = new WireSource { AgencyName = "Bench " + (char)('A' + i), CreditLine = "BA" + i, Kind = WireFeedKind.Ninjs, Enabled = false, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
        db.Add(s);
        await db.SaveChangesAsync();
        ids.Add(s.Id);
    }
    return ids;
}

static async Task SeedAsync(IServiceProvider provider, int count)
{
    var sources = await SourcesAsync(provider, 4);
    long start;
    DatabaseProvider kind;
    string connection;
    await using (var scope = provider.CreateAsyncScope())
    {
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        start = (await db.Set<WireItem>().MaxAsync(i => (long?)i.Id) ?? 0) + 1;
        kind = db.Provider;
        connection = db.Database.GetConnectionString()!;
    }
    var now = DateTime.UtcNow;
    var watch = Stopwatch.StartNew();
    var rows = Enumerable.Range(0, count).Select(i => Text.Item(start + i, sources[i % sources.Count], now, count));
    if (kind == DatabaseProvider.Sqlite)
    {
        await using var conn = new SqliteConnection(connection);
        await conn.OpenAsync();
        await using (var pragma = conn.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;";
            await pragma.ExecuteNonQueryAsync();
        }
        SqliteTransaction? tx = null;
        SqliteCommand? insert = null;
        var written = 0;
        foreach (var r in rows)
        {
            if (written % 20_000 == 0)
            {
                if (tx is not null)
                {
                    await tx.CommitAsync();
                    await tx.DisposeAsync();
                    Progress(written, count, watch);
                }
                tx = conn.BeginTransaction();
                insert?.Dispose();
                insert = conn.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText = "INSERT INTO \"WireItems\" (\"Id\",\"SourceId\",\"AgencyId\",\"Version\",\"Urgency\",\"Subjects\",\"Dateline\",\"Headline\",\"BodyHtml\",\"BodyText\",\"Pictures\",\"HasPictures\",\"EmbargoUntil\",\"Signal\",\"KilledAt\",\"SentAt\",\"ReceivedAt\",\"UpdatedAt\",\"ContentHash\",\"SimHash\",\"ClusterId\") VALUES (" +
                    string.Join(',', Enumerable.Range(0, 21).Select(p => "$p" + p)) + ")";
                for (var p = 0; p < 21; p++)
                {
                    insert.Parameters.Add(new SqliteParameter("$p" + p, null));
                }
                insert.Prepare();
            }
            var values = r.Values();
            for (var p = 0; p < 21; p++)
            {
                insert!.Parameters[p].Value = values[p] ?? DBNull.Value;
            }
            await insert!.ExecuteNonQueryAsync();
            written++;
        }
        if (tx is not null)
        {
            await tx.CommitAsync();
            await tx.DisposeAsync();
        }
        insert?.Dispose();
        await using var analyze = conn.CreateCommand();
        analyze.CommandText = "ANALYZE;";
        await analyze.ExecuteNonQueryAsync();
    }
    else
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync();
        var written = 0;
        await using (var copy = await conn.BeginBinaryImportAsync("COPY \"WireItems\" (\"Id\",\"SourceId\",\"AgencyId\",\"Version\",\"Urgency\",\"Subjects\",\"Dateline\",\"Headline\",\"BodyHtml\",\"BodyText\",\"Pictures\",\"HasPictures\",\"EmbargoUntil\",\"Signal\",\"KilledAt\",\"SentAt\",\"ReceivedAt\",\"UpdatedAt\",\"ContentHash\",\"SimHash\",\"ClusterId\") FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var r in rows)
            {
                await copy.StartRowAsync();
                foreach (var v in r.Values())
                {
                    switch (v)
                    {
                        case null: await copy.WriteNullAsync(); break;
                        case DateTime d: await copy.WriteAsync(d, NpgsqlTypes.NpgsqlDbType.TimestampTz); break;
                        default: await copy.WriteAsync(v); break;
                    }
                }
                if (++written % 20_000 == 0)
                {
                    Progress(written, count, watch);
                }
            }
            await copy.CompleteAsync();
        }
        await using var fix = new NpgsqlCommand("SELECT setval(pg_get_serial_sequence('\"WireItems\"', 'Id'), (SELECT max(\"Id\") FROM \"WireItems\")); ANALYZE \"WireItems\";", conn);
        await fix.ExecuteNonQueryAsync();
    }
    Console.WriteLine($"seeded {count:N0} wire items in {watch.Elapsed.TotalSeconds:0.0} s ({count / watch.Elapsed.TotalSeconds:N0} items/s) on {kind}");
}

static void Progress(int written, int count, Stopwatch watch) =>
    Console.Error.Write($"\r{written:N0}/{count:N0} · {written / watch.Elapsed.TotalSeconds:N0}/s   ");

static async Task DeskAsync(IServiceProvider provider, int runs)
{
    long total;
    int source;
    await using (var scope = provider.CreateAsyncScope())
    {
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        total = await db.Set<WireItem>().LongCountAsync();
        source = await db.Set<WireSource>().OrderBy(s => s.Id).Select(s => s.Id).FirstAsync();
        Console.WriteLine($"database: {total:N0} wire items ({db.Provider})");
    }
    var cases = new (string Name, DeskFilter Filter)[]
    {
        ("list: newest", new DeskFilter()),
        ("list: one agency", new DeskFilter(Source: source)),
        ("list: urgency <= 2", new DeskFilter(MaxUrgency: 2)),
        ("list: subject", new DeskFilter(Subject: "Elections")),
        ("list: has pictures", new DeskFilter(Pictures: true)),
        ("list: embargoed", new DeskFilter(Embargoed: true)),
        ("list: last 24 h + urgency <= 4", new DeskFilter(Hours: 24, MaxUrgency: 4)),
        ("search: common word", new DeskFilter(Query: "minister")),
        ("search: rare word", new DeskFilter(Query: Text.Rare)),
        ("search: two words", new DeskFilter(Query: "monsoon farmers")),
        ("search: prefix", new DeskFilter(Query: "parliam")),
        ("search + agency", new DeskFilter(Source: source, Query: "cricket")),
    };
    Console.WriteLine($"{"query",-34} {"rows",5} {"p50 ms",8} {"p95 ms",8} {"max ms",8}");
    foreach (var (name, filter) in cases)
    {
        var times = new List<double>();
        var rowsFound = 0;
        for (var i = 0; i < runs + 3; i++)
        {
            await using var scope = provider.CreateAsyncScope();
            var desk = scope.ServiceProvider.GetRequiredService<WireDesk>();
            var watch = Stopwatch.StartNew();
            var rows = await desk.ListAsync(filter, CancellationToken.None);
            watch.Stop();
            rowsFound = rows.Count;
            if (i >= 3)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }
        times.Sort();
        Console.WriteLine($"{name,-34} {rowsFound,5} {Pct(times, 0.5),8:0.0} {Pct(times, 0.95),8:0.0} {times[^1],8:0.0}");
    }
}

static double Pct(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

static async Task IngestAsync(IServiceProvider provider, int count)
{
    const int perDocument = 500;
    var documents = (count + perDocument - 1) / perDocument;
    var run = Guid.NewGuid().ToString("N")[..8];
    var pages = new Dictionary<string, byte[]>(StringComparer.Ordinal);
    var serial = 0;
    for (var d = 0; d < documents; d++)
    {
        var items = new List<object>();
        for (var i = 0; i < perDocument && serial < count; i++, serial++)
        {
            // One item in ten repeats an earlier one (the same id and version): an exact duplicate to drop.
            var id = i % 10 == 9 && serial > 10 ? serial - 5 : serial;
            items.Add(Text.Ninjs($"urn:bench:{run}:{id}", id));
        }
        pages[$"/feed/{d}"] = JsonSerializer.SerializeToUtf8Bytes(new { items });
    }
    var builder = WebApplication.CreateSlimBuilder();
    builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
    builder.Logging.ClearProviders();
    await using var server = builder.Build();
    server.Run(async context =>
    {
        if (pages.TryGetValue(context.Request.Path.Value ?? "", out var bytes))
        {
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(bytes);
        }
        else
        {
            context.Response.StatusCode = 404;
        }
    });
    await server.StartAsync();
    var address = server.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();

    // The reference, in the same run: the same documents parsed, nothing stored.
    var parse = Stopwatch.StartNew();
    var parsed = 0;
    foreach (var bytes in pages.Values)
    {
        parsed += WireParser.Parse(WireFeedKind.Ninjs, bytes, 1024 * 1024).Items.Count;
    }
    parse.Stop();

    var ids = new List<int>();
    await using (var scope = provider.CreateAsyncScope())
    {
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        foreach (var path in pages.Keys)
        {
            var s = new WireSource { AgencyName = $"Ingest {run} {path}", Kind = WireFeedKind.Ninjs, Url = address + path, PollIntervalSeconds = 3600, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
            db.Add(s);
            await db.SaveChangesAsync();
            ids.Add(s.Id);
        }
    }
    var poller = provider.GetRequiredService<WirePoller>();
    var watch = Stopwatch.StartNew();
    var outcomes = new List<PollOutcome>();
    // Two sources at a time, as two agencies' polls would overlap on a two-core machine.
    foreach (var chunk in ids.Chunk(2))
    {
        outcomes.AddRange(await Task.WhenAll(chunk.Select(id => poller.PollAsync(id, CancellationToken.None))));
    }
    watch.Stop();
    var stored = outcomes.Sum(o => o.Result.Stored);
    var duplicates = outcomes.Sum(o => o.Result.Duplicates);
    var failed = outcomes.Count(o => o.Status != PollStatus.Polled);
    Console.WriteLine($"ingest: {count:N0} items in {documents} documents of {perDocument}: {stored:N0} stored, {duplicates:N0} exact duplicates dropped, {failed} failed polls, " +
        $"{watch.Elapsed.TotalSeconds:0.0} s = {count / watch.Elapsed.TotalMinutes:N0} items/min");
    Console.WriteLine($"reference: raw parse of the same documents: {parsed:N0} items in {parse.Elapsed.TotalSeconds:0.00} s = {parsed / parse.Elapsed.TotalMinutes:N0} items/min");
    await server.StopAsync();
}

static async Task PushAsync(IServiceProvider provider, int runs)
{
    var source = (await SourcesAsync(provider, 4))[0];
    var run = Guid.NewGuid().ToString("N")[..8];
    var times = new List<double>();
    for (var i = 0; i < runs; i++)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(Text.Ninjs($"urn:push:{run}:{i}", 900_000 + i));
        var watch = Stopwatch.StartNew();
        await using (var scope = provider.CreateAsyncScope())
        {
            var document = WireParser.Parse(WireFeedKind.Ninjs, body, 1024 * 1024);
            await scope.ServiceProvider.GetRequiredService<WireIngest>().IngestAsync(source, document, CancellationToken.None);
        }
        var agencyId = $"urn:push:{run}:{i}";
        while (true)
        {
            await using var scope = provider.CreateAsyncScope();
            var rows = await scope.ServiceProvider.GetRequiredService<WireDesk>().ListAsync(new DeskFilter(), CancellationToken.None);
            var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
            var id = await db.Set<WireItem>().Where(x => x.SourceId == source && x.AgencyId == agencyId).Select(x => x.Id).FirstOrDefaultAsync();
            if (rows.Any(r => r.Members.Any(m => m.Id == id)))
            {
                break;
            }
        }
        watch.Stop();
        times.Add(watch.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    Console.WriteLine($"push → on the desk's first page, {runs} pushes: p50 {Pct(times, 0.5):0.0} ms, p95 {Pct(times, 0.95):0.0} ms, max {times[^1]:0.0} ms");
}

internal sealed record SeedRow(long Id, int SourceId, string AgencyId, int? Urgency, string Subjects, string Dateline, string Headline, string BodyHtml, string BodyText,
    bool HasPictures, DateTime? Embargo, DateTime ReceivedAt, string Hash, long SimHash)
{
    public object?[] Values() =>
        [Id, SourceId, AgencyId, 1, Urgency, Subjects, Dateline, Headline, BodyHtml, BodyText, HasPictures ? "https://images.example/" + Id.ToString(CultureInfo.InvariantCulture) + ".jpg" : "",
            HasPictures, Embargo, 0, null, ReceivedAt, ReceivedAt, ReceivedAt, Hash, SimHash, Id];
}

internal static class Text
{
    private static readonly string[] Words =
    [
        "minister", "parliament", "monsoon", "farmers", "cricket", "election", "court", "police", "market", "budget", "river", "flood", "school",
        "hospital", "railway", "airport", "village", "district", "council", "protest", "festival", "temple", "border", "trade", "export", "rupee",
        "bank", "inflation", "rain", "heat", "power", "water", "road", "bridge", "metro", "startup", "software", "vaccine", "doctor", "teacher",
        "student", "exam", "result", "team", "match", "series", "captain", "coach", "league", "title", "film", "actor", "music", "award",
    ];

    private static readonly string[] Subjects = ["Politics", "Elections", "Economy", "Sport", "Cricket", "Weather", "Health", "Education", "Business", "Culture"];
    private static readonly string[] Places = ["NEW DELHI", "MUMBAI", "CHENNAI", "KOLKATA", "BENGALURU", "HYDERABAD", "PUNE", "JAIPUR"];

    /// <summary>A word that only a few hundred items of a million carry.</summary>
    public const string Rare = "zanskar";

    public static string Prose(long seed, int words)
    {
        var random = new Random((int)(seed % int.MaxValue));
        var sb = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            sb.Append(i == 0 ? "" : " ").Append(Words[random.Next(Words.Length)]);
        }
        if (seed % 2000 == 7)
        {
            sb.Append(' ').Append(Rare);
        }
        return sb.Append('.').ToString();
    }

    public static SeedRow Item(long id, int source, DateTime now, int count)
    {
        var random = new Random((int)(id % int.MaxValue));
        var body = Prose(id, 60);
        var headline = Prose(id * 7 + 1, 8).TrimEnd('.') + " " + id.ToString(CultureInfo.InvariantCulture);
        var subjects = "|" + Subjects[random.Next(Subjects.Length)] + "|" + Subjects[random.Next(Subjects.Length)] + "|";
        // Spread over the retention window, newest last.
        var received = now.AddDays(-30).AddSeconds(30.0 * 86_400 * id / Math.Max(count, 1));
        return new SeedRow(id, source, "bench:" + id.ToString(CultureInfo.InvariantCulture), 1 + random.Next(9), subjects, Places[random.Next(Places.Length)], headline,
            "<p>" + body + "</p>", body, random.Next(10) == 0, random.Next(100) == 0 ? now.AddHours(random.Next(1, 48)) : null,
            new DateTime(received.Ticks - received.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc),
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(id))), random.NextInt64());
    }

    public static object Ninjs(string uri, long seed) => new
    {
        uri,
        version = "1",
        urgency = 1 + (int)(seed % 9),
        headlines = new[] { new { value = Prose(seed * 7 + 1, 8) } },
        bodies = new[] { new { contenttype = "text/html", value = "<p>" + Prose(seed, 120) + "</p><p>" + Prose(seed + 1, 80) + "</p>" } },
        subjects = new[] { new { name = Subjects[(int)(seed % Subjects.Length)] } },
        located = Places[(int)(seed % Places.Length)],
    };
}

internal sealed class BenchEnvironment : IWebHostEnvironment
{
    public string WebRootPath { get; set; } = Path.Combine(Directory.GetCurrentDirectory(), "wwwroot");
    public Microsoft.Extensions.FileProviders.IFileProvider WebRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    public string EnvironmentName { get; set; } = "Production";
    public string ApplicationName { get; set; } = "Byline.WireBench";
    public string ContentRootPath { get; set; } = Directory.GetCurrentDirectory();
    public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
}
