using System.CommandLine;
using System.Globalization;
using Byline.Hosting;
using Byline.Importing;
using Byline.Media;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;

namespace Byline.Cli;

/// <summary>`import wordpress FILE.xml`, `import ghost FILE.json|FILE.zip`: moves a WordPress or Ghost site in, with every old address redirected (docs/importing.md).</summary>
internal static class ImportCommands
{
    private const int BadInput = 2;

    public static Command Create(string[] configArgs, CliConsole console)
    {
        var file = new Argument<string>("file") { Description = "The WXR file from WordPress's Tools → Export (any size; read as a stream)." };
        var uploads = new Option<string?>("--uploads") { Description = "A local copy of the old site's wp-content/uploads folder: pictures are imported from it." };
        var fetch = new Option<bool>("--fetch-media") { Description = "Fetch pictures missing from --uploads from the old site over HTTP (public addresses only)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Read the file and print what would be created, updated and redirected, writing nothing." };
        var report = new Option<string?>("--report") { Description = "Write every item not imported, or imported with losses, and why, to this file (tab-separated)." };
        var batch = Bounded("--batch-size", "Posts and pages committed per transaction (1 to 5,000).", 250, 1, 5000, "--batch-size must be between 1 and 5,000.");
        var wordpress = new Command("wordpress", "Import a WordPress export: posts, pages, categories (as sections), tags, authors, pictures, SEO fields, " +
            "and a 301 redirect for every old address. Safe to repeat (a second run updates, never duplicates) and to interrupt (the same command resumes).")
        {
            file, uploads, fetch, dryRun, report, batch,
        };
        wordpress.SetAction((pr, ct) => ImportAsync(configArgs, console, new ImportOptions(pr.GetValue(file) ?? "")
        {
            Uploads = pr.GetValue(uploads),
            FetchMedia = pr.GetValue(fetch),
            DryRun = pr.GetValue(dryRun),
            BatchSize = pr.GetValue(batch),
            Actor = "import (command line)",
            HeapBudget = BylineCli.OwnsProcess ? ImportHeapBudget.ForCommandLine() : null,
        }, pr.GetValue(report), WordPressImporter.Origin, ct));

        var ghostFile = new Argument<string>("file") { Description = "Ghost's export: the JSON of Settings → Labs → Export, or a zip holding it and content/images (read as a stream)." };
        var siteUrl = new Option<string?>("--site-url") { Description = "The old Ghost site's address (its export writes __GHOST_URL__ instead): links to it are rewritten, pictures fetched from it with --fetch-media." };
        var primaryTag = new Option<string>("--primary-tag")
        {
            Description = "What a post's primary (first) tag becomes: section (default) or tag.",
            DefaultValueFactory = _ => "section",
        };
        primaryTag.AcceptOnlyFromAmong("section", "tag");
        var ghostFetch = new Option<bool>("--fetch-media") { Description = "Fetch pictures the zip lacks (or all, for a bare JSON file) over HTTP (public addresses only)." };
        var ghost = new Command("ghost", "Import a Ghost export: posts, pages, tags (the primary tag as the section), authors, feature images, " +
            "Lexical and mobiledoc bodies, and a 301 redirect for every old address. Safe to repeat and to interrupt.")
        {
            ghostFile, siteUrl, primaryTag, ghostFetch, dryRun, report, batch,
        };
        ghost.SetAction((pr, ct) => ImportAsync(configArgs, console, new ImportOptions(pr.GetValue(ghostFile) ?? "")
        {
            SiteUrl = pr.GetValue(siteUrl),
            PrimaryTagAsTag = pr.GetValue(primaryTag) == "tag",
            FetchMedia = pr.GetValue(ghostFetch),
            DryRun = pr.GetValue(dryRun),
            BatchSize = pr.GetValue(batch),
            Actor = "import (command line)",
            HeapBudget = BylineCli.OwnsProcess ? ImportHeapBudget.ForCommandLine() : null,
        }, pr.GetValue(report), GhostImporter.Origin, ct));
        var url = new Argument<string>("url") { Description = "The address of one news page (http or https, a public address unless allowed in Byline:Importing:AllowedHosts)." };
        var timeout = Bounded("--timeout", "Seconds to wait for the page (1 to 120).", 20, 1, 120, "--timeout must be between 1 and 120 seconds.");
        var single = new Command("url", "Import one article from a news page into a draft: headline, byline, date, lead image and body " +
            "(readability extraction), with the source address kept in the attribution line. Importing the same address again updates that draft.")
        {
            url, timeout,
        };
        single.SetAction((pr, ct) => UrlAsync(configArgs, console, pr.GetValue(url) ?? "", TimeSpan.FromSeconds(pr.GetValue(timeout)), ct));
        return new Command("import", "Move a publication in from another platform.") { wordpress, ghost, single };
    }

