using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Byline.Outbound;
using Byline.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Byline.Wire;

/// <summary>What an admin types for a source. An empty password on an edit keeps the stored credentials.</summary>
public sealed record SourceInput(
    string AgencyName, string CreditLine, WireFeedKind Kind, string Url, int PollIntervalSeconds, int? DefaultSectionId,
    string User, string Password, bool ClearCredentials, bool Push, string FolderPath = "");

public sealed record SourceSaved(int Id, string? PushSecret);

/// <summary>
/// Creates and edits sources. Credentials and push secrets are kept encrypted with ASP.NET Data Protection
/// (the key ring is in the database, so every node reads them); a push secret is shown once, when made.
/// </summary>
public sealed class WireSources(BylineDb db, AuditLog audit, IDataProtectionProvider protection, IOptionsMonitor<WireOptions> options, WireFolder folders, TimeProvider clock)
{
    public const int MinInterval = 10;
    public const int MaxInterval = 86_400;
    public const string SecretPrefix = "wire_";

    private readonly IDataProtector _protector = protection.CreateProtector("Byline.Wire.Sources.v1");

    public async Task<Dictionary<string, string>> ValidateAsync(SourceInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (input.AgencyName.Trim().Length is 0 or > 100)
        {
            errors[nameof(SourceInput.AgencyName)] = "Name the agency (at most 100 characters).";
        }
        if (input.CreditLine.Trim().Length > 100)
        {
            errors[nameof(SourceInput.CreditLine)] = "Keep the credit line to 100 characters.";
        }
        if (!Enum.IsDefined(input.Kind))
        {
            errors[nameof(SourceInput.Kind)] = "Choose the kind of feed.";
        }
        if (input.PollIntervalSeconds is < MinInterval or > MaxInterval)
        {
            errors[nameof(SourceInput.PollIntervalSeconds)] = $"Poll every {MinInterval} to {MaxInterval:N0} seconds.";
        }
        var url = input.Url.Trim();
        var folder = (input.FolderPath ?? "").Trim();
        if (input.Kind == WireFeedKind.NewsMlG2Folder)
        {
            if (folder.Length == 0)
            {
                errors[nameof(SourceInput.FolderPath)] = "Give the folder the agency drops its NewsML-G2 files into.";
            }
            else if (folders.Check(folder) is { } why)
            {
                errors[nameof(SourceInput.FolderPath)] = why;
            }
            if (url.Length > 0)
            {
                errors[nameof(SourceInput.Url)] = "A watched-folder source has no feed address: leave it empty.";
            }
        }
        else if (folder.Length > 0)
        {
            errors[nameof(SourceInput.FolderPath)] = "Only a NewsML-G2 folder source watches a folder: leave it empty, or choose that kind.";
        }
        if (url.Length == 0)
        {
            if (!input.Push && input.Kind != WireFeedKind.NewsMlG2Folder)
            {
                errors[nameof(SourceInput.Url)] = "Give the feed's address, or let the agency push to Byline.";
            }
        }
        else if (url.Length > 2000 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            errors[nameof(SourceInput.Url)] = "Give an http:// or https:// address.";
        }
        else if (await PrivateAddressGuard.CheckAsync(uri, options.CurrentValue.AllowedHosts, ct) is { } refused)
        {
            errors[nameof(SourceInput.Url)] = refused + " Feeds are fetched from public addresses only (an admin can allow a host in Byline:Wire:AllowedHosts).";
        }
        if (input.DefaultSectionId is { } section && !await db.Sections.AnyAsync(s => s.Id == section, ct))
        {
            errors[nameof(SourceInput.DefaultSectionId)] = "That section does not exist; choose another.";
        }
        if (input.User.Length > 200 || input.Password.Length > 500)
        {
            errors[nameof(SourceInput.User)] = "The user name or password is too long.";
        }
        return errors;
    }

