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

    private BylineServer(Process process, string folder, Uri address)
    {
        _process = process;
        _folder = folder;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>The last lines the server wrote, for failure messages.</summary>
    public string RecentLog => string.Join('\n', _log.TakeLast(40));

    /// <param name="settings">Extra configuration as environment variables (Byline__Publishing__CheckInterval…).</param>
    public static async Task<BylineServer> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var (dll, contentRoot) = LocateApp();
        var folder = Path.Combine(Path.GetTempPath(), "byline-browser", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
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
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
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
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
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
