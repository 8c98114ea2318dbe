using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Byline.Newsletters;

public enum LinkCheck
{
    Valid,
    /// <summary>Not made by this site (edited, truncated, another site's key).</summary>
    Forged,
    Expired,
}

/// <summary>A confirmation link's content: who asked for which lists, and when it stops working.</summary>
public sealed record Confirmation(int SubscriberId, IReadOnlyList<int> ListIds, DateTime ExpiresAt);

/// <summary>
/// The signed tokens in newsletter links, made with ASP.NET Data Protection (keys in the database, so every node
/// reads every node's links). A token names one subscriber id and nothing else — no address, no other reader —
/// and cannot be altered or made without the key ring. Confirmation tokens carry their expiry inside the
/// protected payload, so an expired link is told apart from a forged one.
/// </summary>
public sealed class NewsletterLinks(IDataProtectionProvider protection)
{
    private readonly IDataProtector _confirm = protection.CreateProtector("Byline.Newsletters.Confirm.v1");
    private readonly IDataProtector _manage = protection.CreateProtector("Byline.Newsletters.Manage.v1");
    private readonly IDataProtector _open = protection.CreateProtector("Byline.Newsletters.Open.v1");

    public string ConfirmToken(int subscriberId, IEnumerable<int> listIds, DateTime expiresAt)
    {
        var payload = string.Create(CultureInfo.InvariantCulture,
            $"{subscriberId}|{string.Join(',', listIds)}|{new DateTimeOffset(DateTime.SpecifyKind(expiresAt, DateTimeKind.Utc)).ToUnixTimeSeconds()}");
        return _confirm.Protect(payload);
    }

    public LinkCheck ReadConfirm(string? token, DateTime now, out Confirmation? confirmation)
    {
        confirmation = null;
        if (!TryUnprotect(_confirm, token, out var payload))
        {
            return LinkCheck.Forged;
        }
        var parts = payload.Split('|');
        if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return LinkCheck.Forged;
        }
        var lists = parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 0).Where(l => l > 0).ToList();
        confirmation = new Confirmation(id, lists, DateTimeOffset.FromUnixTimeSeconds(expires).UtcDateTime);
        return confirmation.ExpiresAt < now ? LinkCheck.Expired : LinkCheck.Valid;
    }

    /// <summary>The token of a reader's preference page and one-click unsubscribe (<paramref name="listId"/> 0: every list).</summary>
    public string ManageToken(int subscriberId, int listId = 0) =>
        _manage.Protect(string.Create(CultureInfo.InvariantCulture, $"{subscriberId}|{listId}"));

    public bool TryReadManage(string? token, out int subscriberId, out int listId)
    {
        subscriberId = 0;
        listId = 0;
        if (!TryUnprotect(_manage, token, out var payload))
        {
            return false;
        }
        var parts = payload.Split('|');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out subscriberId)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out listId);
    }

    /// <summary>
    /// A new Message-ID for an issue to one recipient. It is made once, stored in the recipient's delivery row and used
    /// on every attempt (a server or client that sees it twice can drop the copy); random, so it says nothing about
    /// the subscriber.
    /// </summary>
    public static string NewMessageId(int issueId, string domain) =>
        string.Create(CultureInfo.InvariantCulture, $"issue-{issueId}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}@{domain}");

    /// <summary>The token of one delivery's tracking image (lists with open tracking only).</summary>
    public string OpenToken(long deliveryId) => _open.Protect(deliveryId.ToString(CultureInfo.InvariantCulture));

    public bool TryReadOpen(string? token, out long deliveryId)
    {
        deliveryId = 0;
        return TryUnprotect(_open, token, out var payload) && long.TryParse(payload, NumberStyles.None, CultureInfo.InvariantCulture, out deliveryId);
    }

    private static bool TryUnprotect(IDataProtector protector, string? token, out string payload)
    {
        payload = "";
        if (string.IsNullOrWhiteSpace(token) || token.Length > 2000)
        {
            return false;
        }
        try
        {
            payload = protector.Unprotect(token);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
