using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Byline.Tests.Support;

namespace Byline.Tests.Hosting;

/// <summary>
/// The built Byline.dll as a process of its own, started through <c>sh</c> with a descriptor limit of its
/// own (<c>ulimit -n</c>) and from a working directory that is not the application's, on the database of
/// an HTTP suite's fixture (already migrated by it).
/// </summary>
internal sealed class ChildServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(120);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private ChildServer(Process process, Uri address, string folder)
    {
        _process = process;
        Address = address;
        Folder = folder;
    }

    public Uri Address { get; }

    public int Port => Address.Port;

    /// <summary>The working directory the server was started in.</summary>
    public string Folder { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Log => string.Join('\n', _log);

    /// <summary>The folder of the Byline.dll this starts: the application's own folder.</summary>
    public static string AppFolder => Path.GetDirectoryName(AppDll())!;

    public static async Task<ChildServer> StartAsync(BylineApp data, int descriptorLimit, IReadOnlyDictionary<string, string>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var folder = Path.Combine(Path.GetTempPath(), "byline-tests", "child-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        // exec: the shell becomes the server, so the process id is the server's and the limit is its own.
        start.ArgumentList.Add("ulimit -n \"$1\" && exec dotnet \"$2\" --urls \"$3\"");
        start.ArgumentList.Add("byline-child");
        start.ArgumentList.Add(descriptorLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(AppDll());
        start.ArgumentList.Add(address.ToString().TrimEnd('/'));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment.Remove("ASPNETCORE_CONTENTROOT");
        start.Environment.Remove("DOTNET_CONTENTROOT");
        start.Environment["Byline__Database__Provider"] = data.Database == TestDatabase.Postgres ? "Postgres" : "Sqlite";
        start.Environment["ConnectionStrings__Byline"] = data.ConnectionString;
        start.Environment["Byline__DemoContent"] = "false";
        start.Environment["Byline__Media__Path"] = data.MediaPath;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the child server");
        var server = new ChildServer(process, address, folder);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            if (!await server.AnswersAsync(ReadyDeadline))
            {
                throw new TimeoutException($"the child server was not ready within {ReadyDeadline.TotalSeconds:0} s.\n{server.Log}");
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>True once <c>/healthz</c> answers 200 within <paramref name="deadline"/>; false if it never does or the process ends.</summary>
    public async Task<bool> AnswersAsync(TimeSpan deadline)
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var until = Stopwatch.StartNew();
        while (until.Elapsed < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Refused, reset or slow while busy: ask again until the deadline.
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
        return false;
    }

    /// <summary>Descriptors the server holds now (Linux).</summary>
    public int OpenDescriptors()
    {
        try
        {
            return Directory.GetFiles($"/proc/{_process.Id}/fd").Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        _log.Enqueue(line);
        while (_log.Count > 300 && _log.TryDequeue(out _))
        {
        }
    }

    /// <summary>Asks the process to stop as a service manager does (SIGTERM) and waits for it to exit.</summary>
    public async Task StopAsync(TimeSpan deadline)
    {
        using (var signal = Process.Start("kill", ["-TERM", ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }
        using var wait = new CancellationTokenSource(deadline);
        await _process.WaitForExitAsync(wait.Token);
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
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp cleaner.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The Byline.dll built in the same configuration as these tests (src/Byline/bin/…), not a copy beside them.</summary>
    private static string AppDll()
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
        var configuration = typeof(ChildServer).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var dll = Path.Combine(dir.FullName, "src", "Byline", "bin", configuration, "net10.0", "Byline.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is missing: build the solution first (`dotnet build -c {configuration}`).");
    }
}
