using System.Diagnostics;
using System.Globalization;
using Byline.Events;
using Byline.Hosting;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

// Publish-to-visible: change the headline of the home page's lead story through the newsroom's write
// path (EF update, affected keys before and after, one ContentChanged), then poll the home page over
// HTTP until it shows the new headline. Byline runs in this process on a real Kestrel port.
//
//   dotnet run -c Release --project bench/PublishLatency -- <sqlite file | postgres connection string> [rounds] [port]
if (args.Length < 1)
{
    await Console.Error.WriteLineAsync("usage: PublishLatency <sqlite file | postgres connection string> [rounds] [port]");
    return 2;
}
var database = args[0];
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
var port = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5133;
var postgres = database.StartsWith("Host=", StringComparison.OrdinalIgnoreCase);

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
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.AddByline();
await using var app = builder.Build();
app.UseByline();
await app.StartAsync();

// The site runs in this process: wait on its own readiness signal (bounded), not by polling /healthz.
await app.Services.GetRequiredService<Readiness>().WhenReady.WaitAsync(TimeSpan.FromMinutes(5));
using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

int storyId;
string original;
await using (var scope = app.Services.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
    storyId = await db.CuratedItems.Where(c => c.List == "top").OrderBy(c => c.Position).ThenBy(c => c.Id).Select(c => c.ArticleId).FirstAsync();
    original = await db.Articles.Where(a => a.Id == storyId).Select(a => a.Headline).FirstAsync();
}
var events = app.Services.GetRequiredService<ContentEvents>();
var afterRaise = new List<double>();
var fromWrite = new List<double>();
for (var round = 0; round < rounds; round++)
{
    // Warm: the home page is a cache hit before each change.
    (await http.GetStringAsync(new Uri("/", UriKind.Relative))).ToString();
    var headline = $"Latency probe {round} {Guid.NewGuid():N}";
    var write = Stopwatch.StartNew();
    await using (var scope = app.Services.CreateAsyncScope())
    {
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        var keys = new HashSet<string>(await AffectedKeys.ForArticleAsync(db, storyId, CancellationToken.None));
        await db.Articles.Where(a => a.Id == storyId).ExecuteUpdateAsync(u => u.SetProperty(a => a.Headline, headline));
        keys.UnionWith(await AffectedKeys.ForArticleAsync(db, storyId, CancellationToken.None));
        await events.RaiseAsync(new ContentChanged([.. keys], "latency probe", storyId), CancellationToken.None);
    }
    var raised = Stopwatch.StartNew();
    while (!(await http.GetStringAsync(new Uri("/", UriKind.Relative))).Contains(headline, StringComparison.Ordinal))
    {
        if (raised.Elapsed > TimeSpan.FromSeconds(30))
        {
            await Console.Error.WriteLineAsync($"round {round}: the home page did not show the change within 30 s");
            return 1;
        }
    }
    afterRaise.Add(raised.Elapsed.TotalMilliseconds);
    fromWrite.Add(write.Elapsed.TotalMilliseconds);
}
await using (var scope = app.Services.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
    await db.Articles.Where(a => a.Id == storyId).ExecuteUpdateAsync(u => u.SetProperty(a => a.Headline, original));
    await events.RaiseAsync(new ContentChanged(await AffectedKeys.ForArticleAsync(db, storyId, CancellationToken.None), "restore", storyId), CancellationToken.None);
}
static string Stats(List<double> ms)
{
    var s = ms.Order().ToList();
    return string.Create(CultureInfo.InvariantCulture, $"median {s[s.Count / 2]:0.0} ms, p90 {s[(int)(s.Count * 0.9)]:0.0} ms, p99 {s[Math.Min(s.Count - 1, (int)(s.Count * 0.99))]:0.0} ms, max {s[^1]:0.0} ms");
}
Console.WriteLine($"story {storyId}, {rounds} rounds on {(postgres ? "postgres" : "sqlite")}");
Console.WriteLine($"raise returned -> home shows it: {Stats(afterRaise)}");
Console.WriteLine($"write started  -> home shows it: {Stats(fromWrite)}");
await app.StopAsync();
return 0;
