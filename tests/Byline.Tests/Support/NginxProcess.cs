using System.Diagnostics;
using System.Globalization;

namespace Byline.Tests.Support;

/// <summary>
/// nginx started for a test: its own prefix, config file, temp paths and logs in a folder under the temp
/// folder (never the system's site), listening on a free loopback port. The caller writes what goes inside
/// <c>http { }</c> after the temp paths. The binary is the one scripts/test.sh installs
/// (<c>BYLINE_TEST_NGINX</c>, else /usr/sbin/nginx); without it the suite fails with how to install it.
/// </summary>
internal sealed class NginxProcess : IAsyncDisposable
{
    private readonly Process _process;

    private NginxProcess(Process process, string folder, int port)
    {
        _process = process;
        Folder = folder;
        Address = new Uri("http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture) + "/");
        Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = Address };
    }

    /// <summary>The prefix: config, logs, temp paths.</summary>
    public string Folder { get; }

    public Uri Address { get; }

    public HttpClient Client { get; }

    /// <param name="name">The folder's name before its random part.</param>
    /// <param name="http">The inside of <c>http { }</c> after the temp paths, given the folder and the port to listen on.</param>
    public static async Task<NginxProcess> StartAsync(string name, Func<string, int, string> http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var binary = Environment.GetEnvironmentVariable("BYLINE_TEST_NGINX") is { Length: > 0 } configured ? configured : "/usr/sbin/nginx";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"nginx is not installed at {binary}: scripts/test.sh installs it (apt-get install nginx-light) and sets BYLINE_TEST_NGINX.");
        }
        var folder = Path.Combine(Path.GetTempPath(), "byline-tests", name + "-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(folder);
        var port = ServerProcess.FreePort();
        var config = $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log warn;
            events { worker_connections 256; }
            http {
              client_body_temp_path {{folder}}/body;
              proxy_temp_path {{folder}}/proxy;
              fastcgi_temp_path {{folder}}/fastcgi;
              uwsgi_temp_path {{folder}}/uwsgi;
              scgi_temp_path {{folder}}/scgi;
            {{http(folder, port)}}
            }
            """;
        var file = Path.Combine(folder, "nginx.conf");
        await File.WriteAllTextAsync(file, config);
        var errors = Path.Combine(folder, "error.log");
        var process = await ServerProcess.StartAsync(binary, ["-p", folder, "-c", file, "-e", errors], port,
            () => File.Exists(errors) ? File.ReadAllText(errors) : "");
        return new NginxProcess(process, folder, port);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await ServerProcess.StopAsync(_process);
        ServerProcess.DeleteFolder(Folder);
    }
}
