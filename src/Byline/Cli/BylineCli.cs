using System.CommandLine;
using System.Globalization;
using Byline.Demo;
using Byline.Hosting;
using Byline.Storage;
using Spectre.Console;

namespace Byline.Cli;

/// <summary>The admin verbs of the Byline executable.</summary>
public static class BylineCli
{
    public const int MaxArticles = 1_000_000;

    private static readonly HashSet<string> Verbs = new(StringComparer.Ordinal) { "seed", "search", "--help", "-h", "-?", "help", "--version" };

    /// <summary>True when the arguments are a command-line verb rather than host options such as --urls.</summary>
    public static bool Handles(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Length > 0 && (Verbs.Contains(args[0]) || !args[0].StartsWith('-'));
    }

    public static Task<int> RunAsync(string[] args) => RunAsync(args, CliConsole.System);

    /// <summary>True when a verb runs as the process itself (<c>byline import …</c>), not inside a test host or the server.</summary>
    public static bool OwnsProcess { get; private set; }

    /// <summary>Program's entry for a verb: the process is the command's alone, so it may tune the runtime for it.</summary>
    public static Task<int> RunAsProcessAsync(string[] args)
    {
        OwnsProcess = true;
        return RunAsync(args);
    }

    /// <summary>Runs a verb with the given streams (tests pass strings for standard input and read both outputs).</summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        // "--Section:Key=value" arguments are configuration, as for the web host; the rest is the verb.
        var configArgs = args.Where(IsConfigArgument).ToArray();
        var verbArgs = args.Where(a => !IsConfigArgument(a)).Select(a => a == "help" ? "--help" : a).ToArray();

        var root = new RootCommand("Byline: a newsroom publishing platform. Without a verb the executable runs the web host. " +
            "Configuration comes from appsettings.json, the environment (e.g. Byline__Database__Provider=Postgres, " +
            "ConnectionStrings__Byline=...) and --Section:Key=value arguments.");
        root.Subcommands.Add(SeedCommand(configArgs));
        root.Subcommands.Add(UserCommands.Create(configArgs, console));
        root.Subcommands.Add(SearchCommand(configArgs));
        root.Subcommands.Add(ImportCommands.Create(configArgs, console));
        root.Subcommands.Add(LiveRelayCommand(console));
        foreach (var command in BackupCommands.Create(configArgs, console))
        {
            root.Subcommands.Add(command);
        }