    public async Task<SourceSaved> CreateAsync(SourceInput input, ClaimsPrincipal user, string ip, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var now = clock.GetUtcNow().UtcDateTime;
        var source = new WireSource { AgencyName = input.AgencyName.Trim(), CreatedAt = now };
        var secret = Apply(source, input, now);
        db.Set<WireSource>().Add(source);
        await db.SaveChangesAsync(ct);
        audit.Record(db, user, "wire.source.create", "wire-source", Id(source.Id), source.AgencyName, ip);
        await db.SaveChangesAsync(ct);
        return new SourceSaved(source.Id, secret);
    }

    /// <summary>Saves an edit; null when the source is gone. A push secret is made only when pushing is switched on.</summary>
    public async Task<SourceSaved?> UpdateAsync(int id, SourceInput input, ClaimsPrincipal user, string ip, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var source = await db.Set<WireSource>().AsTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (source is null)
        {
            return null;
        }
        var secret = Apply(source, input, clock.GetUtcNow().UtcDateTime);
        audit.Record(db, user, "wire.source.update", "wire-source", Id(id), source.AgencyName, ip);
        await db.SaveChangesAsync(ct);
        return new SourceSaved(id, secret);
    }

    public async Task<bool> SetEnabledAsync(int id, bool enabled, ClaimsPrincipal user, string ip, CancellationToken ct)
    {
        var source = await db.Set<WireSource>().AsTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (source is null)
        {
            return false;
        }
        source.Enabled = enabled;
        source.NextPollAt = null;
        source.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        audit.Record(db, user, enabled ? "wire.source.enable" : "wire.source.disable", "wire-source", Id(id), source.AgencyName, ip);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>A new push secret; the old one stops working at once. Null when the source is gone.</summary>
    public async Task<string?> RotatePushSecretAsync(int id, ClaimsPrincipal user, string ip, CancellationToken ct)
    {
        var source = await db.Set<WireSource>().AsTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (source is null)
        {
            return null;
        }
        var secret = NewSecret();
        source.ProtectedPushSecret = _protector.Protect(secret);
        source.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        audit.Record(db, user, "wire.source.rotate-secret", "wire-source", Id(id), source.AgencyName, ip);
        await db.SaveChangesAsync(ct);
        return secret;
    }

    public WireCredentials? Credentials(WireSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.ProtectedCredentials is null ? null : JsonSerializer.Deserialize<WireCredentials>(_protector.Unprotect(source.ProtectedCredentials));
    }

    public string? PushSecret(WireSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.ProtectedPushSecret is null ? null : _protector.Unprotect(source.ProtectedPushSecret);
    }

    private string? Apply(WireSource source, SourceInput input, DateTime now)
    {
        source.AgencyName = input.AgencyName.Trim();
        source.CreditLine = input.CreditLine.Trim();
        source.Kind = input.Kind;
        source.Url = input.Url.Trim().Length == 0 ? null : input.Url.Trim();
        source.FolderPath = input.Kind == WireFeedKind.NewsMlG2Folder && (input.FolderPath ?? "").Trim() is { Length: > 0 } folder ? folder : null;
        source.PollIntervalSeconds = input.PollIntervalSeconds;
        source.DefaultSectionId = input.DefaultSectionId;
        source.NextPollAt = null;
        source.UpdatedAt = now;
        if (input.ClearCredentials)
        {
            source.ProtectedCredentials = null;
        }
        else if (input.Password.Length > 0)
        {
            source.ProtectedCredentials = _protector.Protect(JsonSerializer.Serialize(new WireCredentials(input.User.Trim(), input.Password)));
        }
        string? secret = null;
        if (input.Push && source.ProtectedPushSecret is null)
        {
            secret = NewSecret();
            source.ProtectedPushSecret = _protector.Protect(secret);
        }
        else if (!input.Push)
        {
            source.ProtectedPushSecret = null;
        }
        return secret;
    }

    private static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Id(int id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