    private static Option<int> Bounded(string name, string description, int fallback, int min, int max, string error)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && int.TryParse(r.Tokens[^1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && (n < min || n > max))
            {
                r.AddError(error);
            }
        });
        return option;
    }

    private static async Task<int> UrlAsync(string[] configArgs, CliConsole console, string address, TimeSpan timeout, CancellationToken ct)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            await console.Error.WriteLineAsync($"byline: import: not an http(s) address: {address}");
            return BadInput;
        }
        try
        {
            using var host = BuildHost(configArgs);
            await using var scope = host.Services.CreateAsyncScope();
            await StorageExtensions.MigrateAsync(scope.ServiceProvider.GetRequiredService<BylineDb>(), ct);
            var result = await scope.ServiceProvider.GetRequiredService<UrlImporter>().ImportAsync(uri, "import (command line)", timeout, ct);
            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{(result.Updated ? "Updated" : "Created")} draft {result.ArticleId}: {result.Headline} (/newsroom/stories/{result.ArticleId})"));
            foreach (var loss in result.Losses)
            {
                await console.Out.WriteLineAsync("  imported with losses: " + loss);
            }
            return 0;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync("byline: import cancelled.");
            return 130;
        }
        catch (ImportException e)
        {
            await console.Error.WriteLineAsync($"byline: import failed: {e.Message}");
            return 1;
        }
#pragma warning disable CA1031 // command-line top level: any failure is one line on stderr and exit code 1
        catch (Exception e)