        if (verbArgs.Length > 0 && !verbArgs[0].StartsWith('-') && !root.Subcommands.Any(c => c.Name == verbArgs[0]))
        {
            await console.Error.WriteLineAsync($"byline: unknown command '{verbArgs[0]}' (try --help)");
            return 2;
        }
        var parsed = root.Parse(verbArgs);
        if (parsed.Errors.Count > 0)
        {
            await console.Error.WriteLineAsync($"byline: {parsed.Errors[0].Message} (try --help)");
            return 2;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error });
    }

    private static bool IsConfigArgument(string arg) =>
        arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is var eq && eq > 2 &&
        arg.AsSpan(2, eq - 2).Contains(':');

    private static Command SeedCommand(string[] configArgs)
    {
        var articles = new Option<int>("--articles", "-n")
        {
            Description = $"How many stories to add (0 to {MaxArticles:N0}).",
            DefaultValueFactory = _ => DemoSeeder.DemoArticles,
        };
        articles.Validators.Add(r =>
        {
            // A token that is not a number already carries the parser's own error.
            if (r.Tokens.Count == 0 || !int.TryParse(r.Tokens[^1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                return;
            }
            if (n is < 0 or > MaxArticles)
            {
                r.AddError($"--articles must be between 0 and {MaxArticles.ToString("N0", CultureInfo.InvariantCulture)}, not {n.ToString(CultureInfo.InvariantCulture)}.");
            }
        });
        var reset = new Option<bool>("--reset") { Description = "Delete all content and settings first, then seed." };
        var seed = new Command("seed", "Migrate the database, create the demo sections, tags, authors, images, pages and settings where absent, and add generated stories.")
        {
            articles,
            reset,
        };
        seed.SetAction((pr, ct) => SeedAsync(configArgs, pr.GetValue(articles), pr.GetValue(reset), ct));
        return seed;
    }

    private static async Task<int> SeedAsync(string[] configArgs, int count, bool reset, CancellationToken ct)
    {
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                Args = configArgs,
                ContentRootPath = Directory.GetCurrentDirectory(),
            });
            // The progress bar is the output; routine logs would tear it.
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddBylineCore(builder.Configuration).AddDemoGenerator();
            using var host = builder.Build();
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
            var seeder = scope.ServiceProvider.GetRequiredService<DemoSeeder>();

            AnsiConsole.MarkupLine($"Database: [bold]{db.Provider}[/]. Applying migrations…");
            await StorageExtensions.MigrateAsync(db, ct);
            if (reset)
            {
                AnsiConsole.MarkupLine("Deleting all content…");
                await seeder.ResetAsync(ct);
            }
            AnsiConsole.MarkupLine("Preparing sections, tags, authors, images, pages and settings…");
            var catalog = await seeder.EnsureCatalogAsync(ct);

            var clock = host.Services.GetRequiredService<TimeProvider>();
            var started = clock.GetTimestamp();
            if (count > 0)
            {
                await AnsiConsole.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask("Articles", maxValue: count);
                        await seeder.AddArticlesAsync(catalog, count, written =>
                        {
                            task.Value = written;
                            task.Description = $"Articles {written:N0} · {Rate(written, clock.GetElapsedTime(started)):N0}/s";
                        }, ct);
                    });
            }
            await seeder.EnsureTopStoriesAsync(ct);
            // A site already running on this database hears of the new stories like any other change
            // (every page carries the settings key); the seed filled search itself.
            await host.Services.GetRequiredService<Events.ContentEvents>().RaiseAsync(
                new Events.ContentChanged([Events.ContentKeys.Settings, Events.ContentKeys.Home, Events.ContentKeys.Latest, Events.ContentKeys.Sitemaps], "seed", null, "command line"), ct);
            AnsiConsole.MarkupLine($"[green]Done:[/] {count:N0} articles in {clock.GetElapsedTime(started).TotalSeconds:0.0} s ({Rate(count, clock.GetElapsedTime(started)):N0} articles/s).");
            return 0;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("byline: seed cancelled; batches already written are kept.");
            return 130;
        }
#pragma warning disable CA1031 // command-line top level: any failure is one line on stderr and exit code 1
        catch (Exception e)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync($"byline: seed failed: {e.GetBaseException().Message}");
            return 1;
        }
    }

    private static Command SearchCommand(string[] configArgs)
    {
        var rebuild = new Command("rebuild", "Empty the full-text search index and fill it again from the published stories.");
        rebuild.SetAction((_, ct) => RebuildSearchAsync(configArgs, ct));
        var dryRun = new Option<bool>("--dry-run") { Description = "Only report the drift; exit 2 when there is any." };
        var verify = new Command("verify", "Compare the search index with the stories and re-index the ones that drifted (missing, extra or stale entries).") { dryRun };
        verify.SetAction((parsed, ct) => VerifySearchAsync(configArgs, parsed.GetValue(dryRun), ct));
        var search = new Command("search", "Maintain the full-text search index.") { rebuild, verify };
        return search;
    }

    private static async Task<int> VerifySearchAsync(string[] configArgs, bool dryRun, CancellationToken ct)
    {
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = configArgs, ContentRootPath = Directory.GetCurrentDirectory() });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddBylineCore(builder.Configuration);
            using var host = builder.Build();
            await using var scope = host.Services.CreateAsyncScope();
            await StorageExtensions.MigrateAsync(scope.ServiceProvider.GetRequiredService<BylineDb>(), ct);
            var clock = host.Services.GetRequiredService<TimeProvider>();
            var started = clock.GetTimestamp();
            var drift = await scope.ServiceProvider.GetRequiredService<Search.SearchVerifier>().VerifyAsync(!dryRun, null, ct);
            var summary = $"checked {drift.Checked:N0} entries in {clock.GetElapsedTime(started).TotalSeconds:0.0} s: {drift.Missing.Count:N0} missing, {drift.Extra.Count:N0} extra, {drift.Stale.Count:N0} stale";
            if (drift.Total == 0)
            {
                AnsiConsole.MarkupLine($"[green]In step:[/] {summary}.");
                return 0;
            }
            static string Ids(IReadOnlyList<int> ids) => ids.Count == 0 ? "" : " (" + string.Join(", ", ids.Take(20)) + (ids.Count > 20 ? ", …" : "") + ")";
            AnsiConsole.MarkupLine(Markup.Escape($"{(dryRun ? "Drift" : "Repaired")}: {summary}. Missing{Ids(drift.Missing)}; extra{Ids(drift.Extra)}; stale{Ids(drift.Stale)}."));
            return dryRun ? 2 : 0;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("byline: search verify cancelled; the stories re-indexed so far stay re-indexed.");
            return 130;
        }
