using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Byline.Tests.Support;

/// <summary>
/// nginx as the load balancer in front of several nodes: its own config file, prefix and temp paths under
/// the temp folder (never the system's site), round robin over the nodes' loopback ports, and the node
/// that answered in an <c>X-Upstream</c> header so a test can see both nodes served. The binary is the one
/// scripts/test.sh installs (<c>BYLINE_TEST_NGINX</c>, else /usr/sbin/nginx); without it the suite fails.
/// </summary>
public sealed class NginxBalancer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private NginxBalancer(Process process, string folder, Uri address)
    {
        _process = process;
        _folder = folder;
        Address = address;
        Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = address };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public static async Task<NginxBalancer> StartAsync(params Uri[] nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var binary = Environment.GetEnvironmentVariable("BYLINE_TEST_NGINX") is { Length: > 0 } configured ? configured : "/usr/sbin/nginx";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"nginx is not installed at {binary}: scripts/test.sh installs it (apt-get install nginx-light) and sets BYLINE_TEST_NGINX.");
        }
        var folder = Path.Combine(Path.GetTempPath(), "byline-tests", "nginx-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(folder);
        var port = ServerProcess.FreePort();
        var upstreams = new StringBuilder();
        foreach (var node in nodes)
        {
            upstreams.Append(CultureInfo.InvariantCulture, $"    server 127.0.0.1:{node.Port} max_fails=0;\n");
        }
        var config = $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log warn;
            events { worker_connections 256; }
            http {
              access_log off;
              client_body_temp_path {{folder}}/body;
              proxy_temp_path {{folder}}/proxy;
              fastcgi_temp_path {{folder}}/fastcgi;
              uwsgi_temp_path {{folder}}/uwsgi;
              scgi_temp_path {{folder}}/scgi;
              upstream byline {
            {{upstreams}}  }
              server {
                listen 127.0.0.1:{{port}};
                location / {
                  proxy_pass http://byline;
                  proxy_http_version 1.1;
                  proxy_set_header Host $http_host;
                  proxy_set_header Connection "";
                  proxy_buffering off;
                  add_header X-Upstream $upstream_addr always;
                }
              }
            }
            """;
        var file = Path.Combine(folder, "nginx.conf");
        await File.WriteAllTextAsync(file, config);
        var errors = Path.Combine(folder, "error.log");
        var process = await ServerProcess.StartAsync(binary, ["-p", folder, "-c", file, "-e", errors], port,
            () => File.Exists(errors) ? File.ReadAllText(errors) : "");
        return new NginxBalancer(process, folder, new Uri($"http://127.0.0.1:{port}"));
    }

    public Task<HttpResponseMessage> GetAsync(string path) => Client.GetAsync(new Uri(path, UriKind.Relative));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await ServerProcess.StopAsync(_process);
        ServerProcess.DeleteFolder(_folder);
    }
}
