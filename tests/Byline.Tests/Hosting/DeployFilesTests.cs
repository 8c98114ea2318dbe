using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Byline.Tests.Support;

namespace Byline.Tests.Hosting;

/// <summary>The files under deploy/ stay usable: nginx accepts the site as written, the unit keeps its hardening.</summary>
public sealed class DeployFilesTests
{
    private static string Deploy(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Byline.slnx")))
            {
                return Path.Combine(dir.FullName, "deploy", name);
            }
        }
        throw new InvalidOperationException($"No Byline.slnx above {AppContext.BaseDirectory}.");
    }

    [Fact]
    public async Task Nginx_accepts_the_site_configuration()
    {
        var binary = Environment.GetEnvironmentVariable("BYLINE_TEST_NGINX") is { Length: > 0 } configured ? configured : "/usr/sbin/nginx";
        Assert.True(File.Exists(binary), $"nginx is not installed at {binary}: scripts/test.sh installs it (apt-get install nginx-light) and sets BYLINE_TEST_NGINX.");
        var folder = Path.Combine(BylineApp.TempRoot, "nginx-deploy-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(folder);
        try
        {
            // A throwaway certificate and the folder stand in for the machine's paths; the site itself is as shipped.
            using var rsa = RSA.Create(2048);
            using var cert = new CertificateRequest("CN=news.example", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllTextAsync(Path.Combine(folder, "c.pem"), cert.ExportCertificatePem());
            await File.WriteAllTextAsync(Path.Combine(folder, "k.pem"), rsa.ExportPkcs8PrivateKeyPem());
            var site = (await File.ReadAllTextAsync(Deploy("nginx-byline.conf")))
                .Replace("/etc/letsencrypt/live/news.example/fullchain.pem", Path.Combine(folder, "c.pem"), StringComparison.Ordinal)
                .Replace("/etc/letsencrypt/live/news.example/privkey.pem", Path.Combine(folder, "k.pem"), StringComparison.Ordinal)
                .Replace("/etc/nginx/snippets/byline-proxy.conf", Deploy("nginx-byline-proxy.conf"), StringComparison.Ordinal)
                .Replace("/var/cache/nginx/byline", Path.Combine(folder, "cache"), StringComparison.Ordinal);
            await File.WriteAllTextAsync(Path.Combine(folder, "site.conf"), site);
            var main = Path.Combine(folder, "nginx.conf");
            await File.WriteAllTextAsync(main, $$"""
                pid {{folder}}/nginx.pid;
                error_log {{folder}}/error.log;
                events {}
                http {
                  client_body_temp_path {{folder}}/b; proxy_temp_path {{folder}}/p; fastcgi_temp_path {{folder}}/f;
                  uwsgi_temp_path {{folder}}/u; scgi_temp_path {{folder}}/s; access_log off;
                  include {{folder}}/site.conf;
                }
                """);
            var start = new ProcessStartInfo(binary) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in new[] { "-t", "-p", folder, "-c", main, "-e", Path.Combine(folder, "error.log") })
            {
                start.ArgumentList.Add(arg);
            }
            using var nginx = Process.Start(start)!;
            var errors = await nginx.StandardError.ReadToEndAsync();
            await nginx.WaitForExitAsync();

            Assert.True(nginx.ExitCode == 0, errors);
            Assert.DoesNotContain("[warn]", errors, StringComparison.Ordinal);
        }
        finally
        {
            ServerProcess.DeleteFolder(folder);
        }
    }

    [Fact]
    public async Task The_systemd_unit_runs_hardened_as_its_own_user_and_restarts_on_failure()
    {
        var lines = (await File.ReadAllLinesAsync(Deploy("byline.service"))).Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("User=byline", lines);
        Assert.Contains("ProtectSystem=strict", lines);
        Assert.Contains("ReadWritePaths=/var/lib/byline", lines);
        Assert.Contains("Restart=on-failure", lines);
        Assert.Contains("NoNewPrivileges=yes", lines);
        Assert.Contains("CapabilityBoundingSet=", lines);
    }
}