#pragma warning disable CA1031 // command-line top level: any failure is one line on stderr and exit code 1
        catch (Exception e)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync($"byline: search verify failed: {e.GetBaseException().Message}");
            return 1;
        }
    }

    private static async Task<int> RebuildSearchAsync(string[] configArgs, CancellationToken ct)
    {
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = configArgs, ContentRootPath = Directory.GetCurrentDirectory() });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddBylineCore(builder.Configuration);
            using var host = builder.Build();
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
            await StorageExtensions.MigrateAsync(db, ct);
            var clock = host.Services.GetRequiredService<TimeProvider>();
            var started = clock.GetTimestamp();
            var count = await scope.ServiceProvider.GetRequiredService<Search.ISearchIndex>().RebuildAsync(ct);
            AnsiConsole.MarkupLine($"[green]Done:[/] indexed {count:N0} published stories in {clock.GetElapsedTime(started).TotalSeconds:0.0} s.");
            return 0;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("byline: search rebuild cancelled; the index is unchanged.");
            return 130;
        }
#pragma warning disable CA1031 // command-line top level: any failure is one line on stderr and exit code 1
        catch (Exception e)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync($"byline: search rebuild failed: {e.GetBaseException().Message}");
            return 1;
        }
    }

    private static Command LiveRelayCommand(CliConsole console)
    {
        var site = new Option<string>("--site")
        {
            Description = "The site's base address, e.g. http://127.0.0.1:5000 (its /live-updates/ streams are relayed).",
            Required = true,
        };
        var urls = new Option<string>("--urls")
        {
            Description = "Where the relay listens (Kestrel URLs, ';' between several).",
            DefaultValueFactory = _ => "http://127.0.0.1:5080",
        };
        var relay = new Command("live-relay", "Serve live-blog streams (/live-updates/{id}) from a small process of their own, " +
            "one stream per live blog from the site fanned out to every reader here. See docs/live-blogs.md.") { site, urls };
        relay.SetAction(async (parsed, ct) =>
        {
            var address = parsed.GetValue(site);
            if (!Uri.TryCreate(address, UriKind.Absolute, out var siteUri) || (siteUri.Scheme != Uri.UriSchemeHttp && siteUri.Scheme != Uri.UriSchemeHttps))
            {
                await console.Error.WriteLineAsync($"byline: --site must be an absolute http or https address, not '{address}'.");
                return 2;
            }
            var listen = (parsed.GetValue(urls) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            await using var app = Byline.LiveBlogs.Relay.LiveRelayHost.Build(siteUri, listen);
            await app.RunAsync(ct);
            return 0;
        });
        return relay;
    }

    private static double Rate(int count, TimeSpan elapsed) => elapsed.TotalSeconds > 0 ? count / elapsed.TotalSeconds : 0;
}
