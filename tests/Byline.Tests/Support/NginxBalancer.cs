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
    private readonly NginxProcess _nginx;

    private NginxBalancer(NginxProcess nginx) => _nginx = nginx;

    public Uri Address => _nginx.Address;

    public HttpClient Client => _nginx.Client;

    public static async Task<NginxBalancer> StartAsync(params Uri[] nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var upstreams = new StringBuilder();
        foreach (var node in nodes)
        {
            upstreams.Append(CultureInfo.InvariantCulture, $"    server 127.0.0.1:{node.Port} max_fails=0;\n");
        }
        return new NginxBalancer(await NginxProcess.StartAsync("nginx", (_, port) => $$"""
              access_log off;
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
            """));
    }

    public Task<HttpResponseMessage> GetAsync(string path) => Client.GetAsync(new Uri(path, UriKind.Relative));

    public ValueTask DisposeAsync() => _nginx.DisposeAsync();
}
