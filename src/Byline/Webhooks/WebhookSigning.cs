using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Byline.Webhooks;

/// <summary>
/// Standard Webhooks signatures (standardwebhooks.com): the secret is <c>whsec_</c> + base64 of 32 random
/// bytes; a delivery carries <c>webhook-signature: v1,&lt;base64 HMAC-SHA256 of "{id}.{timestamp}.{body}"&gt;</c>,
/// with one space-separated entry per secret in force (two during a rotation's overlap).
/// </summary>
public static class WebhookSigning
{
    public const string SecretPrefix = "whsec_";

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static bool IsSecret(string? text)
    {
        if (text is null || !text.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return false;
        }
        Span<byte> key = stackalloc byte[64];
        return Convert.TryFromBase64String(text[SecretPrefix.Length..], key, out var length) && length >= 24;
    }

    /// <summary>One <c>v1,…</c> entry for one secret.</summary>
    public static string Sign(string secret, string id, long timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var content = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{id}.{timestamp}.{body}"));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }

    /// <summary>The header value: every secret in force, space-separated.</summary>
    public static string Header(IEnumerable<string> secrets, string id, long timestamp, string body) =>
        string.Join(' ', secrets.Select(s => Sign(s, id, timestamp, body)));

    /// <summary>The <c>webhook-id</c> of a delivery: the same on every retry and replay, so receivers drop duplicates by it.</summary>
    public static string MessageId(long deliveryId) => "msg_" + deliveryId.ToString(CultureInfo.InvariantCulture);
}