#pragma warning restore CA1031
        {
            await console.Error.WriteLineAsync($"byline: import failed: {e.GetBaseException().Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }

    private static IHost BuildHost(string[] configArgs)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = configArgs, ContentRootPath = Directory.GetCurrentDirectory() });
        // The progress bar and the summary are the output; routine logs would tear them.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddBylineCore(builder.Configuration).AddMedia(builder.Configuration).AddImporting();
        return builder.Build();
    }

    private static StreamWriter? OpenReport(string path, out string? error)
    {
        error = null;
        try
        {
            return new StreamWriter(path, append: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            error = e.Message;
            return null;
        }
    }

    private static async Task<int> ImportAsync(string[] configArgs, CliConsole console, ImportOptions options, string? reportPath, string kind, CancellationToken ct)
    {
        if (!File.Exists(options.File))
        {
            await console.Error.WriteLineAsync($"byline: import: no such file: {options.File}");
            return BadInput;
        }
        if (options.SiteUrl is not null && !(Uri.TryCreate(options.SiteUrl, UriKind.Absolute, out var site) && (site.Scheme == Uri.UriSchemeHttp || site.Scheme == Uri.UriSchemeHttps)))
        {
            await console.Error.WriteLineAsync($"byline: import: --site-url is not an http(s) address: {options.SiteUrl}");
            return BadInput;
        }
        if (options.Uploads is not null && !Directory.Exists(options.Uploads))
        {
            await console.Error.WriteLineAsync($"byline: import: --uploads is not a folder: {options.Uploads}");
            return BadInput;
        }
        string? reportError = null;
        await using var reportFile = reportPath is null ? null : OpenReport(reportPath, out reportError);
        if (reportError is not null)
        {
            await console.Error.WriteLineAsync($"byline: import: cannot write the report {reportPath}: {reportError}");
            return BadInput;
        }
        var report = new ImportReport(reportFile);
        try
        {
            using var host = BuildHost(configArgs);
            await using var scope = host.Services.CreateAsyncScope();
            await StorageExtensions.MigrateAsync(scope.ServiceProvider.GetRequiredService<BylineDb>(), ct);
            var clock = host.Services.GetRequiredService<TimeProvider>();
            // The run is a job row too, listed in the newsroom beside uploaded imports, and holds the one import lease.
            var jobs = host.Services.GetRequiredService<ImportJobs>();
            var jobId = await jobs.BeginCommandLineAsync(kind, options.File, options.DryRun,
                new ImportJobOptions(options.FetchMedia, options.SiteUrl, options.PrimaryTagAsTag, options.Uploads, options.BatchSize), reportPath,
                other => console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"byline: import: waiting for import {other.Id} ({other.FileName}, started by {other.StartedBy}) to finish: one import runs at a time.")), ct);
            // Held from here, before the first pass grows the heap (ImportHeapBudget).
            options.HeapBudget?.Begin(scope.ServiceProvider.GetRequiredService<BylineDb>().Database.IsNpgsql());
            var started = clock.GetTimestamp();
            if (console.InteractiveInput && !Console.IsOutputRedirected)
            {
                await AnsiConsole.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask(options.DryRun ? "Checking" : "Importing", maxValue: 1);
                        await jobs.RunHeldAsync(jobId, kind, options, report, (done, total) =>
                        {
                            task.MaxValue = Math.Max(1, total);
                            task.Value = done;
                            var seconds = clock.GetElapsedTime(started).TotalSeconds;
                            task.Description = string.Create(CultureInfo.InvariantCulture, $"Posts and pages {done:N0}/{total:N0} · {(seconds > 0 ? done / seconds : 0):N0}/s");
                        }, ct);
                        task.Value = task.MaxValue;
                    });
            }
            else
            {
                await jobs.RunHeldAsync(jobId, kind, options, report, null, ct);
            }
            var elapsed = clock.GetElapsedTime(started).TotalSeconds;
            await console.Out.WriteLineAsync(report.Summary(options.DryRun));
            if (reportPath is null && report.FirstEntries.Count > 0)
            {
                await console.Out.WriteLineAsync("first report entries (kind, id, title, outcome, reason; --report FILE lists them all):");
                foreach (var line in report.FirstEntries)
                {
                    await console.Out.WriteLineAsync("  " + line);
                }
            }
            var heap = options.HeapBudget is { Limit: > 0 and < long.MaxValue } budget
                ? string.Create(CultureInfo.InvariantCulture, $" The heap was held to {budget.Limit / (1024 * 1024)} MB.") : "";
            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{(options.DryRun ? "Dry run: nothing written" : "Done")} in {elapsed:0.0} s.{heap}"));
            return 0;
        }
        catch (OutOfMemoryException) when (options.HeapBudget is { Limit: > 0 and < long.MaxValue } budget)
        {
            await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"byline: import ran out of memory with the heap held to {budget.Limit / (1024 * 1024)} MB; the batches already committed are kept: run it again with a larger limit, e.g. DOTNET_GCHeapHardLimit=0x40000000 (1 GB), or a smaller --batch-size."));
            return 1;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync("byline: import cancelled; the batches already committed are kept, and the same command resumes.");
            return 130;
        }
        catch (ImportStoppedException)
        {
            await console.Error.WriteLineAsync("byline: import cancelled in the newsroom; the batches already committed are kept, and the same command resumes.");
            return 130;
        }
        catch (Exception e) when (e is ImportException or WxrException or GhostException)
        {
            await console.Error.WriteLineAsync($"byline: import failed: {e.Message}");
            return 1;
        }
#pragma warning disable CA1031 // command-line top level: any failure is one line on stderr and exit code 1
        catch (Exception e)
#pragma warning restore CA1031
        {
            await console.Error.WriteLineAsync($"byline: import failed: {e.GetBaseException().Message.ReplaceLineEndings(" ")}");
            return 1;
        }
        finally
        {
            options.HeapBudget?.Dispose();
        }
    }
}
