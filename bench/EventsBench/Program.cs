using System.Diagnostics;
using System.Globalization;
using Byline.Content;
using Byline.Events;
using Byline.Hosting;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

// The outbox under load, with Byline hosted in this process on its real pipeline:
//   dispatch N  — appends N events in batches of 500 (one transaction each, as an import would) and
//                 times until every durable consumer has passed the last: events dispatched per second.
//   burst N     — N story saves through the newsroom's write path from 8 writers at once; samples the
//                 durable consumers' lag every 50 ms and reports its peak and the time from the last
//                 commit until every consumer has caught up.
//
//   dotnet run -c Release --project bench/EventsBench -- <sqlite file | postgres connection string> dispatch 20000
//   dotnet run -c Release --project bench/EventsBench -- <sqlite file | postgres connection string> burst 1000
if (args.Length < 3)
{
    await Console.Error.WriteLineAsync("usage: EventsBench <sqlite file | postgres connection string> dispatch|burst <count>");
    return 2;
}
var database = args[0];
var mode = args[1];
var count = int.Parse(args[2], CultureInfo.InvariantCulture);
var postgres = database.StartsWith("Host=", StringComparison.OrdinalIgnoreCase);

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "Byline", ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Byline:Database:Provider"] = postgres ? "Postgres" : "Sqlite",
    ["ConnectionStrings:Byline"] = postgres ? database : $"Data Source={database}",
    ["Byline:DemoContent"] = "false",
    ["Logging:LogLevel:Default"] = "Warning",
});
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.AddByline();
await using var app = builder.Build();
app.UseByline();
await app.StartAsync();
await app.Services.GetRequiredService<Readiness>().WhenReady.WaitAsync(TimeSpan.FromMinutes(5));
var dispatcher = app.Services.GetRequiredService<ContentEventDispatcher>();
var events = app.Services.GetRequiredService<ContentEvents>();

if (mode == "dispatch")
{
    var clock = Stopwatch.StartNew();
    for (var done = 0; done < count; done += 500)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        await using var tx = await db.Database.BeginTransactionAsync();
        for (var i = 0; i < Math.Min(500, count - done); i++)
        {
            // Keys of a story that does not exist: every consumer does its full work (evict, look up, purge) for nothing.
            await events.AppendAsync(db, new ContentChanged([ContentKeys.Article(-1 - i), ContentKeys.Latest], "bench", null, "bench"), CancellationToken.None);
        }
        await tx.CommitAsync();
        await events.CommittedAsync(CancellationToken.None);
    }
    var appended = clock.Elapsed;
    long head;
    await using (var scope = app.Services.CreateAsyncScope())
    {
        head = await scope.ServiceProvider.GetRequiredService<BylineDb>().Set<ContentEvent>().MaxAsync(e => e.Id);
    }
    if (!await dispatcher.WaitForDurableAsync(head, TimeSpan.FromMinutes(10), CancellationToken.None))
    {
        await Console.Error.WriteLineAsync("the durable consumers did not catch up within 10 minutes");
        return 1;
    }
    var total = clock.Elapsed;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{(postgres ? "postgres" : "sqlite")}: {count:N0} events appended in {appended.TotalSeconds:0.00} s ({count / appended.TotalSeconds:N0}/s); every durable consumer past the last after {total.TotalSeconds:0.00} s: {count / total.TotalSeconds:N0} events dispatched/s"));
}
else if (mode == "burst")
{
    int sectionId;
    List<int> stories;
    Actor editor;
    await using (var scope = app.Services.CreateAsyncScope())
    {
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        sectionId = await db.Sections.Select(s => s.Id).FirstAsync();
        stories = await db.Articles.Where(a => a.Status == ArticleStatus.Published).OrderByDescending(a => a.Id).Select(a => a.Id).Take(200).ToListAsync();
        editor = Actor.Scheduler;
    }
    var lags = new List<double>();
    using var stop = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            var lag = await dispatcher.LagAsync(CancellationToken.None);
            lock (lags)
            {
                lags.Add(lag?.TotalMilliseconds ?? 0);
            }
            try
            {
                await Task.Delay(50, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    });
    var saves = new List<double>();
    var next = -1;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
    {
        while (true)
        {
            var n = Interlocked.Increment(ref next);
            if (n >= count)
            {
                return;
            }
            var id = stories[n % stories.Count];
            for (var attempt = 0; attempt < 20; attempt++)
            {
                await using var scope = app.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
                var publishing = scope.ServiceProvider.GetRequiredService<PublishingService>();
                var article = await PublishingService.LoadForWriteAsync(db, id, tracking: false, CancellationToken.None);
                var input = StoryInput.From(article!, [.. article!.Tags.OrderBy(t => t.Position).Select(t => t.Tag?.Name ?? "")]) with { Standfirst = $"Burst save {n}." };
                var one = Stopwatch.StartNew();
                var result = await publishing.ApplyAsync(id, new StoryCommand(StoryAction.Save, article.Version, input), editor, CancellationToken.None);
                if (result.Outcome == PublishOutcome.Conflict)
                {
                    continue;
                }
                lock (saves)
                {
                    saves.Add(one.Elapsed.TotalMilliseconds);
                }
                break;
            }
        }
    })));
    var written = clock.Elapsed;
    long head;
    await using (var scope = app.Services.CreateAsyncScope())
    {
        head = await scope.ServiceProvider.GetRequiredService<BylineDb>().Set<ContentEvent>().MaxAsync(e => e.Id);
    }
    await dispatcher.WaitForDurableAsync(head, TimeSpan.FromMinutes(10), CancellationToken.None);
    var caughtUp = clock.Elapsed - written;
    await stop.CancelAsync();
    await sampler;
    static double P(List<double> v, double q)
    {
        var s = v.Order().ToList();
        return s.Count == 0 ? 0 : s[Math.Min(s.Count - 1, (int)(s.Count * q))];
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{(postgres ? "postgres" : "sqlite")}: {saves.Count:N0} saves from 8 writers in {written.TotalSeconds:0.00} s ({saves.Count / written.TotalSeconds:N0}/s); save median {P(saves, 0.5):0.0} ms, p99 {P(saves, 0.99):0.0} ms"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  outbox lag (oldest event a durable consumer has not handled, sampled every 50 ms): median {P(lags, 0.5):0.0} ms, p99 {P(lags, 0.99):0.0} ms, peak {lags.DefaultIfEmpty(0).Max():0.0} ms; caught up {caughtUp.TotalMilliseconds:0} ms after the last commit"));
}
else
{
    await Console.Error.WriteLineAsync($"unknown mode {mode}: dispatch or burst");
    return 2;
}
await app.StopAsync();
return 0;
