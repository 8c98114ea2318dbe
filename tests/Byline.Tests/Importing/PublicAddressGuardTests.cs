using System.Net;
using Byline.Importing;

namespace Byline.Tests.Importing;

/// <summary>`--fetch-media` connects only to public addresses, whatever the export names.</summary>
public sealed class PublicAddressGuardTests
{
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.20.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("93.184.216.34", true)]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946", true)]
    public void Only_public_addresses_are_allowed(string address, bool allowed) =>
        Assert.Equal(allowed, PublicAddressGuard.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://127.0.0.1:9/wp-content/uploads/a.jpg")]
    [InlineData("http://localhost:9/wp-content/uploads/a.jpg")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    public async Task A_fetch_of_a_private_address_is_refused_before_connecting(string url)
    {
        using var guard = new PublicAddressGuard(TimeSpan.FromSeconds(5), 1024 * 1024);

        var (bytes, error) = await guard.FetchAsync(new Uri(url), CancellationToken.None);

        Assert.Null(bytes);
        Assert.StartsWith("refused:", error, StringComparison.Ordinal);
    }
}
