using System.Security.Cryptography;
using Byline.Tests.Support;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace Byline.Tests.Newsletters;

/// <summary>A fresh RSA key for one fixture: the private half in a PEM file the site signs with, the public half as a DNS TXT record would carry it.</summary>
public sealed class DkimKey
{
    public const string Domain = "byline.test";

    public string Selector { get; } = "s" + Guid.NewGuid().ToString("N")[..8];

    public string KeyPath { get; }

    /// <summary>The <c>p=</c> of the selector's TXT record: the base64 SubjectPublicKeyInfo.</summary>
    public string PublicKey { get; }

    public DkimKey()
    {
        using var rsa = RSA.Create(2048);
        Directory.CreateDirectory(BylineApp.TempRoot);
        KeyPath = Path.Combine(BylineApp.TempRoot, $"dkim-{Selector}.pem");
        File.WriteAllText(KeyPath, rsa.ExportRSAPrivateKeyPem());
        PublicKey = Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
    }

    public Dictionary<string, string> Settings(string smtp)
    {
        var settings = NewsletterSettings.For(smtp);
        settings["Byline:Newsletters:DkimKeyPath"] = KeyPath;
        settings["Byline:Newsletters:DkimDomain"] = Domain;
        settings["Byline:Newsletters:DkimSelector"] = Selector;
        return settings;
    }
}

/// <summary>Answers the DKIM key look-up from the test's key instead of DNS (there is no DNS for byline.test).</summary>
internal sealed class TestKeyLocator(DkimKey key) : DkimPublicKeyLocatorBase
{
    public int Lookups { get; private set; }

    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default)
    {
        Lookups++;
        if (domain != DkimKey.Domain || selector != key.Selector)
        {
            throw new InvalidOperationException($"no key for {selector}._domainkey.{domain}");
        }
        return GetPublicKey("v=DKIM1; k=rsa; p=" + key.PublicKey);
    }

    public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
}

public sealed class NewsletterDkimSqliteApp : SqliteApp
{
    public DkimKey Key { get; } = new();

    protected override IReadOnlyDictionary<string, string> Settings => Key.Settings(MailServer.Smtp);
}

public sealed class NewsletterDkimPostgresApp : PostgresApp
{
    public DkimKey Key { get; } = new();

    protected override IReadOnlyDictionary<string, string> Settings => Key.Settings(MailServer.Smtp);
}

/// <summary>With a DKIM key configured, the issue Postfix delivered carries a DKIM-Signature that verifies against the public key, and breaks when the mail is altered.</summary>
public abstract class NewsletterDkimTests(BylineApp app, DkimKey key)
{
    [DatabaseFact]
    public async Task An_issue_is_dkim_signed_and_the_signature_verifies_after_delivery()
    {
        var list = await NewsletterData.ListAsync(app);
        var reader = (await NewsletterData.SubscribersAsync(app, list.Id, 1))[0];
        await NewsletterData.QueueIssueAsync(app, list);
        var delivered = Assert.Single(await MailServer.WaitForAsync(reader.Email));

        // Read from the Maildir file as delivered (Postfix added Return-Path, Delivered-To and Received above the signature).
        using var message = await MimeMessage.LoadAsync(delivered.File);
        var signature = message.Headers[HeaderId.DkimSignature];
        Assert.NotNull(signature);
        Assert.Contains($"d={DkimKey.Domain}", signature, StringComparison.Ordinal);
        Assert.Contains($"s={key.Selector}", signature, StringComparison.Ordinal);
        var header = message.Headers.First(h => h.Id == HeaderId.DkimSignature);
        var locator = new TestKeyLocator(key);
        Assert.True(await new DkimVerifier(locator).VerifyAsync(message, header), "the DKIM signature does not verify");
        Assert.Equal(1, locator.Lookups);

        // Altered on the way: the signature no longer verifies.
        message.Subject += " (changed)";
        Assert.False(await new DkimVerifier(locator).VerifyAsync(message, header));
    }
}

public sealed class NewsletterDkimTestsOnSqlite(NewsletterDkimSqliteApp app) : NewsletterDkimTests(app, app.Key), IClassFixture<NewsletterDkimSqliteApp>;

public sealed class NewsletterDkimTestsOnPostgres(NewsletterDkimPostgresApp app) : NewsletterDkimTests(app, app.Key), IClassFixture<NewsletterDkimPostgresApp>;
