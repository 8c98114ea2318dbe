using System.Diagnostics;
using System.Globalization;
using Byline.Content;
using Byline.Hosting;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

// Publish-to-visible: change the headline of the home page's lead story through the newsroom's write
// path (PublishingService.ApplyAsync, the story editor's Save), then poll the home page over HTTP
// until it shows the new headline. The program compiles against builds before and after the outbox
// (bench/events.sh runs both). Byline runs in this process on a real Kestrel port.
//
//   dotnet run -c Release --project bench/PublishLatency -- <sqlite file | postgres connection string> [rounds] [port] [node B port]
//
// With a node B port a second node starts in this process (its own host, services, caches and pools)
// on the same database, and the probe polls node B: publish on node A → visible on node B (bench/scaling.md).
// Settings the nodes share come from the environment (Byline__Redis__Configuration, ConnectionStrings__Replica…).
if (args.Length < 1)
{
    await Console.Error.WriteLineAsync("usage: PublishLatency <sqlite file | postgres connection string> [rounds] [port] [node B port]");
    return 2;
}
var database = args[0];
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
var port = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5133;
var postgres = database.StartsWith("Host=", StringComparison.OrdinalIgnoreCase);
int? portB = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : null;

await using var app = await StartNodeAsync(port);
await using var nodeB = portB is { } b ? await StartNodeAsync(b) : null;
using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{portB ?? port}") };

async Task<WebApplication> StartNodeAsync(int listenOn)
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions
    {
        // The Razor pages live in Byline.dll: MVC finds them through the application name.
        ApplicationName = "Byline",
        ContentRootPath = AppContext.BaseDirectory,
    });
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Byline:Database:Provider"] = postgres ? "Postgres" : "Sqlite",
        ["ConnectionStrings:Byline"] = postgres ? database : $"Data Source={database}",
        ["Byline:DemoContent"] = "false",
        ["Byline:Cache:Enabled"] = "true",
        ["Logging:LogLevel:Default"] = "Warning",
    });
    builder.WebHost.UseUrls($"http://127.0.0.1:{listenOn}");
    builder.AddByline();
    var node = builder.Build();
    node.UseByline();
    await node.StartAsync();

    // The site runs in this process: wait on its own readiness signal (bounded), not by polling /healthz.
    await node.Services.GetRequiredService<Readiness>().WhenReady.WaitAsync(TimeSpan.FromMinutes(5));
    return node;
}

int storyId;
string original;
await using (var scope = app.Services.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
    storyId = await db.CuratedItems.Where(c => c.List == "top").OrderBy(c => c.Position).ThenBy(c => c.Id).Select(c => c.ArticleId).FirstAsync();
    original = await db.Articles.Where(a => a.Id == storyId).Select(a => a.Headline).FirstAsync();
}

// One save through the newsroom's write path (what the story editor's Save button runs): load, apply
// the new headline, validate, write the story, its revision and — since the outbox — its content
// event in one transaction, evict the local caches, return.
async Task SaveHeadlineAsync(string headline)
{
    await using var scope = app.Services.CreateAsyncScope();
    var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
    var publishing = scope.ServiceProvider.GetRequiredService<PublishingService>();
    var article = await PublishingService.LoadForWriteAsync(db, storyId, tracking: false, CancellationToken.None)
        ?? throw new InvalidOperationException($"story {storyId} is gone");
    var input = StoryInput.From(article, [.. article.Tags.OrderBy(t => t.Position).Select(t => t.Tag?.Name ?? "")]) with { Headline = headline };
    var result = await publishing.ApplyAsync(storyId, new StoryCommand(StoryAction.Save, article.Version, input), Actor.Scheduler, CancellationToken.None);
    if (result.Outcome != PublishOutcome.Ok)
    {
        throw new InvalidOperationException($"the save answered {result.Outcome}");
    }
}

var saveReturned = new List<double>();
var afterSave = new List<double>();
var fromWrite = new List<double>();
for (var round = 0; round < rounds; round++)
{
    // Warm: the home page is a cache hit before each change.
    (await http.GetStringAsync(new Uri("/", UriKind.Relative))).ToString();
    var headline = $"Latency probe {round} {Guid.NewGuid():N}";
    var write = Stopwatch.StartNew();
    await SaveHeadlineAsync(headline);
    saveReturned.Add(write.Elapsed.TotalMilliseconds);
    var saved = Stopwatch.StartNew();
    while (!(await http.GetStringAsync(new Uri("/", UriKind.Relative))).Contains(headline, StringComparison.Ordinal))
    {
        if (saved.Elapsed > TimeSpan.FromSeconds(30))
        {
            await Console.Error.WriteLineAsync($"round {round}: the home page did not show the change within 30 s");
            return 1;
        }
    }
    afterSave.Add(saved.Elapsed.TotalMilliseconds);
    fromWrite.Add(write.Elapsed.TotalMilliseconds);
}
await SaveHeadlineAsync(original);
static string Stats(List<double> ms)
{
    var s = ms.Order().ToList();
    return string.Create(CultureInfo.InvariantCulture, $"median {s[s.Count / 2]:0.0} ms, p90 {s[(int)(s.Count * 0.9)]:0.0} ms, p99 {s[Math.Min(s.Count - 1, (int)(s.Count * 0.99))]:0.0} ms, max {s[^1]:0.0} ms");
}
Console.WriteLine($"story {storyId}, {rounds} rounds on {(postgres ? "postgres" : "sqlite")}{(nodeB is null ? "" : ", saved on node A, polled on node B")}");
Console.WriteLine($"save (editor waits)         : {Stats(saveReturned)}");
Console.WriteLine($"save returned -> home shows : {Stats(afterSave)}");
Console.WriteLine($"write started -> home shows : {Stats(fromWrite)}");
if (nodeB is not null)
{
    await nodeB.StopAsync();
}
await app.StopAsync();
return 0;
