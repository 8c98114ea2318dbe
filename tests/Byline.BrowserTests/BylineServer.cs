using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Byline.BrowserTests;

/// <summary>
/// The built Byline executable as its own process, on Kestrel at a free loopback port, with a fresh
/// SQLite database and media folder under the temp folder and demo content switched on.
/// </summary>
public sealed class BylineServer : IAsyncDisposable
{
    /// <summary>A first start migrates and generates the demo publication, pictures included.</summary>
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromMinutes(4);

    private readonly Process _process;
    private readonly string _folder;
    private readonly ConcurrentQueue<string> _log = new();

    /// <summary>Stopped on purpose to be copied: disposing it keeps its folder.</summary>
    private bool _template;

    private BylineServer(Process process, string folder, Uri address)
    {
        _process = process;
        _folder = folder;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>The last lines the server wrote, for failure messages.</summary>
    public string RecentLog => string.Join('\n', _log.TakeLast(40));

    /// <summary>
    /// Starts a server on a copy of a seeded folder. The first start with given settings and preparation migrates,
    /// generates the demo publication (pictures included), runs <paramref name="prepare"/> (adding users…), stops
    /// gracefully and keeps that folder as a template; every start with the same settings then begins from a copy of
    /// it, so each fixture still gets a database and media folder of its own without generating the demo again.
    /// </summary>
    /// <param name="settings">Extra configuration as environment variables (Byline__Publishing__CheckInterval…).</param>
    /// <param name="prepare">Run once against the template server; named so that different preparations never share one.</param>
    public static async Task<BylineServer> StartAsync(IReadOnlyDictionary<string, string>? settings = null, Preparation? prepare = null)
    {
        settings ??= new Dictionary<string, string>();
        var key = string.Join('\n', settings.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}")) + "\n#" + prepare?.Name;
        var template = await Templates.GetOrAdd(key, _ => new Lazy<Task<string>>(() => MakeTemplateAsync(settings, prepare))).Value;
        var folder = NewFolder();
        CopyFolder(template, folder);
        return await LaunchAsync(folder, settings);
    }

    /// <summary>Something done once to the template server before it is copied (users added through the CLI…).</summary>
    public sealed record Preparation(string Name, Func<BylineServer, Task> Run);

    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Templates = new();

    private static async Task<string> MakeTemplateAsync(IReadOnlyDictionary<string, string> settings, Preparation? prepare)
    {
        var folder = NewFolder();
        await using (var server = await LaunchAsync(folder, settings))
        {
            if (prepare is not null)
            {
                await prepare.Run(server);
            }
            await server.StopGracefullyAsync();
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(folder);
        return folder;
    }

    private static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "byline-browser", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }

    private static async Task<BylineServer> LaunchAsync(string folder, IReadOnlyDictionary<string, string> settings)
    {
        var (dll, contentRoot) = LocateApp();
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "--urls", address.ToString().TrimEnd('/'), "--contentRoot", contentRoot })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["Byline__Database__Provider"] = "Sqlite";
        start.Environment["ConnectionStrings__Byline"] = $"Data Source={Path.Combine(folder, "byline.db")}";
        start.Environment["Byline__DemoContent"] = "true";
        start.Environment["Byline__Media__Path"] = Path.Combine(folder, "media");
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start dotnet {dll}");
        var server = new BylineServer(process, folder, address);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilReadyAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>SIGTERM, so the host shuts down and SQLite closes its files; killed if it has not ended within a minute.</summary>
    private async Task StopGracefullyAsync()
    {
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) ?? throw new InvalidOperationException("could not run kill"))
        {
            await term.WaitForExitAsync();
        }
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _template = true;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        _log.Enqueue(line);
        while (_log.Count > 200 && _log.TryDequeue(out _))
        {
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + ReadyDeadline;
        var last = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Byline exited with code {_process.ExitCode} before it was ready.\n{RecentLog}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
                if (body.Contains("failed", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"Byline start-up failed (/healthz: {body}).\n{RecentLog}");
                }
                last = $"{(int)response.StatusCode} {body}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or busy generating the demo: ask again until the deadline.
                last = e.Message;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
        throw new TimeoutException($"Byline was not ready within {ReadyDeadline.TotalMinutes:0} min (last /healthz: {last}).\n{RecentLog}");
    }

    /// <summary>Runs a command-line verb (`user add …`) against this server's database; returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> RunVerbAsync(string? input, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var (dll, contentRoot) = LocateApp();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CONTENTROOT"] = contentRoot;
        start.Environment["Byline__Database__Provider"] = "Sqlite";
        start.Environment["ConnectionStrings__Byline"] = $"Data Source={Path.Combine(_folder, "byline.db")}";
        start.Environment["Byline__Media__Path"] = Path.Combine(_folder, "media");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the verb");
        if (input is not null)
        {
            await process.StandardInput.WriteLineAsync(input);
        }
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output + error);
    }

    public async ValueTask DisposeAsync()
    {
        if (_template)
        {
            _process.Dispose();
            return;
        }
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        TryDelete(_folder);
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the temp cleaner; it does not affect the result.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The Byline.dll built in the same configuration as these tests, and its project folder.</summary>
    private static (string Dll, string ContentRoot) LocateApp()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Byline.slnx")))
        {
            dir = dir.Parent;
        }
        if (dir is null)
        {
            throw new InvalidOperationException($"Byline.slnx not found above {AppContext.BaseDirectory}");
        }
        var project = Path.Combine(dir.FullName, "src", "Byline");
        var configuration = typeof(BylineServer).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var dll = Path.Combine(project, "bin", configuration, "net10.0", "Byline.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution first (`dotnet build -c {configuration}`).");
        }
        return (dll, project);
    }
}
